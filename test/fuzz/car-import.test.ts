/**
 * Fuzzing CAR import (a USB disk from another site is outside input): for a valid CAR with a
 * few bytes flipped, cut, inserted or duplicated, or random bytes, the verified reader and the
 * real embedded node (Helia on disk) answer a typed NotariumError and store nothing — or, for a
 * harmless change, import a complete, verified DAG.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CarWriter } from '@ipld/car/writer';
import * as dagPb from '@ipld/dag-pb';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotariumError } from '../../shared/errors.ts';
import { HeliaBackend } from '../../main/core/ipfs/index.ts';
import { readVerifiedCar, type LocalBlocks } from '../../main/core/ipfs/car-import.ts';
import { tempDir } from '../helpers/tmp.ts';
import { expectTypedOutcome, scaledRuns } from './arbitraries.ts';

const CAR_CODES = ['INVALID_INPUT', 'CID_MISMATCH'];

const nothingLocal: LocalBlocks = {
  has: async () => false,
  getBlock: async (cid) => {
    throw new NotariumError('NOT_FOUND', `no block ${cid.toString()}`);
  },
};

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** A small valid CAR: a dag-pb root linking three raw leaves. */
async function validCar(): Promise<Uint8Array> {
  const leaves = await Promise.all(
    [1, 2, 3].map(async (n) => {
      const bytes = new Uint8Array(64).fill(n);
      return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes };
    }),
  );
  const rootBytes = dagPb.encode(dagPb.prepare({ Links: leaves.map((l, i) => ({ Hash: l.cid, Name: `leaf-${i}`, Tsize: l.bytes.length })) }));
  const root = { cid: CID.createV1(dagPb.code, await sha256.digest(rootBytes)), bytes: rootBytes };
  const { writer, out } = CarWriter.create([root.cid]);
  const bytes = collect(out);
  for (const b of [root, ...leaves]) await writer.put(b);
  await writer.close();
  return bytes;
}

/** Hostile variants of `car`. */
function hostileCar(car: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = car.length;
  return fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const c = car.slice();
      for (const [i, x] of flips) c[i] = (c[i] as number) ^ x;
      return c;
    }),
    // Header and varints live in the first bytes: aim there too.
    fc.tuple(fc.nat({ max: Math.min(60, n - 1) }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const c = car.slice();
      c[i] = v;
      return c;
    }),
    fc.nat({ max: n - 1 }).map((i) => car.slice(0, i)),
    fc.tuple(fc.nat({ max: n }), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([i, ins]) => new Uint8Array(Buffer.concat([car.subarray(0, i), ins, car.subarray(i)]))),
    fc.tuple(fc.nat({ max: n }), fc.nat({ max: n })).map(([a, b]) => new Uint8Array(Buffer.concat([car, car.subarray(Math.min(a, b), Math.max(a, b))]))),
    fc.uint8Array({ maxLength: 600 }),
  );
}

async function blockFiles(folder: string): Promise<string[]> {
  const names = (await readdir(folder, { recursive: true }).catch(() => [] as string[])).map(String);
  const files: string[] = [];
  for (const name of names) if ((await stat(path.join(folder, name))).isFile()) files.push(name);
  return files.sort();
}

describe('fuzzing CAR import', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let car: Uint8Array;

  beforeAll(async () => {
    tmp = await tempDir('notarium-fuzz-car-');
    car = await validCar();
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('the verified reader answers a typed error for every altered CAR', async () => {
    const file = path.join(tmp.dir, 'reader.car');
    await writeFile(file, car);
    expect((await readVerifiedCar(file, nothingLocal)).blocks).toBe(4);
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(hostileCar(car), async (bytes) => {
        await writeFile(file, bytes);
        const r = await expectTypedOutcome(() => readVerifiedCar(file, nothingLocal), CAR_CODES, 'readVerifiedCar');
        if (!r.ok) rejected += 1;
      }),
      { numRuns: scaledRuns(0.7) },
    );
    expect(rejected).toBeGreaterThan(scaledRuns(0.7) / 2);
  });

  it('the embedded node imports all or nothing: a refused CAR leaves its block store untouched', async () => {
    const folder = path.join(tmp.dir, 'node');
    const node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const file = path.join(tmp.dir, 'node.car');
      let before = await blockFiles(folder);
      await fc.assert(
        fc.asyncProperty(hostileCar(car), async (bytes) => {
          await writeFile(file, bytes);
          const r = await expectTypedOutcome(() => node.importCar(file), CAR_CODES, 'HeliaBackend.importCar');
          const after = await blockFiles(folder);
          if (r.ok) {
            // A harmless change (e.g. a duplicated block): the complete DAG is stored and pinned.
            for (const root of r.value.roots) expect(await node.isPinned(root)).toBe(true);
            before = after;
          } else {
            expect(after).toEqual(before);
          }
        }),
        { numRuns: scaledRuns(0.15) },
      );
    } finally {
      await node.stop();
    }
  });
});
