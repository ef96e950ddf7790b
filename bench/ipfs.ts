/**
 * IPFS add/pin/cat throughput of the embedded node (unixfs-v1-2025 profile).
 *
 *   node bench/ipfs.ts                 # 512 MiB of random data
 *   IPFS_BENCH_MIB=64 node bench/ipfs.ts
 *   IPFS_BENCH_BASELINE=1 node bench/ipfs.ts   # also stock Helia + blockstore-fs, for comparison
 *
 * The data is generated in memory and fed in 65,552-byte slices, the size of an age
 * STREAM chunk with its tag, as encrypted payloads arrive. MB/s are 10^6 bytes of
 * content per second. Prints JSON lines {"name", "value", "unit"}:
 *   ipfs_open                  ms to open a fresh node
 *   ipfs_add_hash_only         cidOfStream, nothing stored
 *   ipfs_add_disk              addStream into the node, durability 'fsync' (default),
 *                              including the final folder fsyncs
 *   ipfs_add_disk_no_fsync     the same with durability 'none'
 *   ipfs_pin                   pin of the added DAG (durable)
 *   ipfs_cat                   full read back, every block verified
 *   ipfs_*_stock               (baseline) createHeliaLight + FsBlockstore/FsDatastore,
 *                              @helia/unixfs defaults, default pin walker
 * Temp folders go under os.tmpdir(), which should be on the disk being measured.
 */
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unixfs } from '@helia/unixfs';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { createHeliaLight } from 'helia';
import { cidOfStream, HeliaBackend, type Durability } from '../main/core/ipfs/index.ts';

const MIB = 1024 * 1024;
const SLICE = 65_552;
const sizeMiB = Number(process.env.IPFS_BENCH_MIB ?? 512);
const bytes = sizeMiB * MIB;
const baseline = process.env.IPFS_BENCH_BASELINE === '1';

function emit(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit }));
}

const mbps = (seconds: number): number => bytes / 1e6 / seconds;

async function time<T>(f: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { seconds: (performance.now() - t0) / 1000, value };
}

const data = Buffer.allocUnsafe(bytes);
for (let offset = 0; offset < bytes; offset += 64 * MIB) randomFillSync(data, offset, Math.min(64 * MIB, bytes - offset));

async function* slices(): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes; offset += SLICE) yield data.subarray(offset, Math.min(bytes, offset + SLICE));
}

async function drain(source: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of source) n += chunk.length;
  return n;
}

async function inTempFolder<T>(f: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'notarium-ipfs-bench-'));
  try {
    return await f(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function benchNode(durability: Durability): Promise<void> {
  await inTempFolder(async (folder) => {
    const opened = await time(() => HeliaBackend.open(folder, { durability }));
    const node = opened.value;
    try {
      const added = await time(() => node.addStream(slices()));
      if (added.value.size !== bytes) throw new Error('size mismatch');
      if (durability === 'none') {
        emit('ipfs_add_disk_no_fsync', mbps(added.seconds), 'MB/s');
        return;
      }
      emit('ipfs_open', opened.seconds * 1000, 'ms');
      emit('ipfs_add_disk', mbps(added.seconds), 'MB/s');
      const pinned = await time(() => node.pin(added.value.cid));
      emit('ipfs_pin', mbps(pinned.seconds), 'MB/s');
      const read = await time(() => drain(node.cat(added.value.cid)));
      if (read.value !== bytes) throw new Error('cat size mismatch');
      emit('ipfs_cat', mbps(read.seconds), 'MB/s');
    } finally {
      await node.stop();
    }
  });
}

async function benchStock(): Promise<void> {
  await inTempFolder(async (folder) => {
    const blockstore = new FsBlockstore(join(folder, 'blocks'));
    const datastore = new FsDatastore(join(folder, 'datastore'));
    await blockstore.open();
    await datastore.open();
    const helia = createHeliaLight({ blockstore, datastore });
    await helia.start();
    try {
      const fs = unixfs(helia);
      const added = await time(() => fs.addByteStream(slices()));
      emit('ipfs_add_disk_stock', mbps(added.seconds), 'MB/s');
      const pinned = await time(async () => {
        for await (const _ of helia.pins.add(added.value)) {
          // drained: nothing is pinned otherwise
        }
      });
      emit('ipfs_pin_stock', mbps(pinned.seconds), 'MB/s');
      const read = await time(() => drain(fs.cat(added.value, { offline: true })));
      emit('ipfs_cat_stock', mbps(read.seconds), 'MB/s');
    } finally {
      await helia.stop();
    }
  });
}

// Warm the JIT on the import path so the first measurement does not pay for it.
await cidOfStream([data.subarray(0, Math.min(bytes, 16 * MIB))]);

const hashed = await time(() => cidOfStream(slices()));
emit('ipfs_add_hash_only', mbps(hashed.seconds), 'MB/s');
await benchNode('fsync');
await benchNode('none');
if (baseline) await benchStock();
