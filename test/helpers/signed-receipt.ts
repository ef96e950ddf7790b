/**
 * A full receipt built and signed here (EIP-712 digest signed by a fresh key), as notarize
 * would write it, for offline verification tests: no chain, no IPFS (placeholder CIDs).
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import {
  buildDatasetTree,
  canonicalManifest,
  manifestDigest,
  MANIFEST_FORMAT,
  MANIFEST_LEAF_ENCODING,
  MANIFEST_PROFILE,
  MANIFEST_VERSION,
  sortFiles,
  ZERO_BYTES32,
  type Manifest,
} from '../../shared/notary/index.ts';
import { receiptDigest, RECEIPT_FORMAT, RECEIPT_VERSION, type Receipt } from '../../shared/receipt/index.ts';

export const FAKE_CID = `b${'a'.repeat(58)}`;
const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;

/**
 * The signed receipt of a dataset with `files` (any order; sorted by path as in a manifest).
 * @param files path, size (bytes), sha256 and salt (0x-hex, 32 bytes) of each file.
 */
export function signedReceiptOf(files: readonly { path: string; size: number; sha256: string; salt: string }[], o: { title: string; public?: boolean }): Receipt {
  const author = Wallet.createRandom();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    title: o.title,
    authors: [{ address: author.address }],
    createdAt: 1_760_000_000,
    public: o.public ?? false,
    leafEncoding: MANIFEST_LEAF_ENCODING,
    profile: MANIFEST_PROFILE,
    files: sortFiles(files.map((f) => ({ ...f, headerCid: FAKE_CID, payloadCid: FAKE_CID }))),
  };
  const text = canonicalManifest(manifest);
  const { root, proofs } = buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256]));
  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    network: { name: 'devnet', chainId: '31337', local: true },
    contract: Wallet.createRandom().address,
    root,
    title: manifest.title,
    authors: [{ address: author.address, signature: '0x00' }],
    supersedes: ZERO_BYTES32,
    manifestDigest: manifestDigest(text),
    manifest: text,
    storage: { manifestHeaderCid: FAKE_CID, manifestPayloadCid: FAKE_CID },
    anchor: { txHash: hex32(), blockNumber: 1, blockHash: hex32(), blockTime: 1_760_000_100, submitter: author.address },
    files: manifest.files.map((f, i) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: proofs[i] as string[] })),
  };
  (receipt.authors[0] as { signature: string }).signature = author.signingKey.sign(receiptDigest(receipt)).serialized;
  return receipt;
}
