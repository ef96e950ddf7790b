import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { importByteStream } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import { importerOptions, UNIXFS_V1_2025 } from '../../../main/core/ipfs/profile.ts';
import { rememberLeafDigest } from '../../../main/core/ipfs/raw-leaf-importer.ts';
import { createHash } from 'node:crypto';

/** A blockstore that only remembers what was put. */
function memory(): { put: (cid: CID, bytes: Uint8Array) => Promise<CID>; blocks: Map<string, Uint8Array> } {
  const blocks = new Map<string, Uint8Array>();
  return {
    blocks,
    put: async (cid, bytes) => {
      blocks.set(cid.toString(), bytes);
      return cid;
    },
  };
}

describe('threadPoolRawLeafImporter', () => {
  it('gives the stock importer’s root CID and blocks, for one chunk and for many', async () => {
    for (const size of [0, 11, UNIXFS_V1_2025.chunkSize, 3 * UNIXFS_V1_2025.chunkSize + 12345]) {
      const bytes = randomBytes(size);
      const ours = memory();
      const stock = memory();
      const options = importerOptions(UNIXFS_V1_2025);
      expect(options.bufferImporter).toBeDefined();
      const a = await importByteStream([bytes], ours, options);
      const { bufferImporter: _dropped, ...stockOptions } = options;
      const b = await importByteStream([bytes], stock, stockOptions);
      expect(a.cid.toString()).toBe(b.cid.toString());
      expect([...ours.blocks.keys()].sort()).toEqual([...stock.blocks.keys()].sort());
    }
  });

  it('keeps the known CID of "hello world" (Kubo: bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e)', async () => {
    const r = await importByteStream([new TextEncoder().encode('hello world')], memory(), importerOptions(UNIXFS_V1_2025));
    expect(r.cid.toString()).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
  });

  it('takes a remembered digest for exactly that chunk object, and hashes everything else', async () => {
    const chunk = UNIXFS_V1_2025.chunkSize;
    const leaves = [randomBytes(chunk), randomBytes(chunk), randomBytes(777)];
    leaves.forEach((l) => rememberLeafDigest(l, createHash('sha256').update(l).digest()));
    const stock = await importByteStream([Buffer.concat(leaves)], memory(), importerOptions(UNIXFS_V1_2025));
    const ours = await importByteStream(leaves, memory(), importerOptions(UNIXFS_V1_2025));
    expect(ours.cid.toString()).toBe(stock.cid.toString());

    // A wrong remembered digest is used as given (the producer vouches for it): the CID
    // changes, which proves the lookup is by object and that re-cut pieces miss it.
    const lying = [randomBytes(chunk), randomBytes(10)];
    rememberLeafDigest(lying[0] as Uint8Array, new Uint8Array(32));
    const trusted = await importByteStream(lying, memory(), importerOptions(UNIXFS_V1_2025));
    const recut = await importByteStream([(lying[0] as Uint8Array).subarray(0, 1000), (lying[0] as Uint8Array).subarray(1000), lying[1] as Uint8Array], memory(), importerOptions(UNIXFS_V1_2025));
    const honest = await importByteStream([Buffer.concat(lying)], memory(), importerOptions(UNIXFS_V1_2025));
    expect(trusted.cid.toString()).not.toBe(honest.cid.toString());
    expect(recut.cid.toString()).toBe(honest.cid.toString());
  });
});
