/**
 * Co-author commands: `draft`, `sign`, `anchor`, `supersede` — signatures collected
 * offline (EIP-712, no gas) and anchored once by the submitter.
 */
import type { Command } from 'commander';
import { draftRequestSchema, parseAuthorSpec, parseRequest } from '../../shared/api/schemas.ts';
import { NotariumError } from '../../shared/errors.ts';
import { formatBytes, formatCount } from '../../shared/format.ts';
import type { Notarium, NotarizeResult } from '../core/notarium.ts';
import { printResult } from './output.ts';
import { readPassphrase } from './passphrase.ts';
import { progressPrinter } from './progress.ts';
import { feeConfirmation } from './chain-commands.ts';

type Run = (cmd: Command, fn: (n: Notarium, g: { json?: boolean }) => Promise<number | undefined>) => Promise<void>;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function anchoredText(r: NotarizeResult): string {
  return [
    `Anchored ${formatCount(r.fileCount, 'file')}`,
    `  root:      ${r.root}`,
    `  anchored:  block ${r.blockNumber} at ${new Date(r.blockTime * 1000).toISOString()} on ${r.network}${r.local ? ' (LOCAL devnet: proves nothing to third parties)' : ''}`,
    `  tx:        ${r.txHash}${r.explorerUrl === undefined ? '' : `\n             ${r.explorerUrl}`}`,
    `  receipt:   ${r.receiptPath}`,
  ].join('\n');
}

/** Size as file managers show it, with the exact byte count co-authors sign for. */
function size(bytes: number): string {
  return `${formatBytes(bytes)}, ${bytes.toLocaleString('en')} bytes`;
}

