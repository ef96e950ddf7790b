/**
 * `notarium receipt extract` as a user runs it (child processes): it writes an excerpt of
 * the docs' worked example that `notarium verify` accepts (with -o before or after the
 * operands), a path not in the receipt exits 2 with NOT_FOUND and a hint, and the parent
 * `notarium receipt <dataset>` still demands its -o.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../helpers/cli-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const example = path.resolve(import.meta.dirname, '../../docs/example-receipt.json');

describe('notarium receipt extract', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;

  function run(args: string[]): { status: number | null; stdout: string; json: () => Record<string, unknown> } {
    const r = spawnSync(process.execPath, [CLI_BIN, '--data-dir', path.join(tmp.dir, 'data'), ...args], { encoding: 'utf8', cwd: tmp.dir, env: { ...process.env, NOTARIUM_NO_REEXEC: '1' }, timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
  }

  beforeAll(async () => {
    tmp = await tempDir();
    await writeFile(path.join(tmp.dir, 'cohort.csv'), 'subject,age\nS1,42\n');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('writes an excerpt (-o after or before the operands) that `verify --offline` accepts for that file', async () => {
    const out = path.join(tmp.dir, 'excerpt.json');
    const r = run(['--json', 'receipt', 'extract', example, 'cohort.csv', '-o', out]);
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ path: out, files: ['cohort.csv'], root: '0xc3335cb7f3a9ffbd4f3383cb39907543a64addc71e59288da8d27c592f18c140' });
    const before = path.join(tmp.dir, 'excerpt-2.json');
    expect(run(['receipt', 'extract', '--out', before, example, 'cohort.csv']).status).toBe(0);
    expect(await readFile(before, 'utf8')).toBe(await readFile(out, 'utf8'));

    const v = run(['--json', 'verify', path.join(tmp.dir, 'cohort.csv'), '--receipt', out, '--offline']);
    expect(v.status).toBe(0);
    expect(v.json()).toMatchObject({ ok: true, receipt: { kind: 'excerpt' }, checks: { manifest: { status: 'skipped' }, root: { status: 'skipped' } }, files: [{ path: 'cohort.csv', status: 'pass' }] });
  });

  it('refuses an existing -o file (untouched, exit 2) unless --force, given before or after the operands; refuses a folder', async () => {
    const taken = path.join(tmp.dir, 'taken.json');
    await writeFile(taken, 'another receipt');
    const r = run(['--json', 'receipt', 'extract', example, 'cohort.csv', '-o', taken]);
    expect(r.status).toBe(2);
    expect(r.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('--force'), details: { path: taken } } });
    expect(await readFile(taken, 'utf8')).toBe('another receipt');
    expect(run(['receipt', 'extract', example, 'cohort.csv', '-o', taken, '--force']).status).toBe(0);
    expect(JSON.parse(await readFile(taken, 'utf8'))).toMatchObject({ kind: 'excerpt', files: [{ path: 'cohort.csv' }] });
    await writeFile(taken, 'another receipt');
    expect(run(['receipt', 'extract', '--force', '-o', taken, example, 'cohort.csv']).status).toBe(0);
    expect(JSON.parse(await readFile(taken, 'utf8'))).toMatchObject({ kind: 'excerpt' });
    const folder = run(['--json', 'receipt', 'extract', example, 'cohort.csv', '-o', tmp.dir, '--force']);
    expect(folder.status).toBe(2);
    expect(folder.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('is a folder') } });
  });

  it('writes ./<name>.notarium-excerpt.json by default', async () => {
    const r = run(['receipt', 'extract', example, 'notes.txt']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('notes.txt.notarium-excerpt.json');
    expect(JSON.parse(await readFile(path.join(tmp.dir, 'notes.txt.notarium-excerpt.json'), 'utf8'))).toMatchObject({ version: 2, kind: 'excerpt', files: [{ path: 'notes.txt' }] });
  });

  it('exits 2 with NOT_FOUND and a hint for a path not in the receipt; `receipt <dataset>` still requires -o', () => {
    const r = run(['--json', 'receipt', 'extract', example, 'data/cohort.csv']);
    expect(r.status).toBe(2);
    expect(r.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('cohort.csv') } });
    const parent = run(['--json', 'receipt', '0x12']);
    expect(parent.status).toBe(2);
    expect(parent.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
