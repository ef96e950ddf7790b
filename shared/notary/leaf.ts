/**
 * Merkle leaves of a dataset, in the OpenZeppelin StandardMerkleTree encoding
 * (https://github.com/OpenZeppelin/merkle-tree#standard-merkle-trees):
 * leaf = keccak256(keccak256(abi.encode(salt, contentSha256))), nodes are sorted pairs,
 * so every proof also verifies on-chain with OpenZeppelin `MerkleProof.verify`.
 *
 * The leaf commits to the salted content hash: publishing the root (or a proof) reveals
 * nothing a guess of the file could confirm. In public mode the salt is 32 zero bytes,
 * so anyone holding the file can compute its leaf.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { ZERO_BYTES32 } from './typed-data.ts';

/** ABI types of one leaf: [salt, sha256 of the plaintext]. Recorded in manifest and receipt. */
export const LEAF_ENCODING: readonly string[] = ['bytes32', 'bytes32'];

/** The salt used in public (unsalted) mode. */
export const PUBLIC_SALT = ZERO_BYTES32;

/** One leaf value: [salt, sha256], both 0x-prefixed 32-byte lowercase hex. */
export type LeafValue = [salt: string, sha256: string];

/** A built tree: the root and a proof per input leaf, in input order. */
export interface DatasetTree {
  /** 0x-prefixed 32-byte Merkle root. */
  root: string;
  /** proofs[i] is the Merkle proof (sibling hashes, leaf to root) of leaves[i]. */
  proofs: string[][];
}

/**
 * Builds the dataset tree over `leaves` (any order; the tree sorts leaf hashes itself).
 * @throws Error from the library on malformed values (not 32-byte hex).
 */
export function buildDatasetTree(leaves: readonly LeafValue[]): DatasetTree {
  const tree = StandardMerkleTree.of(leaves.map((l) => [...l]), [...LEAF_ENCODING]);
  const proofs = leaves.map((_, i) => tree.getProof(i));
  return { root: tree.root, proofs };
}

/**
 * The tree over `leaves` with proofs made on demand: `proof(i)` is leaves[i]'s proof
 * (StandardMerkleTree.getProof), so a 100,000-file receipt never holds every proof at once.
 * @throws Error from the library on malformed values.
 */
export function datasetProver(leaves: readonly LeafValue[]): { root: string; proof: (index: number) => string[] } {
  const tree = StandardMerkleTree.of(leaves.map((l) => [...l]), [...LEAF_ENCODING]);
  return { root: tree.root, proof: (index) => tree.getProof(index) };
}

/**
 * The root alone (no proofs), for verifiers: StandardMerkleTree.of(...).root.
 * @throws Error from the library on malformed values.
 */
export function datasetRoot(leaves: readonly LeafValue[]): string {
  return StandardMerkleTree.of(leaves.map((l) => [...l]), [...LEAF_ENCODING]).root;
}

/** Leaf hash of one value, as the contract's MerkleProof would see it. */
export function leafHash(value: LeafValue): string {
  return StandardMerkleTree.of([[...value]], [...LEAF_ENCODING]).root;
}

/** True when `proof` proves `value` under `root` (StandardMerkleTree.verify). Never throws. */
export function verifyLeafProof(root: string, value: LeafValue, proof: readonly string[]): boolean {
  try {
    return StandardMerkleTree.verify(root, [...LEAF_ENCODING], [...value], [...proof]);
  } catch {
    return false;
  }
}