/** Adds the co-author commands to `program`; `run` opens services and maps errors as for every command. */
export function registerCoauthorCommands(program: Command, run: Run): void {
  program
    .command('draft')
    .description('encrypt and store a dataset and write a draft for co-authors to sign (no passphrase, no gas)')
    .argument('<inputs...>', 'files and/or folders')
    .requiredOption('-t, --title <title>', 'dataset title (signed)')
    .option('-a, --author <address[:name[:orcid]]>', 'an author, in signing order (repeatable); default: you', collect, [])
    .option('--public', 'no salt: anyone can look a file up by its SHA-256', false)
    .option('-r, --recipient <age1…>', 'also encrypt to this age recipient (repeatable)', collect, [])
    .option('--supersedes <receipt>', 'this dataset is a new version of the one in that receipt')
    .option('-o, --out <file>', 'where to write the draft')
    .action(async (inputs: string[], o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const req = parseRequest(draftRequestSchema, {
          inputs,
          title: o['title'],
          authors: (o['author'] as string[]).map(parseAuthorSpec),
          public: o['public'] === true,
          recipients: o['recipient'],
          ...(o['supersedes'] === undefined ? {} : { supersedes: o['supersedes'] }),
          ...(o['out'] === undefined ? {} : { out: o['out'] }),
        });
        const progress = progressPrinter(g.json !== true);
        const r = await n.draft(req, { onProgress: progress.onProgress });
        progress.end();
        printResult(g.json === true, { draftPath: r.draftPath, root: r.draft.root, authors: r.draft.authors, warnings: r.warnings }, () =>
          [
            ...r.warnings.map((w) => `warning: ${w}`),
            `Draft written: ${r.draftPath}`,
            `  root: ${r.draft.root}  (${formatCount(r.draft.summary.fileCount, 'file')}, ${size(r.draft.summary.totalBytes)})`,
            `  authors to sign: ${r.draft.authors.map((a) => a.name ?? a.address).join(', ')}`,
            'Send the draft to each co-author: `notarium sign <draft>`; then `notarium anchor <draft> --signatures <files…>`.',
          ].join('\n'),
        );
        return undefined;
      });
    });

  program
    .command('sign')
    .description('review a draft and sign it with your key (EIP-712, offline, no gas); writes a signature file')
    .argument('<draft>')
    .option('-o, --out <file>', 'where to write the signature file')
    .option('-y, --yes', 'sign without asking (scripts); the summary is still printed', false)
    .option('--as <wallet>', 'sign for this contract wallet (ERC-1271) that accepts your key')
    .action(async (draftFile: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const { parseDraft } = await import('../../shared/notary/draft.ts');
        const { readFile } = await import('node:fs/promises');
        const draft = parseDraft(await readFile(draftFile, 'utf8').catch((e: unknown) => {
          throw new NotariumError('NOT_FOUND', `Draft not found: ${draftFile}`, { cause: e });
        }));
        const summary = [
          `You are asked to sign as author of:`,
          `  title:   ${draft.title}`,
          `  files:   ${draft.summary.fileCount} (${size(draft.summary.totalBytes)})`,
          `  root:    ${draft.root}`,
          `  authors: ${draft.authors.map((a) => `${a.name ?? ''}${a.name === undefined ? '' : ' '}${a.address}${a.orcid === undefined ? '' : ` (ORCID ${a.orcid})`}`).join('; ')}`,
          `  chain:   ${draft.network.name} (${draft.network.chainId}), registry ${draft.contract}`,
          ...(draft.supersedes === `0x${'0'.repeat(64)}` ? [] : [`  replaces the version with root ${draft.supersedes}`]),
        ].join('\n');
        if (g.json !== true) process.stderr.write(`${summary}\n`);
        if (o['yes'] !== true) {
          if (!process.stdin.isTTY) throw new NotariumError('INVALID_INPUT', 'Not a terminal: review the summary and pass --yes to sign.');
          const { createInterface } = await import('node:readline/promises');
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question('Sign this? [y/N] ');
          rl.close();
          if (!/^y(es)?$/i.test(answer.trim())) throw new NotariumError('CANCELLED', 'Not signed.');
        }
        const passphrase = await readPassphrase('Passphrase: ');
        const r = await n.signDraft(draftFile, { passphrase, ...(o['out'] === undefined ? {} : { out: o['out'] as string }), ...(o['as'] === undefined ? {} : { asWallet: o['as'] as string }) });
        printResult(g.json === true, { signaturePath: r.signaturePath, signer: r.signer, digest: r.digest }, () => `Signed as ${r.signer}.\nSignature file: ${r.signaturePath} — send it back to the submitter.`);
        return undefined;
      });
    });

  const anchorAction = (supersede: boolean) => async (a: string, b: string | Record<string, unknown>, c: Record<string, unknown> | Command, d?: Command): Promise<void> => {
    const [oldReceipt, draftFile, o, cmd] = supersede ? [a, b as string, c as Record<string, unknown>, d as Command] : [undefined, a, b as Record<string, unknown>, c as Command];
    await run(cmd, async (n, g) => {
      const confirmFee = feeConfirmation(n, { yes: o['yes'] === true, json: g.json === true });
      const passphrase = await readPassphrase('Passphrase: ');
      const confirmations = Number(o['confirmations']);
      if (!Number.isInteger(confirmations) || confirmations < 0 || confirmations > 100) throw new NotariumError('INVALID_INPUT', '--confirmations must be an integer from 0 to 100.');
      const r = await n.anchorDraft(draftFile, (o['signatures'] as string[] | undefined) ?? [], {
        passphrase,
        confirmations,
        ...(o['receiptOut'] === undefined ? {} : { receiptOut: o['receiptOut'] as string }),
        ...(oldReceipt === undefined ? {} : { supersedesReceipt: oldReceipt }),
        ...(confirmFee === undefined ? {} : { confirmFee }),
      });
      printResult(g.json === true, r, () => anchoredText(r));
      return undefined;
    });
  };

  program
    .command('anchor')
    .description('check every co-author signature of a draft and anchor it once (you pay the gas)')
    .argument('<draft>')
    .option('-s, --signatures <files...>', 'signature files from the co-authors')
    .option('--confirmations <n>', 'confirmations to wait for', '1')
    .option('-o, --receipt-out <file>', 'where to write the receipt')
    .option('-y, --yes', 'on a public chain, accept the quoted fee without asking (scripts)', false)
    .action(anchorAction(false));

  program
    .command('supersede')
    .description('anchor a new version (a draft made with --supersedes) linked to an old receipt; history is kept')
    .argument('<old-receipt>')
    .argument('<new-draft>')
    .option('-s, --signatures <files...>', 'signature files from the co-authors')
    .option('--confirmations <n>', 'confirmations to wait for', '1')
    .option('-o, --receipt-out <file>', 'where to write the receipt')
    .option('-y, --yes', 'on a public chain, accept the quoted fee without asking (scripts)', false)
    .action(anchorAction(true));
}
