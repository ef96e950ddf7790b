/**
 * `notarium receipt extract`: a receipt excerpt proving chosen files of a dataset
 * (docs/RECEIPT.md §6), small enough to hand over when the full receipt of a large dataset
 * is hundreds of megabytes. Runs on the receipt file alone: no account, ledger or node.
 */
import { formatBytes, formatCount } from '../../shared/format.ts';
import type { Command } from 'commander';
import { extractReceiptExcerpt } from '../core/notary/receipt-excerpt.ts';
import { EXIT, exitCodeFor, printError, printResult } from './output.ts';

/** Adds `extract` under the `receipt` command. */
export function addReceiptExtractCommand(receipt: Command): void {
  receipt
    .command('extract')
    .description('write a receipt excerpt: the signed, anchored statement with only the named files and their Merkle proofs (`notarium verify` accepts it)')
    .argument('<receipt>', 'a receipt (or excerpt) file')
    .argument('<paths...>', 'files to keep, as paths inside the dataset (as the receipt lists them, e.g. imaging/s01.dcm)')
    .option('-o, --out <file>', `where to write the excerpt (an existing file is refused: see --force); default ./<file name>.notarium-excerpt.json, never replacing a file`)
    .option('--force', 'replace an existing file at --out')
    .action(async (receiptFile: string, paths: string[], o: Record<string, unknown>, cmd: Command) => {
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
      // Commander hands `-o` to the parent `receipt` (whose own `-o` it is) when it follows the operands.
      const out = o['out'] ?? receipt.opts<{ out?: string }>().out;
      const replace = (o['force'] ?? receipt.opts<{ force?: boolean }>().force) === true;
      try {
        const r = await extractReceiptExcerpt(receiptFile, paths, out === undefined ? {} : { out: String(out), replace });
        printResult(json, r, () =>
          [
            `Wrote ${r.path} (${formatBytes(r.bytes)}): ${formatCount(r.files.length, 'file')} of the dataset with root ${r.root}.`,
            `Check a file with \`notarium verify <file> --receipt ${r.path}\`.`,
          ].join('\n'),
        );
        process.exitCode = EXIT.ok;
      } catch (e) {
        printError(e, json);
        process.exitCode = exitCodeFor(e);
      }
    });
}
