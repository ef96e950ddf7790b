/**
 * age payload throughput: our libsodium worker pool vs the `age` CLI on the same file.
 *
 *   node bench/age.ts            # 512 MiB of random data
 *   AGE_BENCH_MIB=64 AGE_BENCH_ROUNDS=1 node bench/age.ts
 *
 * Prints JSON lines {"name", "value", "unit"}: age_payload_encrypt and age_cli_encrypt
 * (MB/s, 10^6 bytes per second of plaintext, file read included, output discarded, best
 * of AGE_BENCH_ROUNDS alternating rounds),
 * age_payload_decrypt, age_payload_encrypt_vs_cli (ratio) and age_payload_encrypt_rss_growth
 * (MiB, peak RSS growth while encrypting). Needs the Debian `age` package.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AgeCipherPool, decryptStream, encryptStream, generateAgeIdentity } from '../main/core/crypto/index.ts';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.env.AGE_BENCH_MIB ?? 512);
const bytes = sizeMiB * MIB;
const rounds = Number(process.env.AGE_BENCH_ROUNDS ?? 3);

function emit(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit }));
}

async function writeRandomFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= 4 * MIB) {
    if (!out.write(randomBytes(Math.min(4 * MIB, left)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function runAgeCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('age', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`age exited with ${code}`))));
  });
}

async function time(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

const dir = await mkdtemp(join(tmpdir(), 'notarium-age-bench-'));
const pool = await AgeCipherPool.create();
try {
  const file = join(dir, 'plain.bin');
  await writeRandomFile(file);
  const { identity, recipient } = await generateAgeIdentity();
  const read = (): AsyncIterable<Uint8Array> => createReadStream(file, { highWaterMark: MIB });

  // Warm the page cache and the workers' JIT so neither contender pays for it.
  await runAgeCli(['-e', '-r', recipient, '-o', '/dev/null', file]);

  const encryptOnce = async (): Promise<void> => {
    const enc = await encryptStream(read(), [recipient], pool);
    // Counting bytes is the /dev/null sink.
    let n = 0;
    for await (const p of enc.payload) n += p.length;
    if (n < bytes) throw new Error('short payload');
  };
  // Alternate the contenders and keep each one's best round, so a burst of load from
  // other processes on the machine does not decide the ratio.
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  let encSeconds = Infinity;
  let cliSeconds = Infinity;
  for (let round = 0; round < rounds; round++) {
    encSeconds = Math.min(encSeconds, await time(encryptOnce));
    cliSeconds = Math.min(cliSeconds, await time(() => runAgeCli(['-e', '-r', recipient, '-o', '/dev/null', file])));
  }
  clearInterval(sampler);

  // Decryption needs a real payload on disk.
  const cipherFile = join(dir, 'cipher.payload');
  const enc = await encryptStream(read(), [recipient], pool);
  const sink = createWriteStream(cipherFile);
  for await (const p of enc.payload) if (!sink.write(p)) await new Promise<void>((r) => sink.once('drain', () => r()));
  await new Promise<void>((resolve) => sink.end(resolve));
  let decSeconds = Infinity;
  for (let round = 0; round < rounds; round++) {
    decSeconds = Math.min(
      decSeconds,
      await time(async () => {
        let n = 0;
        for await (const p of decryptStream(enc.header, createReadStream(cipherFile, { highWaterMark: MIB }), [identity], pool)) n += p.length;
        if (n !== bytes) throw new Error('decrypted size mismatch');
      }),
    );
  }

  const ours = bytes / 1e6 / encSeconds;
  const cli = bytes / 1e6 / cliSeconds;
  emit('age_payload_encrypt', ours, 'MB/s');
  emit('age_cli_encrypt', cli, 'MB/s');
  emit('age_payload_encrypt_vs_cli', ours / cli, 'ratio');
  emit('age_payload_decrypt', bytes / 1e6 / decSeconds, 'MB/s');
  // Streaming keeps memory flat whatever the file size: growth of the process RSS while encrypting.
  emit('age_payload_encrypt_rss_growth', (rssPeak - rssBefore) / MIB, 'MiB');
  console.error(`# ${sizeMiB} MiB, best of ${rounds} rounds, pool size ${pool.size}, ${pool.batchChunks} chunks/batch, window ${pool.window}`);
} finally {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
}
