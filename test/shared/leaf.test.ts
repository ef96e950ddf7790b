import { describe, expect, it } from 'vitest';
import { AbiCoder, keccak256, concat, getBytes, hexlify, randomBytes } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { buildDatasetTree, datasetProver, datasetRoot, leafHash, verifyLeafProof, PUBLIC_SALT, type LeafValue } from '../../shared/notary/leaf.ts';

/** Independent re-implementation of the StandardMerkleTree rules, for cross-checking. */
function ozLeaf([salt, sha]: LeafValue): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'bytes32'], [salt, sha])));
}
function hashPair(a: string, b: string): string {
  return a < b ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}
function processProof(leaf: string, proof: string[]): string {
  return proof.reduce((acc, p) => hashPair(acc, p), leaf);
}

const rand = (): string => hexlify(randomBytes(32));

describe('dataset Merkle tree (OpenZeppelin StandardMerkleTree encoding)', () => {
  it('leaf hash is keccak256(keccak256(abi.encode(salt, sha256)))', () => {
    const v: LeafValue = [rand(), rand()];
    expect(leafHash(v)).toBe(ozLeaf(v));
  });

  it('every proof folds to the root with sorted-pair hashing, as MerkleProof.verify does on-chain', () => {
    const leaves: LeafValue[] = Array.from({ length: 37 }, () => [rand(), rand()]);
    const { root, proofs } = buildDatasetTree(leaves);
    leaves.forEach((l, i) => {
      expect(processProof(ozLeaf(l), proofs[i] ?? [])).toBe(root);
      expect(verifyLeafProof(root, l, proofs[i] ?? [])).toBe(true);
    });
  });

  it('a proof does not verify another salt, another hash or an altered sibling', () => {
    const leaves: LeafValue[] = Array.from({ length: 8 }, () => [rand(), rand()]);
    const { root, proofs } = buildDatasetTree(leaves);
    const [salt, sha] = leaves[3] as LeafValue;
    const proof = proofs[3] ?? [];
    expect(verifyLeafProof(root, [rand(), sha], proof)).toBe(false);
    expect(verifyLeafProof(root, [salt, rand()], proof)).toBe(false);
    const bad = [...proof];
    const b = getBytes(bad[0] as string);
    b[0] = (b[0] ?? 0) ^ 1;
    bad[0] = hexlify(b);
    expect(verifyLeafProof(root, [salt, sha], bad)).toBe(false);
  });

  it('a single-file dataset has an empty proof and the root is the leaf hash', () => {
    const v: LeafValue = [PUBLIC_SALT, rand()];
    const { root, proofs } = buildDatasetTree([v]);
    expect(proofs[0]).toEqual([]);
    expect(root).toBe(ozLeaf(v));
  });

  it('root and proofs equal StandardMerkleTree.of for the same leaves, in input order', () => {
    for (const n of [1, 2, 3, 10, 257]) {
      const leaves: LeafValue[] = Array.from({ length: n }, () => [rand(), rand()]);
      const reference = StandardMerkleTree.of(leaves.map((l) => [...l]), ['bytes32', 'bytes32']);
      const prover = datasetProver(leaves);
      const built = buildDatasetTree(leaves);
      expect(prover.root).toBe(reference.root);
      expect(datasetRoot(leaves)).toBe(reference.root);
      expect(built.root).toBe(reference.root);
      leaves.forEach((_, i) => {
        expect(prover.proof(i)).toEqual(reference.getProof(i));
        expect(built.proofs[i]).toEqual(reference.getProof(i));
      });
    }
  });

  it('rejects an empty leaf list and an index outside the tree', () => {
    expect(() => datasetRoot([])).toThrow();
    expect(() => datasetProver([[rand(), rand()]]).proof(1)).toThrow(RangeError);
  });
});
