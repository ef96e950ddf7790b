/**
 * Moving data (docs/IPFS.md): `car export` / `car import` for air-gapped transfer on a
 * USB disk, `ipfs serve` to let peers fetch this data folder's objects over libp2p, and
 * `ipfs gc` to reclaim the space of blocks no dataset uses.
 */
import type { Command } from 'commander';
import { NotariumError } from '../../shared/errors.ts';
import { DEFAULT_GC_GRACE_SECONDS } from '../core/ipfs/gc.ts';
import type { Notarium } from '../core/notarium.ts';
import { formatBytes, formatCount } from '../../shared/format.ts';
import { printResult } from './output.ts';

type Run = (cmd: Command, fn: (n: Notarium, g: { json?: boolean }) => Promise<number | undefined>) => Promise<void>;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Adds `car export`, `car import`, `ipfs serve` and `ipfs gc` to `program`; `run` opens services and maps errors. */
export function registerIpfsCommands(program: Command, run: Run): void {
  const car = program.command('car').description('move encrypted datasets as CAR files (USB transfer to sites without a network)');

  car
    .command('export')
    .description('write datasets (id, root, receipt or share ticket) or CIDs, with every block of their DAGs, to one CARv1 file')
    .argument('<refs...>', 'dataset id or root, receipt file, share ticket file, or CID')
    .requiredOption('-o, --out <file>', 'the CAR file to write (an existing file is refused: see --force)')
    .option('--force', 'replace the --out file if it exists', false)
    .action(async (refs: string[], o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const result = await n.carExport(refs, String(o['out']), { replace: o['force'] === true });
        printResult(g.json === true, result, () =>
          [
            `Wrote ${result.path} (${formatBytes(result.fileBytes)}): ${result.roots.length} objects, ${result.blocks} blocks`,
            `Import it with \`notarium car import ${result.path}\`, or into Kubo with \`ipfs dag import --pin-roots ${result.path}\`.`,
          ].join('\n'),
        );
      });
    });

  car
    .command('import')
    .description('import a CAR file all or nothing: every block checked against its CID, every DAG complete, roots pinned; exits 1 if the file is truncated, altered or incomplete')
    .argument('<file>', 'a CAR file (from `notarium car export` or `ipfs dag export`)')
    .action(async (file: string, _o, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const result = await n.carImport(file);
        printResult(g.json === true, result, () => `Imported ${result.blocks} blocks (${formatBytes(result.blockBytes)} of block data); ${result.roots.length} objects pinned. Retrieve with the receipt or share ticket.`);
      });
    });

  const ipfs = program.command('ipfs').description('the embedded IPFS node: networking and storage');

  ipfs
    .command('serve')
    .description('run the embedded IPFS node with libp2p TCP so peers can fetch this folder\'s data; provides every pinned object (Ctrl-C to stop)')
    .option('--listen <multiaddr>', 'address to listen on, e.g. /ip4/127.0.0.1/tcp/4001 (repeatable; added to settings)', collect, [])
    .option('--peer <multiaddr>', 'peer to keep connected, with /p2p/<peer id> (repeatable; added to settings)', collect, [])
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const node = await n.serveIpfs({ listen: o['listen'] as string[], peers: o['peer'] as string[] });
        // Listen for the signal before printing: a script may send it as soon as it reads the address.
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        printResult(g.json === true, { addresses: node.addresses }, () =>
          node.addresses.length === 0
            ? 'IPFS node running without a listen address (dialling out only). Ctrl-C to stop.'
            : `IPFS node reachable at:\n${node.addresses.map((a) => `  ${a}`).join('\n')}\nGive one of these to peers (settings ipfs.networking.peers, or --peer). Ctrl-C to stop.`,
        );
        await stopped;
        await node.close();
      });
    });

  ipfs
    .command('gc')
    .description('delete stored blocks that no dataset, manifest or share envelope uses (unpinned); pinned data is never touched')
    .option('--grace <seconds>', 'keep unpinned blocks written less than this long ago: a notarization running meanwhile may still pin them', String(DEFAULT_GC_GRACE_SECONDS))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      await run(cmd, async (n, g) => {
        const grace = String(o['grace']);
        if (!/^\d+$/.test(grace)) throw new NotariumError('INVALID_INPUT', `--grace must be a whole number of seconds, not ${JSON.stringify(grace)}.`);
        const result = await n.ipfsGc({ graceSeconds: Number(grace) });
        printResult(g.json === true, result, () =>
          [
            `Deleted ${formatCount(result.removedBlocks, 'unpinned block')} (${formatBytes(result.removedBytes)}); kept ${result.pinnedBlocks} pinned.`,
            ...(result.keptBlocks === 0 ? [] : [`Kept ${formatCount(result.keptBlocks, 'unpinned block')} written in the last ${grace} s or awaiting their pin (--grace 0 deletes the former).`]),
          ].join('\n'),
        );
      });
    });
}
