/**
 * The `notarium` command line: parses arguments with commander, validates them with the
 * shared zod request schemas (the same the desktop app's IPC uses), calls the services
 * in main/core and prints human text or `--json`.
 */
import path from 'node:path';
import { Command, Help, Option } from 'commander';
import { cidRequestSchema, shareRequestSchema, notarizeRequestSchema, parseRequest, retrieveRequestSchema, verifyRequestSchema } from '../../shared/api/schemas.ts';
import { Notarium, type NotariumOptions } from '../core/notarium.ts';
import { NotariumError } from '../../shared/errors.ts';
import { formatBytes, formatCount } from '../../shared/format.ts';
import { EXIT, exitCodeFor, printError, printResult } from './output.ts';
import { addOverrideOptions, addUseRequestOptions, overrideFrom, registerConsentCommands, useRequestFrom } from './consent.ts';
import { readPassphrase } from './passphrase.ts';
import { progressPrinter } from './progress.ts';
import { formatVerifyReport } from './verify-report.ts';
import { registerCoauthorCommands } from './coauthor.ts';
import { registerIpfsCommands } from './ipfs-commands.ts';
import { addReceiptExtractCommand } from './receipt-commands.ts';
import { feeConfirmation, registerChainCommands } from './chain-commands.ts';
import { registerSettingsCommands, warnAboutManagedSettings } from './settings-commands.ts';
import { registerAccountCommands } from './account-commands.ts';

interface GlobalOpts {
  dataDir?: string;
  rpc?: string;
  json?: boolean;
}

function serviceOptions(g: GlobalOpts): NotariumOptions {
  return { ...(g.dataDir === undefined ? {} : { dataDir: g.dataDir }), ...(g.rpc === undefined ? {} : { rpc: g.rpc }) };
}

/** Runs `fn` with an opened Notarium, closing it after; maps errors to exit codes. */
async function run(cmd: Command, fn: (n: Notarium, g: GlobalOpts) => Promise<number | undefined>): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOpts>();
  let notarium: Notarium | undefined;
  try {
    notarium = await Notarium.open(serviceOptions(g));
    warnAboutManagedSettings(cmd, notarium, g.json === true);
    const code = await fn(notarium, g);
    process.exitCode = code ?? EXIT.ok;
  } catch (e) {
    printError(e, g.json === true);
    process.exitCode = exitCodeFor(e);
  } finally {
    await notarium?.close();
  }
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

const NOTARIUM_VERSION = '0.1.0';


