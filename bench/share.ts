/**
 * bench/share: share a 1 GiB dataset of 1,000 files (1 MiB each) with a new recipient.
 * Sharing re-wraps file keys only, so the time depends on the file count, not the size.
 * Prints JSON lines: share_seconds_per_1000_files (first share: includes starting the IPFS
 * node and the cipher workers), share_warm_seconds_per_1000_files (a second share).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Notarium } from '../main/core/notarium.ts';
import { generateAgeIdentity } from '../main/core/crypto/index.ts';

const FILES = Number(process.env['SHARE_BENCH_FILES'] ?? 1000);
const work = await mkdtemp(path.join(os.tmpdir(), 'notarium-share-bench-'));
try {
  const ds = path.join(work, 'ds');
  await mkdir(ds);
  for (let i = 0; i < FILES; i++) await writeFile(path.join(ds, `f${String(i).padStart(5, '0')}.bin`), randomBytes(1 << 20));
  const n = await Notarium.open({ dataDir: path.join(work, 'data'), scryptN: 1024 });
  await n.init('bench passphrase');
  const r = await n.notarize({ inputs: [ds], title: 'share bench', receiptOut: path.join(work, 'r.json') }, { passphrase: 'bench passphrase' });
  const { recipient } = await generateAgeIdentity();
  const s = await n.share({ dataset: r.root, recipient, out: path.join(work, 'ticket.json') }, { passphrase: 'bench passphrase' });
  // A second share, services warm: the steady per-file cost without process start-up work.
  const second = await generateAgeIdentity();
  const warm = await n.share({ dataset: r.root, recipient: second.recipient, out: path.join(work, 'ticket2.json') }, { passphrase: 'bench passphrase' });
  await n.close();
  const line = (name: string, value: number, unit: string): void => {
    process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(4)), unit })}\n`);
  };
  line('share_files', FILES, 'files');
  line('share_dataset_bytes', r.totalBytes, 'bytes');
  line('share_seconds_per_1000_files', (s.seconds * 1000) / FILES, 's');
  line('share_warm_seconds_per_1000_files', (warm.seconds * 1000) / FILES, 's');
} finally {
  await rm(work, { recursive: true, force: true });
}
