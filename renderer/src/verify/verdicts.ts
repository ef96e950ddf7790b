/**
 * A verification report in plain language for an IP-office clerk: four verdicts
 * (content, proof, signatures, chain), each a sentence, with the technical messages kept
 * for the expandable detail. Pure.
 */
import type { CheckInfo, VerifyReportInfo } from '../../../shared/api/index.ts';

export type VerdictStatus = 'pass' | 'fail' | 'skipped';

export interface Verdict {
  key: 'content' | 'proof' | 'signatures' | 'chain';
  title: string;
  status: VerdictStatus;
  plain: string;
  technical: string[];
}

function worst(checks: readonly CheckInfo[]): VerdictStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.length === 0 || checks.every((c) => c.status === 'skipped')) return 'skipped';
  return checks.some((c) => c.status === 'skipped') ? 'skipped' : 'pass';
}

export function verdicts(r: VerifyReportInfo): Verdict[] {
  const problems = r.files.filter((f) => f.status !== 'pass');
  const changed = r.files.filter((f) => f.status === 'fail').length;
  const missing = r.files.filter((f) => f.status === 'missing').length;
  const extra = r.files.filter((f) => f.status === 'unlisted').length;
  const contentStatus: VerdictStatus = problems.length === 0 && r.files.length > 0 ? 'pass' : 'fail';
  const parts = [changed > 0 ? `${changed} changed` : '', missing > 0 ? `${missing} missing` : '', extra > 0 ? `${extra} not in the receipt` : ''].filter((s) => s !== '');
  const proofChecks = [r.checks.manifest, r.checks.root, ...r.files.filter((f) => f.status !== 'missing' && f.status !== 'unlisted').map((f) => f.proof)];
  const proofStatus = worst(proofChecks);
  const sigStatus = worst(r.authors.map((a) => a.signature));
  const chain = r.checks.chain;
  const when = new Date(r.receipt.blockTime * 1000).toISOString().replace('.000Z', ' UTC').replace('T', ' ');
  return [
    {
      key: 'content',
      title: 'Content',
      status: contentStatus,
      plain:
        contentStatus === 'pass'
          ? `All ${r.files.length} file(s) are exactly the notarized ones, byte for byte.`
          : `The files differ from what was notarized: ${parts.join(', ') || 'no file was checked'}.`,
      technical: problems.slice(0, 50).map((f) => `${f.path}: ${f.content.message}`),
    },
    {
      key: 'proof',
      title: 'Part of the notarized dataset',
      status: proofStatus,
      plain:
        proofStatus === 'pass'
          ? 'Each file is provably part of the dataset whose fingerprint (Merkle root) was anchored.'
          : proofStatus === 'skipped'
            ? 'Membership in the dataset could not be fully checked.'
            : 'The receipt does not prove that these files belong to the anchored dataset.',
      technical: [r.checks.manifest.message, r.checks.root.message, `Merkle root: ${r.receipt.root}`],
    },
    {
      key: 'signatures',
      title: 'Authors',
      status: sigStatus,
      plain:
        sigStatus === 'pass'
          ? `Signed by ${r.authors.map((a) => a.name ?? a.address).join(', ')}.`
          : sigStatus === 'skipped'
            ? 'Some signatures come from contract wallets that only the blockchain can confirm.'
            : 'At least one author signature does not match.',
      technical: [...r.authors.map((a) => `${a.name === undefined ? '' : `${a.name} `}${a.address}${a.orcid === undefined ? '' : ` (ORCID ${a.orcid})`}: ${a.signature.message}`), `EIP-712 digest: ${r.digest}`],
    },
    {
      key: 'chain',
      title: 'Existed at',
      status: chain.status,
      plain:
        chain.status === 'pass'
          ? `The dataset existed no later than ${when}: its fingerprint is recorded in block ${r.receipt.blockNumber} on ${r.receipt.network}${r.receipt.local ? ' (a LOCAL test chain: this proves nothing to third parties)' : ''}.`
          : chain.status === 'skipped'
            ? `Not checked against the blockchain (offline). The receipt claims block ${r.receipt.blockNumber}, ${when}.`
            : 'The blockchain does not confirm the receipt\'s anchor.',
      technical: [chain.message, `Network: ${r.receipt.network} (chain ${r.receipt.chainId})`, `Contract: ${r.receipt.contract}`, `Transaction: ${r.receipt.txHash}`],
    },
  ];
}
