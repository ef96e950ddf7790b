/**
 * The pin walker: a pin made with it records every block of the DAG (inner nodes and
 * raw leaves) in Helia's pin index, visits blocks in DAG order, honours depth, and
 * fails on a missing leaf without reading leaves.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as dagPb from '@ipld/dag-pb';
import { NextToLast } from 'blockstore-fs/sharding';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { afterEach, describe, expect, it } from 'vitest';
import { HeliaBackend } from '../../../main/core/ipfs/index.ts';
import { leafSkippingWalker } from '../../../main/core/ipfs/pin-walker.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const MIB = 1_048_576;
const nodes: HeliaBackend[] = [];

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  await removeAll();
});

async function rootLinks(node: HeliaBackend, cid: CID): Promise<CID[]> {
  const parts: Uint8Array[] = [];
  for await (const part of node.helia.blockstore.get(cid)) parts.push(part);
  return dagPb.decode(Buffer.concat(parts)).Links.map((link) => link.Hash);
}

describe('leafSkippingWalker', () => {
  it('walks the root then its leaves in link order, and depth 0 stops at the root', async () => {
    const node = await HeliaBackend.open(await tempFolder());
    nodes.push(node);
    const { cid } = await node.addBytes(randomBytes(3 * MIB + 1));
    const walker = leafSkippingWalker()({ blockstore: node.helia.blockstore, getCodec: node.helia.getCodec });
    const visited: Array<{ cid: string; depth: number }> = [];
    for await (const { block, depth } of walker.walk(cid)) visited.push({ cid: block.cid.toString(), depth });
    const leaves = await rootLinks(node, cid);
    expect(leaves.every((leaf) => leaf.code === raw.code)).toBe(true);
    expect(visited).toEqual([{ cid: cid.toString(), depth: 0 }, ...leaves.map((leaf) => ({ cid: leaf.toString(), depth: 1 }))]);

    const shallow: string[] = [];
    for await (const { block } of walker.walk(cid, { depth: 0 })) shallow.push(block.cid.toString());
    expect(shallow).toEqual([cid.toString()]);
  });

  it('makes Helia record every block of the DAG as pinned', async () => {
    const node = await HeliaBackend.open(await tempFolder());
    nodes.push(node);
    const { cid } = await node.addBytes(randomBytes(2 * MIB + 3));
    await node.pin(cid);
    const blocks = [cid, ...(await rootLinks(node, cid))];
    expect(blocks).toHaveLength(4);
    for (const block of blocks) expect(await node.helia.pins.isPinned(block)).toBe(true);
  });

  it('fails with NOT_FOUND on a raw leaf whose file is gone', async () => {
    const folder = await tempFolder();
    const node = await HeliaBackend.open(folder);
    nodes.push(node);
    const { cid } = await node.addBytes(randomBytes(2 * MIB));
    const [, second] = await rootLinks(node, cid);
    if (second === undefined) throw new Error('expected two leaves');
    const { dir, file } = new NextToLast().encode(second);
    await rm(join(folder, 'blocks', dir, file));
    const walker = leafSkippingWalker()({ blockstore: node.helia.blockstore, getCodec: node.helia.getCodec });
    const walk = async (): Promise<void> => {
      for await (const _ of walker.walk(cid)) {
        // drain
      }
    };
    await expect(walk()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
