/**
 * Hash-only CIDs (`ipfs add --only-hash`): known CIDs, agreement between the stream and
 * file entry points whatever the chunking of the input, and their errors.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cidOfFile, cidOfStream } from '../../../main/core/ipfs/index.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const HELLO_WORLD_CID = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';
// sha2-256 of zero bytes as a CIDv1 raw block: what Kubo prints for an empty file.
const EMPTY_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

function slices(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

afterEach(removeAll);

describe('cidOfStream', () => {
  it('gives the raw-leaf CID Kubo prints for "hello world"', async () => {
    const { cid, size } = await cidOfStream([new TextEncoder().encode('hello world')]);
    expect(cid.toString()).toBe(HELLO_WORLD_CID);
    expect(size).toBe(11);
  });

  it('gives the empty raw block CID for no bytes', async () => {
    expect((await cidOfStream([])).cid.toString()).toBe(EMPTY_CID);
  });

  it('does not depend on how the input is sliced', async () => {
    const data = randomBytes(2 * 1_048_576 + 12_345);
    const whole = await cidOfStream([data]);
    // 65552 bytes: one age STREAM chunk with its tag, the shape encrypted payloads come in.
    const ageSized = await cidOfStream(slices(data, 65_552));
    const odd = await cidOfStream(slices(data, 999_983));
    expect(whole.cid.toString()).toMatch(/^bafybei/);
    expect(ageSized.cid.equals(whole.cid)).toBe(true);
    expect(odd.cid.equals(whole.cid)).toBe(true);
    expect(ageSized.size).toBe(data.length);
  });

  it('rejects a chunk that is not bytes with INVALID_INPUT', async () => {
    const bad = ['text'] as unknown as Uint8Array[];
    await expect(cidOfStream(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops with CANCELLED when the signal aborts', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort();
        yield new Uint8Array(1024);
      }
    }
    await expect(cidOfStream(endless(), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('cidOfFile', () => {
  it('equals cidOfStream of the same bytes', async () => {
    const folder = await tempFolder();
    const file = join(folder, 'data.bin');
    const data = randomBytes(3 * 1_048_576 + 7);
    await writeFile(file, data);
    const fromFile = await cidOfFile(file);
    expect(fromFile.cid.equals((await cidOfStream([data])).cid)).toBe(true);
    expect(fromFile.size).toBe(data.length);
  });

  it('fails with NOT_FOUND for a missing file and INVALID_INPUT for a folder', async () => {
    const folder = await tempFolder();
    await expect(cidOfFile(join(folder, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await mkdir(join(folder, 'sub'));
    await expect(cidOfFile(join(folder, 'sub'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
