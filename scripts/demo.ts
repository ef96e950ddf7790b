/**
 * `npm run demo`: the main job end to end on embedded defaults (embedded Helia node,
 * in-process devnet), through the real `notarium` CLI, on real public research data:
 *   init → notarize → verify → verify a tampered copy (must fail) → retrieve → compare bytes.
 * Data folder: $NOTARIUM_DATA_DIR, else ./.notarium-demo (kept apart from your own account).
 * Passphrase: $NOTARIUM_PASSPHRASE, else a demo passphrase.
 */
import { spawnSync } from 'node:child_process';
import { cp, readFile, rm, writeFile, mkdir, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRealDataset } from './real-dataset.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env['NOTARIUM_DATA_DIR'] ?? path.join(repo, '.notarium-demo'));
const work = path.join(path.dirname(dataDir), `${path.basename(dataDir)}-work`);
const env = { ...process.env, NOTARIUM_DATA_DIR: dataDir, NOTARIUM_PASSPHRASE: process.env['NOTARIUM_PASSPHRASE'] ?? 'notarium demo passphrase' };

function cli(args: string[], expectExit = 0): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  process.stdout.write(`\n$ notarium ${args.map(quote).join(' ')}\n`);
  const r = spawnSync(process.execPath, [path.join(repo, 'main/cli/bin.ts'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  if (r.status !== expectExit) {
    console.error(`demo: expected exit ${expectExit}, got ${r.status}`);
    process.exit(1);
  }
  return r.stdout;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const dataset = path.join(work, 'dataset');
const info = await buildRealDataset(dataset);
console.log(`Demo dataset: ${info.files} real files, ${(info.bytes / 1e6).toFixed(1)} MB from ${info.sources.join(', ')}${info.skipped.length > 0 ? ` (skipped: ${info.skipped.join(', ')})` : ''}`);
console.log(`Data folder:  ${dataDir}`);

if (!existsSync(path.join(dataDir, 'keys', 'account.json'))) cli(['init']);
else cli(['account']);

const receiptPath = path.join(work, 'demo.notarium-receipt.json');
const notarized = JSON.parse(cli(['--json', 'notarize', dataset, '--title', 'Notarium demo: public research files', '--name', 'Demo Researcher', '--receipt-out', receiptPath])) as { root: string; receiptPath: string; bytesPerSecond: number };
console.log(`→ root ${notarized.root}, receipt ${notarized.receiptPath}`);

cli(['verify', dataset, '--receipt', receiptPath]);

const tampered = path.join(work, 'tampered');
await cp(dataset, tampered, { recursive: true });
const victim = path.join(tampered, (await listFiles(tampered))[0] as string);
const bytes = await readFile(victim);
bytes[0] = (bytes[0] ?? 0) ^ 0x01;
await writeFile(victim, bytes);
console.log(`\n(one byte of ${path.relative(tampered, victim)} flipped in a copy: verification must fail)`);
cli(['verify', tampered, '--receipt', receiptPath], 1);

const restored = path.join(work, 'restored');
cli(['retrieve', receiptPath, '--out', restored]);
const a = await listFiles(dataset);
const b = await listFiles(restored);
if (a.join('\n') !== b.join('\n')) throw new Error('restored file list differs');
for (const f of a) {
  const [x, y] = await Promise.all([readFile(path.join(dataset, f)), readFile(path.join(restored, f))]);
  if (!x.equals(y)) throw new Error(`restored ${f} differs`);
}
const total = (await Promise.all(a.map((f) => stat(path.join(restored, f))))).reduce((s, st) => s + st.size, 0);
console.log(`\nDemo complete: ${a.length} files (${(total / 1e6).toFixed(1)} MB) notarized, verified, tamper detected, retrieved byte-identical.`);
