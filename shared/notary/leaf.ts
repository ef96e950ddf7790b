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
// The library's own building blocks (what StandardMerkleTree.of runs), used directly for
// large trees: the class keeps ~2 KB of objects per leaf and re-checks every proof it
// hands out; these keep the tree as one array of hex strings (~0.2 KB per leaf).
import { getProof, makeMerkleTree } from '@openzeppelin/merkle-tree/dist/core.js';
import { standardLeafHash, standardNodeHash } from '@openzeppelin/merkle-tree/dist/hashes.js';
import { getBytes, hexlify } from 'ethers';
import { ZERO_BYTES32 } from './typed-data.ts';

/** ABI types of one leaf: [salt, sha256 of the plaintext]. Recorded in manifest and receipt. */
export const LEAF_ENCODING: readonly string[] = ['bytes32', 'bytes32'];

/** The salt used in public (unsalted) mode. */
export const PUBLIC_SALT = ZERO_BYTES32;

/** One leaf value: [salt, sha256], both 0x-prefixed 32-byte lowercase hex. */
export type LeafValue = [salt: string, sha256: string];

/**
 * Leaf values in order: an array, or any source that makes them on demand (`at(i)`, as
 * Array.prototype.at), so a tree over 100,000 files needs no array of their values.
 */
export interface LeafSource {
  readonly length: number;
  at(index: number): LeafValue | undefined;
}

/**
 * Another implementation of the library's two hashes, for speed: the library's pure-JS
 * Keccak-256 costs ~50 µs and ~1 KB of garbage per hash, i.e. ~10 s and ~200 MB of peak
 * memory for a 100,000-file tree. Each must return exactly what the library's does
 * (0x-prefixed lowercase hex): installers check that before installing (useTreeHashing).
 */
export interface TreeHashing {
  /** = standardLeafHash(['bytes32', 'bytes32'], value): keccak256(keccak256(abi.encode(salt, sha256))). */
  leafHash(value: LeafValue): string;
  /** = standardNodeHash(a, b): keccak256 of the two 32-byte nodes, smaller first. */
  nodeHash(a: string, b: string): string;
  /**
   * Optional, the same two hashes on packed 32-byte nodes, for trees built without a
   * string per node (packedTree): leafHash(value) written at `nodes[at…at+32)`;
   * nodeHash of the nodes at byte offsets `left` and `right` written at `out`.
   */
  leafHashInto?(value: LeafValue, nodes: Uint8Array, at: number): void;
  nodeHashInto?(nodes: Uint8Array, out: number, left: number, right: number): void;
}

let installed: TreeHashing | undefined;

/**
 * Makes this module build trees with `hashing` (undefined: the library's own hashes again).
 * The tree, its root and proofs are unchanged: only how the same Keccak-256 is computed.
 * @throws Error if `hashing` disagrees with the library on a test leaf and node.
 */
export function useTreeHashing(hashing: TreeHashing | undefined): void {
  if (hashing !== undefined) {
    const value: LeafValue = [`0x${'5a'.repeat(32)}`, `0x${'c3'.repeat(32)}`];
    const leaf = standardLeafHash([...LEAF_ENCODING], [...value]);
    const other = standardLeafHash([...LEAF_ENCODING], [PUBLIC_SALT, `0x${'01'.repeat(32)}`]);
    if (hashing.leafHash(value) !== leaf || hashing.nodeHash(leaf, other) !== standardNodeHash(leaf, other) || hashing.nodeHash(other, leaf) !== standardNodeHash(leaf, other)) {
      throw new Error('The tree hashing given disagrees with @openzeppelin/merkle-tree; not installed.');
    }
    if (hashing.leafHashInto !== undefined || hashing.nodeHashInto !== undefined) {
      // nodes: [leaf | other | node(leaf, other) | node(other, leaf)]
      const nodes = new Uint8Array(128);
      hashing.leafHashInto?.(value, nodes, 0);
      nodes.set(getBytes(other), 32);
      hashing.nodeHashInto?.(nodes, 64, 0, 32);
      hashing.nodeHashInto?.(nodes, 96, 32, 0);
      const node = standardNodeHash(leaf, other);
      if (hashing.leafHashInto === undefined || hashing.nodeHashInto === undefined || hexlify(nodes.subarray(0, 32)) !== leaf || hexlify(nodes.subarray(64, 96)) !== node || hexlify(nodes.subarray(96)) !== node) {
        throw new Error('The packed tree hashing given disagrees with @openzeppelin/merkle-tree; not installed.');
      }
    }
  }
  installed = hashing;
}

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
export function buildDatasetTree(leaves: readonly LeafValue[] | LeafSource): DatasetTree {
  const { tree, treeIndex } = flatTree(leaves);
  return { root: tree[0] as string, proofs: Array.from(treeIndex, (at) => getProof(tree, at)) };
}

/**
 * The StandardMerkleTree layout over `leaves`, built from the library's core: leaf hashes
 * (standardLeafHash, or the installed TreeHashing) sorted ascending, then makeMerkleTree, exactly as
 * StandardMerkleTree.of does (tests compare roots and proofs). Returns the flat tree
 * (root at 0) and, per input leaf, its index in the tree.
 * Sorting compares the 0x-prefixed lowercase 32-byte hex strings, which orders them as
 * the library's byte comparison does.
 */
