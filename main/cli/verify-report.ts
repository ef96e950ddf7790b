/** Plain-language rendering of a verification report for the terminal. */
import { agree, formatCount } from '../../shared/format.ts';
import type { VerifyReport } from '../core/notary/verify.ts';

const MARK = { pass: 'OK  ', fail: 'FAIL', skipped: '--  ', missing: 'MISS', unlisted: 'EXTRA' } as const;

/** Files listed one by one up to this count; above it only the problems are listed. */
const LIST_ALL_UP_TO = 40;
const MAX_PROBLEMS_LISTED = 200;

function fileLines(report: VerifyReport): string[] {
  const line = (f: VerifyReport['files'][number]): string => {
    const detail = f.status === 'pass' ? '' : ` — ${[f.content, f.proof].filter((c) => c.status === 'fail').map((c) => c.message).join(' ') || f.content.message}`;
    return `[${MARK[f.status]}] ${f.path}${detail}`;
  };
  if (report.files.length <= LIST_ALL_UP_TO) return report.files.map(line);
  const problems = report.files.filter((f) => f.status !== 'pass');
  const passed = report.files.length - problems.length;
  // Files found that are not in the receipt are counted apart: "19998 of 20000 files OK"
  // reads as the dataset's files, "of 20001" did not.
  const unlisted = problems.filter((f) => f.status === 'unlisted').length;
  return [
    `${passed} of ${formatCount(report.files.length - unlisted, 'file')} OK${unlisted === 0 ? '' : `; ${formatCount(unlisted, 'other file')} found that ${agree(unlisted, 'is', 'are')} not in the receipt`}.`,
    ...problems.slice(0, MAX_PROBLEMS_LISTED).map(line),
    ...(problems.length > MAX_PROBLEMS_LISTED ? [`… and ${problems.length - MAX_PROBLEMS_LISTED} more problems (use --json for all).`] : []),
  ];
}

/** Human text of `report`: verdict first, then receipt facts, authors, and each file. */
export function formatVerifyReport(report: VerifyReport): string {
  const r = report.receipt;
  const lines = [
    report.ok ? `VERIFIED: ${report.summary}` : report.incomplete ? `NOT CHECKED: ${report.summary}` : `NOT VERIFIED: ${report.summary}`,
    '',
    `Dataset:   ${r.title}`,
    `Receipt:   ${r.path} (SHA-256 ${r.sha256})`,
    `Root:      ${r.root}`,
    `Anchored:  block ${r.blockNumber}, ${new Date(r.blockTime * 1000).toISOString()} on ${r.network} (chain ${r.chainId})${r.local ? ' — LOCAL devnet' : ''}`,
    `Tx:        ${r.txHash}`,
    '',
    `[${MARK[report.checks.manifest.status]}] manifest: ${report.checks.manifest.message}`,
    `[${MARK[report.checks.root.status]}] root: ${report.checks.root.message}`,
    `[${MARK[report.checks.chain.status]}] chain: ${report.checks.chain.message}`,
    ...report.authors.map((a) => `[${MARK[a.signature.status]}] author ${a.name ?? ''}${a.name === undefined ? '' : ' '}${a.address}${a.orcid === undefined ? '' : ` (ORCID ${a.orcid})`}: ${a.signature.message}`),
    '',
    ...fileLines(report),
  ];
  return lines.join('\n');
}
