import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('the test bridge is never part of the app', () => {
  it('no file of the shell, the renderer or the build config imports main/bridge', async () => {
    const files = [...(await sources(path.join(root, 'main/app'))), ...(await sources(path.join(root, 'renderer'))), path.join(root, 'electron.vite.config.ts')];
    for (const f of files) expect(await readFile(f, 'utf8'), f).not.toMatch(/from ['"][^'"]*bridge|import\(['"][^'"]*bridge/);
  });

  it('electron-builder.yml excludes it from packages', async () => {
    const yml = await readFile(path.join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^\s*-\s*'?!\*\*\/bridge\/\*\*'?\s*$/m);
    expect(yml).toMatch(/^\s*-\s*'?!main\/\*\*'?\s*$/m);
  });
});

describe('the sandboxed preload', () => {
  it('imports only electron and the zod-free contract names at run time', async () => {
    const text = await readFile(path.join(root, 'main/app/preload.ts'), 'utf8');
    const runtime = [...text.matchAll(/^import (?!type)[^;]*from '([^']+)'/gm)].map((m) => m[1]);
    expect(runtime.sort()).toEqual(['../../shared/api/channels.ts', './preload-api.ts', 'electron'].sort());
    const api = await readFile(path.join(root, 'main/app/preload-api.ts'), 'utf8');
    expect([...api.matchAll(/^import (?!type)[^;]*from '([^']+)'/gm)].map((m) => m[1])).toEqual(['../../shared/api/channels.ts']);
  });
});
