/**
 * Moving data between two embedded nodes on this machine: libp2p TCP on 127.0.0.1
 * (Bitswap fetch + pin) and a CAR file (export, then verified all-or-nothing import).
 *
 *   node bench/ipfs-transfer.ts               # 256 MiB of random data
 *   IPFS_BENCH_MIB=64 node bench/ipfs-transfer.ts
 *
 * Both nodes use durability 'fsync'. MB/s are 10^6 bytes of content per second. Prints
 * JSON lines {"name", "value", "unit"}:
 *   ipfs_net_open              ms to open a networked node (listening on 127.0.0.1)
 *   ipfs_net_fetch_pin         B pins A's file over libp2p (fetch, verify, store, pin)
 *   ipfs_car_export            A writes the file's DAG as a CARv1 (fsynced)
 *   ipfs_car_import            C imports the CAR (verify, stage, commit, pin)
 *   ipfs_car_overhead          CAR bytes beyond the content (header, framing, inner nodes)
 *   rss_peak_mb                resident memory of this process at the end (three nodes)
 */
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCar, HeliaBackend } from '../main/core/ipfs/index.ts';

const MIB = 1_048_576;
const size = Number(process.env['IPFS_BENCH_MIB'] ?? 256) * MIB;
const folders: string[] = [];

async function folder(): Promise<string> {
  const f = await mkdtemp(join(tmpdir(), 'notarium-bench-'));
  folders.push(f);
  return f;
}

function print(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(1)), unit })}\n`);
}

async function* content(): AsyncGenerator<Uint8Array> {
  for (let done = 0; done < size; done += MIB) yield randomFillSync(new Uint8Array(Math.min(MIB, size - done)));
}

try {
  let t = performance.now();
  const a = await HeliaBackend.open(await folder(), { networking: { mode: 'peers', listen: ['/ip4/127.0.0.1/tcp/0'], peers: [] } });
  print('ipfs_net_open', performance.now() - t, 'ms');
  const { cid } = await a.addStream(content());
  await a.pin(cid);

  const b = await HeliaBackend.open(await folder(), { networking: { mode: 'peers', listen: [], peers: await a.addresses() } });
  t = performance.now();
  await b.pin(cid);
  print('ipfs_net_fetch_pin', size / ((performance.now() - t) / 1000) / 1e6, 'MB/s');

  const car = join(await folder(), 'transfer.car');
  t = performance.now();
  await exportCar(a, [cid], car);
  print('ipfs_car_export', size / ((performance.now() - t) / 1000) / 1e6, 'MB/s');

  const c = await HeliaBackend.open(await folder());
  t = performance.now();
  await c.importCar(car);
  print('ipfs_car_import', size / ((performance.now() - t) / 1000) / 1e6, 'MB/s');
  print('ipfs_car_overhead', (await stat(car)).size - size, 'bytes');
  print('rss_peak_mb', process.memoryUsage().rss / 1e6, 'MB');
  await Promise.all([a.stop(), b.stop(), c.stop()]);
} finally {
  for (const f of folders) await rm(f, { recursive: true, force: true });
}
