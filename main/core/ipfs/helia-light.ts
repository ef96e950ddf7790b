/**
 * An offline Helia node without loading what it does not use.
 *
 * `helia`'s package entry point imports @helia/bitswap, @helia/http and @helia/libp2p at
 * module load, even for `createHeliaLight()`: ~65 MiB of resident memory and ~0.3 s for
 * code an offline node never runs (measured on Helia 7.1.15). `createHeliaLight` itself is
 * `new Helia({ name, version, ...init })`, so we construct the same class from its own
 * module. The package's `exports` map hides that module, so it is located next to the
 * resolved entry point; if that ever fails (another layout, a bundler), we fall back to the
 * public `createHeliaLight`, which behaves the same at a higher memory cost.
 */
import type { Helia, HeliaInit } from 'helia';

type HeliaClass = new (init: Partial<HeliaInit> & { name: string; version: string }) => Helia;

let loaded: Promise<(init: Partial<HeliaInit>) => Helia> | undefined;
let source: 'class' | 'entry-point' | undefined;

/** Which way the last node was built: 'class' (light) or 'entry-point' (fallback). For tests. */
export function offlineHeliaSource(): 'class' | 'entry-point' | undefined {
  return source;
}

async function load(): Promise<(init: Partial<HeliaInit>) => Helia> {
  try {
    const entry = import.meta.resolve('helia');
    const [{ Helia: Ctor }, { name, version }] = (await Promise.all([import(new URL('./helia.js', entry).href), import(new URL('./version.js', entry).href)])) as [
      { Helia: HeliaClass },
      { name: string; version: string },
    ];
    if (typeof Ctor !== 'function' || typeof version !== 'string') throw new Error('unexpected helia layout');
    source = 'class';
    return (init) => new Ctor({ name, version, ...init });
  } catch {
    const { createHeliaLight } = await import('helia');
    source = 'entry-point';
    return (init) => createHeliaLight(init);
  }
}

/** `createHeliaLight(init)` (helia 7), loading only the Helia class. */
export async function createOfflineHelia(init: Partial<HeliaInit>): Promise<Helia> {
  loaded ??= load();
  return (await loaded)(init);
}