function flatTree(leaves: LeafSource): { tree: string[]; treeIndex: Int32Array } {
  if (leaves.length === 0) throw new Error('Expected non-zero number of leaves');
  const hashing = installed;
  const hashes = Array.from({ length: leaves.length }, (_, i) => {
    const l = leaves.at(i);
    if (l === undefined) throw new Error(`Leaf ${i} is missing`);
    return hashing === undefined ? standardLeafHash([...LEAF_ENCODING], [...l]) : hashing.leafHash(l);
  });
  const order = Array.from(hashes.keys()).sort((a, b) => {
    const x = hashes[a] as string;
    const y = hashes[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  // makeMerkleTree hands nodeHash the hex strings it stores (toHex of leaves and of nodeHash results).
  const tree = makeMerkleTree(order.map((i) => hashes[i] as string), hashing === undefined ? standardNodeHash : (a, b) => hashing.nodeHash(a as string, b as string));
  const treeIndex = new Int32Array(leaves.length);
  order.forEach((valueIndex, leafIndex) => {
    treeIndex[valueIndex] = tree.length - leafIndex - 1;
  });
  return { tree, treeIndex };
}

/**
 * The tree over `leaves` with proofs made on demand: `proof(i)` is leaves[i]'s proof,
 * equal to StandardMerkleTree.getProof(i), so a 100,000-file receipt never holds every
 * proof at once. Keeps the 2n-1 nodes as 32-byte values in one buffer (100,000 leaves:
 * 6.4 MB, against ~19 MB as the library's hex strings); the library's getProof reads them
 * through an array-like view and gives the same 0x-hex proof.
 * @throws Error from the library on malformed values or no leaves.
 */
export function datasetProver(leaves: readonly LeafValue[] | LeafSource): { root: string; proof: (index: number) => string[] } {
  const { nodes, treeIndex } = packedTree(leaves);
  const count = nodes.length / 32;
  const root = hexlify(nodes.subarray(0, 32));
  // What getProof reads of a tree: its length, and node i as bytes (toHex accepts Uint8Array).
  const view = new Proxy([] as Uint8Array[], {
    get: (target, key) => {
      if (key === 'length') return count;
      if (typeof key === 'string' && /^\d+$/.test(key)) {
        const i = Number(key);
        return i < count ? nodes.subarray(i * 32, i * 32 + 32) : undefined;
      }
      return Reflect.get(target, key) as unknown;
    },
  });
  return {
    root,
    proof: (index) => {
      const at = treeIndex[index];
      if (at === undefined) throw new RangeError(`no leaf ${index}`);
      return getProof(view, at);
    },
  };
}

/**
 * The root alone (no proofs), for verifiers: equal to StandardMerkleTree.of(...).root.
 * @throws Error from the library on malformed values or no leaves.
 */
export function datasetRoot(leaves: readonly LeafValue[] | LeafSource): string {
  return hexlify(packedTree(leaves).nodes.subarray(0, 32));
}

/** Byte order of the 32-byte nodes at offsets `a` and `b` of `nodes` (the library's `compare`). */
function compareNodes(nodes: Uint8Array, a: number, b: number): number {
  for (let k = 0; k < 32; k++) {
    const d = (nodes[a + k] as number) - (nodes[b + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * flatTree's layout as 2n−1 packed 32-byte nodes (root at 0) and, per input leaf, its
 * node index. With the installed hashing's packed functions (leafHashInto, nodeHashInto)
 * the tree is built on the bytes, in the layout of the library's makeMerkleTree (leaf
 * hashes sorted ascending, equal ones in input order as the library's stable sort leaves
 * them, stored from the end; node i = nodeHash(2i+1, 2i+2)), and no
 * string is made per node: for 100,000 leaves ≈ 10 MB of buffers instead of ≈ 50 MB of
 * transient hex strings and arrays. Otherwise the library's makeMerkleTree, copied into bytes.
 * Tests compare both with StandardMerkleTree, root and every proof.
 */
function packedTree(leaves: LeafSource): { nodes: Uint8Array; treeIndex: Int32Array } {
  const hashing = installed;
  const leafHashInto = hashing?.leafHashInto;
  const nodeHashInto = hashing?.nodeHashInto;
  if (leafHashInto === undefined || nodeHashInto === undefined) {
    const { tree, treeIndex } = flatTree(leaves);
    const nodes = new Uint8Array(tree.length * 32);
    tree.forEach((hex, i) => nodes.set(getBytes(hex), i * 32));
    return { nodes, treeIndex };
  }
  const n = leaves.length;
  if (n === 0) throw new Error('Expected non-zero number of leaves');
  const count = 2 * n - 1;
  const leafHashes = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) {
    const l = leaves.at(i);
    if (l === undefined) throw new Error(`Leaf ${i} is missing`);
    leafHashInto(l, leafHashes, i * 32);
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => compareNodes(leafHashes, a * 32, b * 32) || a - b);
  const nodes = new Uint8Array(count * 32);
  const treeIndex = new Int32Array(n);
  order.forEach((valueIndex, k) => {
    nodes.set(leafHashes.subarray(valueIndex * 32, valueIndex * 32 + 32), (count - 1 - k) * 32);
    treeIndex[valueIndex] = count - 1 - k;
  });
  for (let i = count - 1 - n; i >= 0; i--) nodeHashInto(nodes, i * 32, (2 * i + 1) * 32, (2 * i + 2) * 32);
  return { nodes, treeIndex };
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