/** Builds the commander program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('notarium')
    .version(NOTARIUM_VERSION, '--version', 'print the version')
    .description('Encrypt research datasets to IPFS, notarize them on an EVM chain, verify receipts.')
    .option('--data-dir <dir>', 'data folder (keys, ledger, IPFS blocks, devnet); default: $NOTARIUM_DATA_DIR or the per-user app-data folder')
    .option('--rpc <url>', 'use this EVM JSON-RPC endpoint instead of the embedded devnet')
    .option('--json', 'machine-readable output (one JSON document on stdout)')
    .configureHelp({
      // Repeatable options start from an empty list: "(default: [])" tells a user nothing.
      optionDescription(this: Help, option: Option): string {
        return Help.prototype.optionDescription.call(this, option).replace(/ \(default: \[\]\)$/, '');
      },
    })
    .showHelpAfterError()
    .configureOutput({
      // With --json, usage errors are JSON too (on stdout), like every other error.
      writeErr: (text) => {
        if (!process.argv.includes('--json')) process.stderr.write(text);
      },
      outputError: (text, write) => {
        if (process.argv.includes('--json')) printError(new NotariumError('INVALID_INPUT', text.replace(/^error: /, '').trim()), true);
        else write(text);
      },
    })
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : EXIT.badInput);
    });

  program
    .command('init')
    .description('create the account: an Ethereum key (encrypted JSON keystore) and an age X25519 identity, under one passphrase')
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const passphrase = await readPassphrase('New passphrase: ', true);
        const acct = await n.init(passphrase);
        printResult(g.json === true, acct, () =>
          `Account created in ${acct.dataDir}\n  Ethereum address: ${acct.address}\n  age recipient:    ${acct.recipient}\nGive the age recipient to collaborators who share data with you.`,
        );
      });
    });

  program
    .command('account')
    .description('show the account address and age recipient (no passphrase needed)')
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const acct = await n.account();
        printResult(g.json === true, acct, () => `Ethereum address: ${acct.address}\nage recipient:    ${acct.recipient}\nData folder:      ${acct.dataDir}`);
      });
    });

  program
    .command('notarize')
    .description('hash, encrypt to IPFS, sign and anchor a dataset; writes a receipt')
    .argument('<inputs...>', 'files and/or folders')
    .requiredOption('-t, --title <title>', 'dataset title (signed)')
    .option('--name <name>', 'your name as author')
    .option('--orcid <orcid>', 'your ORCID iD, e.g. 0000-0002-1825-0097')
    .option('--public', 'no salt: anyone can look a file up by its SHA-256', false)
    .option('-r, --recipient <age1…>', 'also encrypt to this age recipient (repeatable)', collect, [])
    .addOption(new Option('--confirmations <n>', 'confirmations to wait for').default('1'))
    .option('-o, --receipt-out <file>', 'where to write the receipt (default: next to the inputs)')
    .option('-y, --yes', 'on a public chain, accept the quoted fee without asking (scripts); the quote is still printed', false)
    .action(async (inputs: string[], o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const req = parseRequest(notarizeRequestSchema, {
          inputs,
          title: o['title'],
          ...(o['name'] === undefined ? {} : { authorName: o['name'] }),
          ...(o['orcid'] === undefined ? {} : { authorOrcid: o['orcid'] }),
          public: o['public'] === true,
          recipients: o['recipient'],
          confirmations: Number(o['confirmations']),
          ...(o['receiptOut'] === undefined ? {} : { receiptOut: o['receiptOut'] }),
        });
        const confirmFee = feeConfirmation(n, { yes: o['yes'] === true, json: g.json === true });
        const passphrase = await readPassphrase('Passphrase: ');
        const progress = progressPrinter(g.json !== true);
        const result = await n.notarize(req, { passphrase, onProgress: progress.onProgress, ...(confirmFee === undefined ? {} : { confirmFee }) });
        progress.end();
        printResult(g.json === true, result, () =>
          [
            ...result.warnings.map((w) => `warning: ${w}`),
            `Notarized ${formatCount(result.fileCount, 'file')} (${formatBytes(result.totalBytes)})${result.totalBytes > 50e6 && result.bytesPerSecond > 0 ? ` at ${(result.bytesPerSecond / 1e6).toFixed(0)} MB/s` : ''}`,
            `  root:      ${result.root}`,
            `  anchored:  block ${result.blockNumber} at ${new Date(result.blockTime * 1000).toISOString()} on ${result.network}${result.local ? ' (LOCAL devnet: proves nothing to third parties)' : ''}`,
            `  tx:        ${result.txHash}${result.explorerUrl === undefined ? '' : `\n             ${result.explorerUrl}`}`,
            `  receipt:   ${result.receiptPath}`,
          ].join('\n'),
        );
      });
    });

  program
    .command('verify')
    .description('check files against a receipt: content, Merkle proofs, author signatures, on-chain anchor')
    .argument('<inputs...>', 'a folder, or files')
    .requiredOption('--receipt <file>', 'the receipt JSON')
    .option('--offline', 'do not contact the chain (checks everything else and says so)', false)
    .action(async (inputs: string[], o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const req = parseRequest(verifyRequestSchema, {
          inputs,
          receipt: o['receipt'],
          offline: o['offline'] === true,
          ...(g.rpc === undefined ? {} : { rpc: g.rpc }),
        });
        const report = await n.verify(req);
        printResult(g.json === true, report, () => formatVerifyReport(report));
        return report.ok ? EXIT.ok : report.incomplete ? EXIT.failed : EXIT.verifyFailed;
      });
    });

  // Consent gate (issue 5): --purpose … runs the consent check before decrypting.
  const retrieve = program
    .command('retrieve')
    .description('fetch a dataset from IPFS, decrypt it, check every hash, restore its files')
    .argument('<source>', 'receipt file, share ticket file, dataset id or Merkle root')
    .requiredOption('-o, --out <dir>', 'output folder (new or empty)');
  addOverrideOptions(addUseRequestOptions(retrieve, true))
    .action(async (source: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const purpose = useRequestFrom(o);
        const override = overrideFrom(o);
        const req = parseRequest(retrieveRequestSchema, { source, out: o['out'], ...(purpose === undefined ? {} : { purpose }), ...(override === undefined ? {} : { override }) });
        // A source that does not exist, or an output folder with files in it, is reported
        // before the passphrase is asked for (and the account unlocked: seconds of scrypt).
        await n.assertRetrievalSource(req.source, req.out);
        const passphrase = await readPassphrase('Passphrase: ');
        const progress = progressPrinter(g.json !== true);
        const result = await n.retrieve(req, { passphrase, onProgress: progress.onProgress });
        progress.end();
        printResult(g.json === true, result, () => `Restored ${formatCount(result.fileCount, 'file')} (${formatBytes(result.totalBytes)}) into ${result.out}; every SHA-256 matched.`);
      });
    });

  const share = program
    .command('share')
    .description('share a dataset with an age recipient: new key envelope only (payloads untouched); writes a ticket to send them')
    .argument('<dataset>', 'dataset id, Merkle root or receipt file')
    .requiredOption('-r, --recipient <age1…>', "the recipient's age public key (they get it from `notarium account`)")
    .option('-o, --out <file>', 'where to write the share ticket');
  addOverrideOptions(addUseRequestOptions(share, true))
    .action(async (dataset: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const purpose = useRequestFrom(o);
        const override = overrideFrom(o);
        const req = parseRequest(shareRequestSchema, {
          dataset,
          recipient: o['recipient'],
          ...(o['out'] === undefined ? {} : { out: o['out'] }),
          ...(purpose === undefined ? {} : { purpose }),
          ...(override === undefined ? {} : { override }),
        });
        const passphrase = await readPassphrase('Passphrase: ');
        const r = await n.share(req, { passphrase });
        printResult(g.json === true, r, () =>
          `Shared ${formatCount(r.ticket.summary.fileCount, 'file')} of "${r.ticket.title}" with ${r.ticket.recipient} in ${r.seconds.toFixed(2)} s (no payload re-encrypted).\nSend them the ticket: ${r.ticketPath}\nThey run: notarium retrieve ${path.basename(r.ticketPath)} --out <dir>  (the blocks must reach their node: CAR or network).\nRevocation is impossible for data already fetched: see docs/SHARING.md.`,
        );
        return undefined;
      });
    });

  program
    .command('rekey')
    .description('revoke future access: re-encrypt a dataset under new keys for the given recipients (and you) and notarize it as a new version superseding the old; see docs/SHARING.md')
    .argument('<dataset>', 'receipt file, dataset id or Merkle root')
    .option('-r, --recipient <age1…>', 'a recipient who keeps access (repeatable); everyone else loses access to the new version', collect, [])
    .option('-o, --receipt-out <file>', 'where to write the new receipt')
    .option('--draft-out <file>', 'with co-authors: where to write the draft they sign')
    .option('-y, --yes', 'accept the quoted fee on a public chain (scripts)', false)
    .action(async (dataset: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const passphrase = await readPassphrase('Passphrase: ');
        const confirmFee = feeConfirmation(n, { yes: o['yes'] === true, json: g.json === true });
        const progress = progressPrinter(g.json !== true);
        const r = await n.rekey(
          { dataset, recipients: o['recipient'] as string[], ...(o['receiptOut'] === undefined ? {} : { receiptOut: o['receiptOut'] as string }), ...(o['draftOut'] === undefined ? {} : { draftOut: o['draftOut'] as string }) },
          { passphrase, onProgress: progress.onProgress, ...(confirmFee === undefined ? {} : { confirmFee }) },
        );
        progress.end();
        printResult(g.json === true, r, () =>
          r.kind === 'anchored'
            ? `Re-keyed and notarized as a new version (root ${r.result.root}) superseding the old one.\n  receipt: ${r.result.receiptPath}\nData already fetched with the old keys stays readable by whoever fetched it.`
            : `Re-keyed; the new version needs its co-authors' signatures: ${r.draftPath}\nThen: notarium supersede <old-receipt> ${path.basename(r.draftPath)} --signatures …`,
        );
        return undefined;
      });
    });

  program
    .command('cid')
    .description('print each file\'s CID under the unixfs-v1-2025 profile without storing anything (= ipfs add --only-hash --cid-version=1 --raw-leaves --chunker=size-1048576 --max-file-links=1024)')
    .argument('<files...>')
    .action(async (files: string[], _o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const req = parseRequest(cidRequestSchema, { files });
        const result = await n.cid(req);
        printResult(g.json === true, result, () => result.map((r) => `${r.cid}  ${r.file}`).join('\n'));
      });
    });

  program
    .command('datasets')
    .description('list notarized datasets in the local ledger')
    .action(async (_o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const list = n.datasets();
        printResult(g.json === true, list, () =>
          list.length === 0
            ? 'No datasets yet.'
            : list
                .map((d) => [
                  `${d.title}  [${d.status}${d.supersededBy === null ? '' : ', superseded'}]  ${new Date(d.createdAt * 1000).toISOString().slice(0, 10)}  ${formatCount(d.fileCount, 'file')}, ${formatBytes(d.totalBytes)}`,
                  `  id ${d.id}  root ${d.root}`,
                  ...(d.supersededBy === null ? [] : [`  superseded by the newer version ${d.supersededBy}`]),
                  ...(d.receiptPath === null ? [] : [`  receipt ${d.receiptPath}`]),
                ].join('\n'))
                .join('\n'),
        );
      });
    });

  const receipt = program
    .command('receipt')
    .description('write the latest receipt of a dataset from the local ledger (e.g. when the original copy was lost); `receipt extract`: an excerpt for chosen files')
    .argument('<dataset>', 'dataset id or Merkle root')
    // Not requiredOption: commander would demand it of `receipt extract` too.
    .option('-o, --out <file>', 'where to write it (required; an existing file is refused: see --force)')
    .option('--force', 'replace an existing file at --out')
    .action(async (dataset: string, o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        if (o['out'] === undefined) throw new NotariumError('INVALID_INPUT', "required option '-o, --out <file>' not specified");
        const r = await n.exportReceipt(dataset, String(o['out']), { replace: o['force'] === true });
        printResult(g.json === true, r, () => `Receipt of ${r.root} written to ${r.path}`);
        return undefined;
      });
    });
  addReceiptExtractCommand(receipt);

  program
    .command('devnet')
    .description('serve the embedded devnet as JSON-RPC on 127.0.0.1 for other tools (Ctrl-C to stop)')
    .option('--port <port>', 'TCP port', '8545')
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const port = String(o['port']);
        if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new NotariumError('INVALID_INPUT', `--port must be a TCP port number (0-65535), not ${JSON.stringify(port)}.`);
        const server = await n.serveDevnet(Number(port));
        // Listen for Ctrl-C before announcing the URL: a script may signal as soon as it reads it.
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        printResult(g.json === true, server, () => `Devnet (chain id ${server.chainId}) serving JSON-RPC at ${server.url}\nNotaryRegistry at ${server.contract}\nCtrl-C to stop.`);
        await stopped;
        await server.close();
      });
    });

  registerCoauthorCommands(program, run);
  registerIpfsCommands(program, run);
  registerChainCommands(program, run);
  registerSettingsCommands(program, run);
  registerAccountCommands(program, run);
  registerConsentCommands(program, () => Notarium.open(serviceOptions(program.opts<GlobalOpts>())));

  return program;
}
