/**
 * Packaging without packaging (the Electron zip cannot be downloaded here): electron-builder.yml
 * is loaded and validated by app-builder-lib's own code, offline; the `files` globs are resolved
 * with app-builder-lib's own file matchers against a fresh electron-vite build, and every file the
 * app needs at run time must be in the result; the built renderer's CSP is checked.
 */
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'electron-vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/app/guards.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** The parts of app-builder-lib 26 this test drives (CommonJS, untyped here). */
interface BuilderConfig {
  [key: string]: unknown;
  files?: unknown;
  asarUnpack?: string[];
  linux?: Record<string, unknown>;
  deb?: { depends?: string[] };
  win?: { target?: { target: string; arch?: string[] }[] };
  nsis?: Record<string, unknown>;
  msi?: Record<string, unknown>;
  mac?: { target?: { target: string; arch?: string[] }[]; hardenedRuntime?: boolean; entitlements?: string; entitlementsInherit?: string };
  electronFuses?: Record<string, boolean>;
}
interface Matcher {
  from: string;
  to: string;
  isEmpty(): boolean;
  containsOnlyIgnore(): boolean;
  prependPattern(p: string): void;
  createFilter(): (file: string, st: { isDirectory(): boolean }) => boolean;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { getMainFileMatchers, FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers(appDir: string, destination: string, macro: (s: string) => string, platformOptions: unknown, packager: unknown, outDir: string, isElectronCompile: boolean): Matcher[];
  FileMatcher: new (from: string, to: string, macro: (s: string) => string, patterns?: string[]) => Matcher;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const plist = require('plist') as { parse(xml: string): unknown };

const APP = path.join(path.sep, 'APP');
const identity = (s: string): string => s;

async function walk(dir: string, visit: (abs: string, isDir: boolean) => boolean): Promise<void> {
  for (const name of await readdir(dir)) {
    const abs = path.join(dir, name);
    const st = await stat(abs); // follows the mirror's symlinks, as copying would
    if (visit(abs, st.isDirectory()) && st.isDirectory()) await walk(abs, visit);
  }
}

/** Paths inside the app (POSIX, relative to its root) that electron-builder would copy from `projectDir`. */
async function packagedFiles(projectDir: string, config: BuilderConfig): Promise<Set<string>> {
  const packager = { info: { projectDir, buildResourcesDir: 'build', isPrepackedAppAsar: false, config, debugLogger: new DebugLogger(false) } };
  const matchers = getMainFileMatchers(projectDir, APP, identity, config.linux ?? {}, packager, path.join(projectDir, 'release'), false);
  const out = new Set<string>();
  for (const m of matchers) {
    if (m.isEmpty() || m.containsOnlyIgnore()) m.prependPattern('**/*'); // as app-builder-lib's copyFiles
    const filter = m.createFilter();
    await walk(m.from, (abs, isDir) => {
      if (!filter(abs, { isDirectory: () => isDir })) return false;
      if (!isDir) out.add(path.relative(APP, path.join(m.to, path.relative(m.from, abs))).split(path.sep).join('/'));
      return true;
    });
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Bare module specifiers imported by a bundle (static, dynamic and require). */
function bareImports(code: string): string[] {
  const out = new Set<string>();
  const patterns = [/^import\s[^;]*?\bfrom\s*["']([^"']+)["']/gm, /^import\s*["']([^"']+)["']/gm, /^export\s[^;]*?\bfrom\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) out.add(m[1] as string);
  return [...out].filter((s) => /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.@-]+)*$/i.test(s));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

describe('packaging', () => {
  let config: BuilderConfig;
  let mirror: string;
  let packaged: Set<string>;
  let pkg: { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

  beforeAll(async () => {
    pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as typeof pkg;
    config = await getConfig(ROOT, null, null);
    // A mirror of the project whose out/ is a fresh build (never the shared out/, which the e2e tests rebuild).
    mirror = await mkdtemp(path.join(os.tmpdir(), 'notarium-pack-'));
    for (const entry of ['package.json', 'electron-builder.yml', 'main', 'renderer', 'shared', 'contracts', 'test', 'build', 'docs']) {
      if (await lstat(path.join(ROOT, entry)).then(() => true, () => false)) await symlink(path.join(ROOT, entry), path.join(mirror, entry));
    }
    await build({ configFile: path.join(ROOT, 'electron.vite.config.ts'), root: ROOT, logLevel: 'silent', build: { outDir: path.join(mirror, 'out') } });
    packaged = await packagedFiles(mirror, config);
  });

  afterAll(async () => {
    if (mirror !== undefined) await rm(mirror, { recursive: true, force: true });
  });

  describe('electron-builder.yml', () => {
    it("passes app-builder-lib's own schema validation", async () => {
      await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    });

    it('fails validation on an unknown or misspelt key, at the top or nested', async () => {
      await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/notAnOption/);
      // Nested mistakes are reported by section (the schema's anyOf hides the key's name).
      await expect(validateConfiguration({ ...config, linux: { ...config.linux, categroy: 'Science' } }, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
      await expect(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNodeX: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
      await expect(validateConfiguration({ ...config, msi: { ...config.msi, upgradecode: 'x' } }, new DebugLogger(false))).rejects.toThrow(/configuration\.msi/);
    });

    it('builds AppImage + deb (category Science, libsecret for safeStorage), NSIS per-machine + MSI with a fixed upgrade code, dmg for arm64 and x64', () => {
      expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Science' });
      expect(config.deb?.depends).toEqual(expect.arrayContaining(['libsecret-1-0', 'libgtk-3-0', 'libnss3']));
      expect(config.win?.target?.map((t) => t.target)).toEqual(['nsis', 'msi']);
      expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
      expect(config.msi).toMatchObject({ perMachine: true });
      expect(String(config.msi?.['upgradeCode'])).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
      expect(config.mac?.hardenedRuntime).toBe(true);
    });

    it('flips the Electron fuses: no RunAsNode, NODE_OPTIONS or --inspect; cookie encryption, asar integrity, app only from asar', () => {
      expect(config.electronFuses).toMatchObject({
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableCookieEncryption: true,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
      });
      expect(config['asar']).toBe(true);
    });

    it('ships hardened-runtime entitlements that only allow the JIT', async () => {
      for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
        const parsed = plist.parse(await readFile(path.join(ROOT, String(file)), 'utf8'));
        expect(parsed).toEqual({ 'com.apple.security.cs.allow-jit': true });
      }
    });
  });

  describe('native addons', () => {
    const natives = [
      ...['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'].map((p) => `node_modules/better-sqlite3/prebuilds/${p}.node`),
      ...['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'].map((p) => `node_modules/sodium-native/prebuilds/${p}/sodium-native.node`),
      'node_modules/@nomicfoundation/edr-linux-x64-gnu/edr.linux-x64-gnu.node',
    ];

    it('better-sqlite3, sodium-native and the devnet engine are unpacked from the asar', () => {
      const unpack = new FileMatcher(ROOT, APP, identity, config.asarUnpack ?? []).createFilter();
      for (const rel of natives) expect(unpack(path.join(ROOT, rel), { isDirectory: () => false }), rel).toBe(true);
      expect(unpack(path.join(ROOT, 'node_modules/ethers/package.json'), { isDirectory: () => false })).toBe(false);
    });

    it('need no rebuild for Electron (npmRebuild: false holds): N-API binaries for every packaged OS', async () => {
      expect(config['npmRebuild']).toBe(false);
      for (const rel of natives) {
        const bytes = await readFile(path.join(ROOT, rel));
        // N-API addons register through napi_register_module_v1; ABI-specific ones through node_register_module_v<ABI>.
        expect(bytes.includes('napi_register_module_v1'), rel).toBe(true);
        expect(bytes.includes('node_register_module_v'), rel).toBe(false);
      }
      const edr = JSON.parse(await readFile(path.join(ROOT, 'node_modules/@nomicfoundation/edr/package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
      expect(Object.keys(edr.optionalDependencies)).toEqual(expect.arrayContaining(['@nomicfoundation/edr-darwin-arm64', '@nomicfoundation/edr-darwin-x64', '@nomicfoundation/edr-win32-x64-msvc', '@nomicfoundation/edr-linux-x64-gnu']));
      expect(JSON.parse(await readFile(path.join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8'))).toMatchObject({ gypfile: false });
    });
  });

  describe('the files globs against a fresh build', () => {
    it('include every built bundle file (but no source maps) and package.json with its main entry', async () => {
      for (const dir of ['main', 'preload', 'renderer']) {
        const built = await filesUnder(path.join(mirror, 'out', dir));
        expect(built.length, dir).toBeGreaterThan(0);
        for (const abs of built) {
          const rel = path.relative(mirror, abs).split(path.sep).join('/');
          expect(packaged.has(rel), rel).toBe(!rel.endsWith('.map'));
        }
      }
      expect(packaged.has('package.json')).toBe(true);
      expect(packaged.has(pkg.main)).toBe(true);
      expect(packaged.has('out/preload/index.cjs')).toBe(true);
      expect(packaged.has('out/renderer/index.html')).toBe(true);
    });

    it('include every file the bundles open next to themselves (new URL(…, import.meta.url)) at run time', async () => {
      const refs: string[] = [];
      for (const abs of await filesUnder(path.join(mirror, 'out', 'main'))) {
        if (!abs.endsWith('.js')) continue;
        for (const m of (await readFile(abs, 'utf8')).matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
          const target = m[1] as string;
          // `.ts` targets are the source-tree defaults (worker.ts, cipher-worker.ts) that the app
          // overrides with the bundled workers (main/app/index.ts); they are never opened in a package.
          if (target.endsWith('.ts')) continue;
          refs.push(path.relative(mirror, path.resolve(path.dirname(abs), target)).split(path.sep).join('/'));
        }
      }
      expect(refs).toEqual(expect.arrayContaining(['out/main/core-worker.js', 'out/main/cipher-worker.js']));
      for (const r of refs) expect(packaged.has(r), r).toBe(true);
    });

    it('every package the bundles import is a production dependency (electron-builder copies only those)', async () => {
      const missing: string[] = [];
      for (const dir of ['main', 'preload']) {
        for (const abs of await filesUnder(path.join(mirror, 'out', dir))) {
          if (!/\.(c?js|mjs)$/.test(abs)) continue;
          for (const spec of bareImports(await readFile(abs, 'utf8'))) {
            if (spec.startsWith('node:') || spec === 'electron') continue;
            if (!(packageName(spec) in pkg.dependencies)) missing.push(`${path.relative(mirror, abs)}: ${spec}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });

    it('ship nothing else: no sources, tests, test bridge, source maps or build resources', () => {
      for (const rel of packaged) {
        expect(rel === 'package.json' || rel.startsWith('out/main/') || rel.startsWith('out/preload/') || rel.startsWith('out/renderer/'), rel).toBe(true);
        expect(rel, rel).not.toMatch(/\.map$|bridge|\.test\.|\.ts$/);
      }
    });
  });

  describe('the built renderer', () => {
    it('index.html carries the strict CSP of guards.ts (all but frame-ancestors, which a <meta> cannot set)', async () => {
      const html = await readFile(path.join(mirror, 'out/renderer/index.html'), 'utf8');
      const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1] as string);
      expect(metas).toHaveLength(1);
      const directives = (csp: string): string[] => csp.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter((d) => d !== '').sort();
      const header = directives(CONTENT_SECURITY_POLICY);
      expect(directives(metas[0] as string)).toEqual(header.filter((d) => !d.startsWith('frame-ancestors')));
      expect(metas[0]).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    });

    it('index.html has no inline script or style and loads only its own built assets', async () => {
      const html = await readFile(path.join(mirror, 'out/renderer/index.html'), 'utf8');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(ref, ref).toMatch(/^\.?\/[^/]/);
        expect(packaged.has(path.posix.join('out/renderer', ref)), ref).toBe(true);
      }
    });
  });
});
