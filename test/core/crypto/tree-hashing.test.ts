import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { buildDatasetTree, datasetProver, datasetRoot, LEAF_ENCODING, PUBLIC_SALT, useTreeHashing, type LeafValue } from '../../../shared/notary/leaf.ts';
import { nativeTreeHashing } from '../../../main/core/crypto/tree-hashing.ts';

const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;

describe("the dataset tree with Node's Keccak-256", () => {
  afterEach(() => useTreeHashing(undefined));

  it('gives the same root and proofs as @openzeppelin/merkle-tree for random, public and repeated leaves', () => {
    const native = nativeTreeHashing();
    // Node 24 (OpenSSL 3.5) has keccak-256: the fast path must be exercised here.
    expect(native).toBeDefined();
    const sha = hex32();
    const leaves: LeafValue[] = [
      ...Array.from({ length: 300 }, (): LeafValue => [hex32(), hex32()]),
      [PUBLIC_SALT, sha],
      [PUBLIC_SALT, sha],
      [PUBLIC_SALT, hex32()],
    ];
    const library = StandardMerkleTree.of(leaves.map((l) => [...l]), [...LEAF_ENCODING]);
    useTreeHashing(native);
    const tree = buildDatasetTree(leaves);
    expect(tree.root).toBe(library.root);
    leaves.forEach((_, i) => expect(tree.proofs[i]).toEqual(library.getProof(i)));
    expect(datasetRoot(leaves.slice(0, 1))).toBe(StandardMerkleTree.of([[...(leaves[0] as LeafValue)]], [...LEAF_ENCODING]).root);
  });

  it('builds the packed tree (datasetProver, datasetRoot) with the same root and every proof as the library, for 1 to 300 leaves', () => {
    const native = nativeTreeHashing();
    expect(native?.leafHashInto).toBeDefined();
    useTreeHashing(native);
    const sha = hex32();
    for (const n of [1, 2, 3, 4, 5, 7, 64, 300]) {
      // Repeated public leaves (equal hashes) where there is room: the library's order for ties.
      const leaves = Array.from({ length: n }, (_, i): LeafValue => (i % 5 === 1 ? [PUBLIC_SALT, sha] : [hex32(), hex32()]));
      const library = StandardMerkleTree.of(leaves.map((l) => [...l]), [...LEAF_ENCODING]);
      const prover = datasetProver({ length: n, at: (i) => leaves[i] });
      expect(prover.root, `${n} leaves`).toBe(library.root);
      expect(datasetRoot(leaves), `${n} leaves`).toBe(library.root);
      leaves.forEach((_, i) => expect(prover.proof(i), `${n} leaves, leaf ${i}`).toEqual(library.getProof(i)));
    }
  });

  it('refuses a hashing that disagrees with the library, and malformed values', () => {
    const native = nativeTreeHashing();
    if (native === undefined) throw new Error('no keccak-256 in this Node');
    expect(() => useTreeHashing({ leafHash: native.leafHash, nodeHash: (a, b) => native.nodeHash(b, a).replace(/.$/, '0') })).toThrow(/disagrees/);
    // The packed variant is checked too: one that does not sort the pair is refused.
    const unsorted = { ...native, nodeHashInto: (nodes: Uint8Array, out: number, left: number, _right: number) => nodes.set(nodes.subarray(left, left + 32), out) };
    expect(() => useTreeHashing(unsorted)).toThrow(/packed tree hashing/);
    expect(() => useTreeHashing({ ...native, leafHashInto: undefined })).toThrow(/packed tree hashing/);
    useTreeHashing(native);
    expect(() => buildDatasetTree([['0x1234', hex32()]])).toThrow(/32-byte/);
  });
});
