/**
 * Public-chain commands (docs/CHAINS.md): `networks` (the presets), `deploy` (the NotaryRegistry
 * to a network, recorded in settings.json), `pending` and `resume` (notarization jobs and
 * anchorings not finished),
 * and the fee confirmation that `notarize`, `anchor`, `supersede`, `resume` and `deploy` show
 * before anything is signed on a chain whose fees are real.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { NotariumError } from '../../shared/errors.ts';
import { formatCount } from '../../shared/format.ts';
import { NETWORKS } from '../core/chain/networks.ts';
import { formatFeeEstimate } from '../core/chain/fees.ts';
import type { FeeConfirmation } from '../core/chain/fees.ts';
import type { Notarium, NotarizeResult } from '../core/notarium.ts';
import { printResult } from './output.ts';
import { readPassphrase } from './passphrase.ts';

type Run = (cmd: Command, fn: (n: Notarium, g: { json?: boolean }) => Promise<number | undefined>) => Promise<void>;

/**
 * The fee confirmation for a command that may send a transaction: prints the node's quote on
 * stderr and asks `[y/N]`; with `yes`, prints it (unless `json`) and proceeds. Returns undefined
 * when anchoring goes to a devnet (its ether is minted locally and worth nothing, so there is
 * nothing to agree to). Call it before any long work: without a terminal and without `--yes` it
 * throws at once, not after hours of encryption.
 * @throws NotariumError('INVALID_INPUT') when stdin is not a terminal and `yes` is not set.
 */
export function feeConfirmation(n: Notarium, options: { yes?: boolean; json?: boolean; always?: boolean }): FeeConfirmation | undefined {
  if (options.always === false || (options.always === undefined && !n.feeConfirmationNeeded)) return undefined;
  if (options.yes !== true && !process.stdin.isTTY) {
    throw new NotariumError('INVALID_INPUT', 'This sends a transaction that costs real fees: run it in a terminal to review the fee, or pass --yes to accept the quoted fee (scripts).');
  }
  return async (estimate, context) => {
    const text = formatFeeEstimate(estimate, context);
    if (options.yes === true) {
      if (options.json !== true) process.stderr.write(`${text}\n`);
      return true;
    }
    // Clear a progress line, if any, before the quote.
    process.stderr.write(`${process.stderr.isTTY ? '\r\u001b[2K' : ''}${text}\n`);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question('Send this transaction? [y/N] ')).trim());
    } finally {
      rl.close();
    }
  };
}

function anchoredText(r: NotarizeResult): string {
  return [
    `Anchored ${formatCount(r.fileCount, 'file')}`,
    `  root:      ${r.root}`,
    `  anchored:  block ${r.blockNumber} at ${new Date(r.blockTime * 1000).toISOString()} on ${r.network}${r.local ? ' (LOCAL devnet: proves nothing to third parties)' : ''}`,
    `  tx:        ${r.txHash}${r.explorerUrl === undefined ? '' : `\n             ${r.explorerUrl}`}`,
    `  receipt:   ${r.receiptPath}`,
  ].join('\n');
}

function confirmationsOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new NotariumError('INVALID_INPUT', '--confirmations must be an integer from 1 to 100.');
  return n;
}

