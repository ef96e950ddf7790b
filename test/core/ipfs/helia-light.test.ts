import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const helper = fileURLToPath(new URL('../../../main/core/ipfs/helia-light.ts', import.meta.url));

describe('offline Helia without the package entry point', () => {
  it('builds the same Helia as createHeliaLight from the class alone, with no libp2p, and costs far less memory', () => {
    const script = `
      import { MemoryBlockstore } from 'blockstore-core';
      import { MemoryDatastore } from 'datastore-core';
      const before = process.memoryUsage().rss;
      const { createOfflineHelia, offlineHeliaSource } = await import(${JSON.stringify(helper)});
      const helia = await createOfflineHelia({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() });
      await helia.start();
      const grew = (process.memoryUsage().rss - before) / 1048576;
      console.log(JSON.stringify({ source: offlineHeliaSource(), name: helia.info.name, version: helia.info.version, hasPins: typeof helia.pins.add === 'function', libp2p: 'libp2p' in helia, lessThan60MiB: grew < 60 }));
      await helia.stop();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual({ source: 'class', name: 'helia', version: '7.1.15', hasPins: true, libp2p: false, lessThan60MiB: true });
  });
});
