/**
 * hashAlong: the chunks pass through unchanged and the CID computed on the way equals
 * the hash-only CID of the same bytes; a stream stopped early or failing yields no CID.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cidOfStream, hashAlong, UNIXFS_V1_2025 } from '../../../main/core/ipfs/index.ts';

function* slices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('hashAlong', () => {
  it('passes 3 MiB through unchanged and gives the same CID and size as cidOfStream', async () => {
    const content = randomBytes(3 * 1_048_576 + 17);
    const along = hashAlong(slices(content, 100_000), UNIXFS_V1_2025, { maxQueuedBytes: 256 * 1024 });
    const out: Uint8Array[] = [];
    for await (const chunk of along.chunks) out.push(chunk);
    expect(Buffer.concat(out).equals(content)).toBe(true);
    const { cid, size } = await along.result;
    expect(size).toBe(content.length);
    expect(cid.toString()).toBe((await cidOfStream([content])).cid.toString());
  });

  it('gives no CID when the consumer stops before the end', async () => {
    const along = hashAlong(slices(randomBytes(500_000), 1000), UNIXFS_V1_2025);
    for await (const chunk of along.chunks) {
      expect(chunk.length).toBe(1000);
      break;
    }
    await expect(along.result).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });

  it('passes the source\'s error to the consumer and gives no CID', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      throw new Error('disk gone');
    }
    const along = hashAlong(broken(), UNIXFS_V1_2025);
    await expect((async () => {
      for await (const _ of along.chunks) void _;
    })()).rejects.toThrow('disk gone');
    await expect(along.result).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });
});