/** Adds `networks`, `deploy`, `pending` and `resume` to `program`; `run` opens services and maps errors. */
export function registerChainCommands(program: Command, run: Run): void {
  program
    .command('networks')
    .description('list the network presets (chain ids, gas currency, default confirmations)')
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (_n, g) => {
        const list = Object.values(NETWORKS).map((p) => ({ id: p.id, name: p.name, chainId: p.chainId.toString(), currency: p.currency, testnet: p.testnet, local: p.local, defaultConfirmations: p.defaultConfirmations, l1DataFee: p.l1FeeOracle !== null }));
        printResult(g.json === true, list, () =>
          [
            'id        chain id   name            gas        confirmations',
            ...list.map((p) => `${p.id.padEnd(9)} ${p.chainId.padEnd(10)} ${p.name.padEnd(15)} ${p.currency.padEnd(10)} ${p.defaultConfirmations}${p.local ? '  (embedded, local only)' : p.testnet ? '  (testnet)' : ''}${p.l1DataFee ? '  (+ L1 data fee)' : ''}`),
            'Any other EVM chain: `deploy --network <name> --chain-id <id> --rpc <url>`.',
          ].join('\n'),
        );
        return undefined;
      });
    });

  program
    .command('deploy')
    .description('deploy the NotaryRegistry to a network with your account (asks to confirm the fee) and record it in settings.json; uses the global --rpc <url>')
    .requiredOption('-n, --network <name>', 'a preset (see `notarium networks`) or a custom network name with --chain-id')
    .option('--chain-id <id>', 'EIP-155 chain id (required for a custom network; checked against the preset and the RPC endpoint)')
    .option('--confirmations <n>', 'confirmations to wait for (default: the network preset\'s)')
    .option('-y, --yes', 'accept the quoted fee without asking (scripts); the quote is still printed', false)
    .option('--force', 'deploy although settings.json already names a live registry on this chain', false)
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const chainIdText = o['chainId'] as string | undefined;
        if (chainIdText !== undefined && !/^\d{1,15}$/.test(chainIdText)) throw new NotariumError('INVALID_INPUT', `--chain-id must be a positive integer, not ${JSON.stringify(chainIdText)}.`);
        const confirmations = confirmationsOption(o['confirmations']);
        // Deploying to a devnet spends nothing of value: no quote to agree to there.
        const toDevnet = String(o['network']).trim().toLowerCase() === 'devnet' || chainIdText === '31337';
        const confirmFee = feeConfirmation(n, { yes: o['yes'] === true, json: g.json === true, always: !toDevnet });
        const passphrase = await readPassphrase('Passphrase: ');
        const r = await n.deployRegistry(
          {
            network: String(o['network']),
            ...(chainIdText === undefined ? {} : { chainId: Number(chainIdText) }),
            ...(confirmations === undefined ? {} : { confirmations }),
            force: o['force'] === true,
          },
          { passphrase, ...(confirmFee === undefined ? {} : { confirmFee }) },
        );
        printResult(g.json === true, r, () =>
          [
            `NotaryRegistry deployed on ${r.network} (chain ${r.chainId})${r.quoted ? '' : ' (resumed an interrupted deployment)'}`,
            `  address:  ${r.address}`,
            `  block:    ${r.blockNumber}, gas used ${Number(r.gasUsed).toLocaleString('en-US')}`,
            `  tx:       ${r.txHash}${r.explorerUrl === undefined ? '' : `\n            ${r.explorerUrl}`}`,
            `Recorded in ${r.settingsPath}: notarize and anchor now use this network and registry.`,
          ].join('\n'),
        );
        return undefined;
      });
    });

  program
    .command('pending')
    .description('list unfinished work: notarization jobs that stopped (killed, disk full, error) and anchorings not finished (pending, fee declined, funds missing)')
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const anchorings = await n.pendingAnchors();
        const jobs = await n.pendingJobs();
        printResult(g.json === true, { jobs, anchorings }, () =>
          [
            ...(jobs.length === 0
              ? ['No unfinished notarization jobs.']
              : [
                  ...jobs.map((j) => `job ${j.id}  last written ${new Date(j.updatedAt * 1000).toISOString()}`),
                  'Continue one by running the same `notarium notarize` command again, or `notarium resume <job id>`: stored files are reused, nothing is anchored twice.',
                ]),
            ...(anchorings.length === 0
              ? ['No unfinished anchorings.']
              : [
                  ...anchorings.map((p) => `${p.title}  [${p.status}]  on ${p.network} (chain ${p.chainId})\n  root ${p.root}${p.txHash === null ? '' : `\n  tx   ${p.txHash}`}`),
                  'Finish one with `notarium resume <root>`: a signed transaction is followed, never sent twice.',
                ]),
          ].join('\n'),
        );
        return undefined;
      });
    });

  program
    .command('resume')
    .description('finish unfinished work (see `notarium pending`): a notarization job by its id, or an anchoring by its root (follows its transaction, or quotes and sends one); writes the receipt')
    .argument('<root-or-job>', 'the dataset root (0x + 64 hex) or the job id (16 hex)')
    .option('--confirmations <n>', 'confirmations to wait for (default: as first asked)')
    .option('-y, --yes', 'accept the quoted fee without asking, if a new transaction is needed (scripts)', false)
    .action(async (root: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const job = /^[0-9a-f]{16}$/.test(root);
        if (!job && !/^0x[0-9a-fA-F]{64}$/.test(root)) throw new NotariumError('INVALID_INPUT', 'Give the dataset root (0x + 64 hex digits) or the job id (16 hex digits), as `notarium pending` lists them.');
        const confirmations = confirmationsOption(o['confirmations']);
        const confirmFee = feeConfirmation(n, { yes: o['yes'] === true, json: g.json === true });
        const passphrase = await readPassphrase('Passphrase: ');
        if (job) {
          const r = await n.resumeJob(root, { passphrase, ...(confirmFee === undefined ? {} : { confirmFee }) });
          printResult(g.json === true, r, () => anchoredText(r));
          return undefined;
        }
        const r = await n.resumeAnchor(root, { passphrase, ...(confirmations === undefined ? {} : { confirmations }), ...(confirmFee === undefined ? {} : { confirmFee }) });
        printResult(g.json === true, r, () => anchoredText(r));
        return undefined;
      });
    });
}
