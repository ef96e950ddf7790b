/**
 * electron-vite builds the three bundles (https://electron-vite.org/config/):
 * - main (ESM): the shell (main/app/index.ts), the core worker and the age cipher worker;
 * - preload (CommonJS, one self-contained file: sandboxed preloads cannot load ES modules
 *   nor require anything but a few Electron modules);
 * - renderer (React), whose Mantine theme variables are emitted as a static stylesheet
 *   because the CSP forbids inline <style>.
 * The test bridge (main/bridge) is in none of them.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

const VIRTUAL_CSS = 'virtual:mantine-css-variables.css';

function mantineCssVariables(): Plugin {
  return {
    name: 'notarium-mantine-css-variables',
    resolveId: (id) => (id === VIRTUAL_CSS ? `\0${VIRTUAL_CSS}` : null),
    load: async (id) => {
      if (id !== `\0${VIRTUAL_CSS}`) return null;
      // Loaded by path: the renderer's sources belong to the web TypeScript project.
      const module = resolve('renderer/src/theme/css-variables.ts');
      const { themeCssVariables } = (await import(module)) as { themeCssVariables: () => string };
      return themeCssVariables();
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve('main/app/index.ts'),
          'core-worker': resolve('main/app/core-host/worker.ts'),
          'cipher-worker': resolve('main/core/crypto/cipher-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve('main/app/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react(), mantineCssVariables()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
      // The renderer is loaded from app://notarium: no module preload polyfill needs inline script.
      modulePreload: { polyfill: false },
    },
  },
});
