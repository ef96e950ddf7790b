/**
 * The unixfs-v1-2025 profile: its recorded parameters, and that the importer options
 * built from a profile really produce its DAG (balanced, raw leaves, N links per node).
 * Shapes are checked on blocks kept in a plain Map, decoded with @ipld/dag-pb and
 * ipfs-unixfs.
 */
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { importByteStream } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { describe, expect, it } from 'vitest';
import { importerOptions, kuboAddFlags, UNIXFS_V1_2025, type UnixfsProfile } from '../../../main/core/ipfs/index.ts';

/** Imports `bytes` under `profile` into a Map and returns the root CID and the blocks. */
async function importToMap(bytes: Uint8Array, profile: UnixfsProfile): Promise<{ root: CID; blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>();
  const store = {
    put: async (cid: CID, block: Uint8Array) => {
      blocks.set(cid.toString(), block);
      return cid;
    },
  };
  const { cid } = await importByteStream([bytes], store, importerOptions(profile));
  return { root: cid, blocks };
}

function node(blocks: Map<string, Uint8Array>, cid: CID): { links: CID[]; unixfs: UnixFS } {
  const bytes = blocks.get(cid.toString());
  if (bytes === undefined) throw new Error(`block ${cid.toString()} missing`);
  const pb = dagPb.decode(bytes);
  if (pb.Data === undefined) throw new Error('no UnixFS data');
  return { links: pb.Links.map((l) => l.Hash), unixfs: UnixFS.unmarshal(pb.Data) };
}

const bytesOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('UNIXFS_V1_2025', () => {
  it('records the IPIP-499 unixfs-v1-2025 parameters and cannot be changed', () => {
    expect(UNIXFS_V1_2025).toEqual({
      name: 'unixfs-v1-2025',
      cidVersion: 1,
      hashFunction: 'sha2-256',
      rawLeaves: true,
      chunkSize: 1_048_576,
      maxLinksPerNode: 1024,
      layout: 'balanced',
    });
    expect(Object.isFrozen(UNIXFS_V1_2025)).toBe(true);
  });

  it('gives the Kubo flags that reproduce its CIDs', () => {
    expect(kuboAddFlags()).toEqual(['--cid-version=1', '--raw-leaves', '--chunker=size-1048576', '--max-file-links=1024']);
  });

  it('builds importer options for one unwrapped CIDv1 raw-leaf file', () => {
    const options = importerOptions();
    expect(options).toMatchObject({ cidVersion: 1, rawLeaves: true, reduceSingleLeafToSelf: true, wrapWithDirectory: false, blockWriteConcurrency: 32 });
    expect(typeof options.chunker).toBe('function');
    expect(typeof options.layout).toBe('function');
    expect(importerOptions(UNIXFS_V1_2025, { blockWriteConcurrency: 4 }).blockWriteConcurrency).toBe(4);
  });
});

describe('importerOptions(profile) layout', () => {
  it('chunks at the profile chunk size: 1 MiB + 1 byte gives a dag-pb root over two raw leaves', async () => {
    const input = bytesOf(UNIXFS_V1_2025.chunkSize + 1);
    const { root, blocks } = await importToMap(input, UNIXFS_V1_2025);
    expect(root.version).toBe(1);
    expect(root.code).toBe(dagPb.code);
    const { links, unixfs } = node(blocks, root);
    expect(unixfs.type).toBe('file');
    expect(unixfs.fileSize()).toBe(BigInt(input.length));
    expect(unixfs.blockSizes).toEqual([1_048_576n, 1n]);
    expect(links.map((l) => l.code)).toEqual([raw.code, raw.code]);
    expect(links.map((l) => blocks.get(l.toString())?.length)).toEqual([1_048_576, 1]);
    expect(blocks.size).toBe(3);
  });

  it('fills a node with exactly maxLinksPerNode leaves before adding a layer (1024 with the real profile)', async () => {
    // 1-byte chunks make 1024 and 1025 leaves cheap; only the chunk size differs from
    // UNIXFS_V1_2025, so this exercises its maxLinksPerNode as passed to the layout.
    const profile: UnixfsProfile = { ...UNIXFS_V1_2025, chunkSize: 1 };
    const full = await importToMap(bytesOf(1024), profile);
    const fullRoot = node(full.blocks, full.root);
    expect(fullRoot.links).toHaveLength(1024);
    expect(fullRoot.links.every((l) => l.code === raw.code)).toBe(true);

    const over = await importToMap(bytesOf(1025), profile);
    const overRoot = node(over.blocks, over.root);
    expect(overRoot.links.map((l) => l.code)).toEqual([dagPb.code, dagPb.code]);
    expect(overRoot.unixfs.blockSizes).toEqual([1024n, 1n]);
    const [first, second] = overRoot.links.map((l) => node(over.blocks, l));
    expect(first?.links).toHaveLength(1024);
    expect(second?.links).toHaveLength(1);
  });

  it('builds a balanced DAG for a small layout parameter: 5 chunks at 4 links make two layers', async () => {
    const profile: UnixfsProfile = { ...UNIXFS_V1_2025, chunkSize: 16, maxLinksPerNode: 4 };
    const { root, blocks } = await importToMap(bytesOf(5 * 16), profile);
    const top = node(blocks, root);
    expect(top.unixfs.fileSize()).toBe(80n);
    expect(top.unixfs.blockSizes).toEqual([64n, 16n]);
    const children = top.links.map((l) => node(blocks, l));
    expect(children.map((c) => c.links.length)).toEqual([4, 1]);
    for (const child of children) {
      for (const leaf of child.links) {
        expect(leaf.code).toBe(raw.code);
        expect(blocks.get(leaf.toString())?.length).toBe(16);
      }
    }
  });

  it('changes the CID when a profile parameter changes (the parameters are part of the identity)', async () => {
    const input = bytesOf(3 * 1024);
    const a = await importToMap(input, { ...UNIXFS_V1_2025, chunkSize: 1024 });
    const b = await importToMap(input, { ...UNIXFS_V1_2025, chunkSize: 1024, maxLinksPerNode: 2 });
    const c = await importToMap(input, { ...UNIXFS_V1_2025, chunkSize: 2048 });
    expect(new Set([a.root.toString(), b.root.toString(), c.root.toString()]).size).toBe(3);
  });
});
