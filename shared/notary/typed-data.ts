/**
 * The EIP-712 typed data every author signs (https://eips.ethereum.org/EIPS/eip-712).
 *
 * No nonce on purpose: signatures are collected offline over weeks from co-authors who
 * hold no ether, and replay is harmless because the registry anchors a root only once.
 *
 * `title` is a `string` in the signed type, so wallets show it; EIP-712 encodes a string
 * member as keccak256(utf8(title)), which is why the contract receives only `titleHash`
 * and still computes the identical struct hash. `supersedes` is the root this
 * notarization replaces, or 32 zero bytes.
 */

/** EIP-712 domain name and version of the NotaryRegistry contract. */
export const EIP712_DOMAIN_NAME = 'Notarium';
export const EIP712_DOMAIN_VERSION = '1';

/** Primary type name. */
export const NOTARIZATION_PRIMARY_TYPE = 'Notarization';

/** The EIP-712 `types` object (without EIP712Domain), as ethers' `TypedDataEncoder` takes it. */
export const NOTARIZATION_TYPES: Record<string, { name: string; type: string }[]> = {
  Notarization: [
    { name: 'root', type: 'bytes32' },
    { name: 'manifestDigest', type: 'bytes32' },
    { name: 'title', type: 'string' },
    { name: 'authors', type: 'address[]' },
    { name: 'supersedes', type: 'bytes32' },
  ],
};

/** The Solidity type string hashed into NOTARIZATION_TYPEHASH on-chain. */
export const NOTARIZATION_TYPE_STRING =
  'Notarization(bytes32 root,bytes32 manifestDigest,string title,address[] authors,bytes32 supersedes)';

/** 32 zero bytes, as a 0x-prefixed hex string: "supersedes nothing". */
export const ZERO_BYTES32 = `0x${'0'.repeat(64)}`;

/** EIP-712 domain of one registry deployment. */
export interface NotaryDomain {
  name: string;
  version: string;
  /** EIP-155 chain id. */
  chainId: bigint | number;
  /** NotaryRegistry address (0x-prefixed, checksummed or lowercase). */
  verifyingContract: string;
}

/** The signed message. Hex values are 0x-prefixed, 32-byte values 64 hex digits. */
export interface NotarizationMessage {
  root: string;
  manifestDigest: string;
  title: string;
  /** Author addresses in signing order; the same order as the signatures. */
  authors: string[];
  supersedes: string;
}

/** Builds the domain for a registry at `verifyingContract` on chain `chainId`. */
export function notaryDomain(chainId: bigint | number, verifyingContract: string): NotaryDomain {
  return { name: EIP712_DOMAIN_NAME, version: EIP712_DOMAIN_VERSION, chainId, verifyingContract };
}
