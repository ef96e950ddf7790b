/**
 * Security smoke test of the built app with Doyensec's Electronegativity
 * (https://github.com/doyensec/electronegativity), run by .ci/run:
 *
 *   node test/packaging/electronegativity.ts [--out <dir>]
 *
 * Builds the three bundles into a temp folder (electron-vite), scans them, prints every finding,
 * and exits 1 on any finding of MEDIUM severity or higher that is not in REVIEWED below, or on a
 * bundle it could not parse (a file it cannot read is a file it did not check).
 *
 * Electronegativity is unmaintained (1.10.3, 2022): treat it as a smoke test next to our own
 * tests (test/app/*.test.ts, test/packaging/packaging.test.ts). Two workarounds keep it useful:
 * - its Babel/estraverse pipeline predates `#private` class members, which our bundles use, so
 *   the scanned copy is first lowered to ES2021 by TypeScript (same code, private fields as WeakMaps);
 * - it fetches translations and Electron's release list over the network (and crashes on a
 *   retry timer when offline): its HTTP client is replaced by one that fails at once, so the
 *   scan is offline and the Electron-version check is skipped (our own tests pin Electron).
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { build } from 'electron-vite';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** Findings reviewed by hand: check id → why it does not apply. */
export const REVIEWED: Readonly<Record<string, string>> = {
  OPEN_EXTERNAL_JS_CHECK: 'every shell.openExternal call is behind isSafeExternalUrl (https, public DNS name, no credentials): main/app/window.ts and main/app/shell-handlers.ts; test/app/window.test.ts',
  PRELOAD_JS_CHECK: 'the one preload is sandboxed and exposes only frozen, contract-generated functions, never ipcRenderer: test/app/preload-api.test.ts, test/app/packaging.test.ts',
  AUXCLICK_JS_CHECK: 'a middle-click can only request a new window, and setWindowOpenHandler denies every new window on every web contents (web-contents-created): main/app/window.ts, test/app/window.test.ts',
};

interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  severity: { value: number; name: string };
  confidence: { name: string };
  manualReview: boolean;
}
interface ScanResult {
  issues: Finding[];
  errors: { file: string; message: string; tolerable: boolean }[];
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

const MEDIUM = 2;

/** Copies `dir` and lowers every JS file to ES2021 (private class members become WeakMaps). */
async function loweredCopy(dir: string, into: string): Promise<void> {
  await cp(dir, into, { recursive: true });
  for (const e of await readdir(into, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/\.(c?js|mjs)$/.test(e.name)) continue;
    const file = path.join(e.parentPath, e.name);
    const out = ts.transpileModule(await readFile(file, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2021, module: ts.ModuleKind.Preserve, allowJs: true, useDefineForClassFields: false } });
    await writeFile(file, out.outputText);
  }
}

/** Loads Electronegativity with its HTTP client replaced by one that fails at once (offline). */
function offlineElectronegativity(): Run {
  const main = require.resolve('@doyensec/electronegativity');
  const gotPath = createRequire(main).resolve('got');
  const offline = Object.assign(async (): Promise<never> => Promise.reject(new Error('offline: Notarium CI scans without network')), {});
  const got = Object.assign(offline, { head: offline, default: offline });
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: got } as unknown as NodeJS.Module;
  return require(main) as Run;
}

/** Builds, scans and judges. @returns the process exit status. */
export async function scan(keepOut?: string): Promise<number> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-electronegativity-'));
  try {
    const built = path.join(tmp, 'out');
    await build({ configFile: path.join(ROOT, 'electron.vite.config.ts'), root: ROOT, logLevel: 'warn', build: { outDir: built } });
    const scanned = path.join(tmp, 'scanned');
    await loweredCopy(built, scanned);
    const electronVersion = (JSON.parse(await readFile(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    const run = offlineElectronegativity();
    const result = await run({ input: scanned, output: path.join(tmp, 'report.csv'), isSarif: false, customScan: [], excludeFromScan: [], isRelative: true, isVerbose: false, electronVersionOverride: electronVersion, parserPlugins: [] }, false);
    if (keepOut !== undefined) await cp(path.join(tmp, 'report.csv'), keepOut);

    let failures = 0;
    for (const e of result.errors) {
      console.log(`${e.tolerable ? 'warning' : 'ERROR'}: could not fully parse ${path.relative(scanned, e.file)}: ${e.message}`);
      if (!e.tolerable) failures += 1;
    }
    for (const f of result.issues) {
      const reviewed = REVIEWED[f.id];
      const blocking = f.severity.value >= MEDIUM && reviewed === undefined;
      if (blocking) failures += 1;
      console.log(`${blocking ? 'FAIL    ' : reviewed !== undefined && f.severity.value >= MEDIUM ? 'reviewed' : 'info    '} ${f.severity.name.padEnd(13)} ${f.id} ${f.file}:${f.location.line}  ${f.description}${reviewed === undefined ? '' : `\n         reviewed: ${reviewed}`}`);
    }
    console.log(`electronegativity ${(JSON.parse(await readFile(path.join(path.dirname(require.resolve('@doyensec/electronegativity')), '../package.json'), 'utf8')) as { version: string }).version} on Electron ${electronVersion}: ${result.issues.length} finding(s), ${failures} blocking.`);
    return failures === 0 ? 0 : 1;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const i = process.argv.indexOf('--out');
  process.exitCode = await scan(i > 0 ? process.argv[i + 1] : undefined);
}
