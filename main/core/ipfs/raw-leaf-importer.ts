/**
 * The UnixFS importer's leaf step for raw-leaf profiles, with the block hash computed on
 * the libuv thread pool (WebCrypto `subtle.digest`, which Node runs as an async job)
 * instead of the main thread. The stock step (ipfs-unixfs-importer's
 * defaultBufferImporter + persist) hashes with multiformats' sha256, synchronously in
 * Node: on a large file that hash is about a third of the main thread's work, while the
 * second core idles. Blocks and CIDs are the same: a raw leaf is the chunk's bytes, its
 * CID is CIDv1 + raw codec (0x55) + the sha2-256 multihash of those bytes
 * (https://github.com/ipfs/specs/blob/main/UNIXFS.md, multiformats/multicodec).
 * Tests compare against the stock importer and Kubo's CIDs.
 */
import type { BufferImporter } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { create as createDigest } from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

/**
 * SHA-256 digests of chunks already hashed by whoever produced them (a cipher worker
 * hashes each payload leaf it seals). Keyed by the chunk object itself: the fixed-size
 * chunker passes a source chunk of exactly the chunk size through as the same object, so
 * a hit is that object's whole content; anything re-cut or copied misses and is hashed.
 * The producer must not change the bytes afterwards.
 */
const knownDigests = new WeakMap<Uint8Array, Uint8Array>();

/** Records that `bytes` hash to `sha256` (32 bytes), for the next import that meets them. */
export function rememberLeafDigest(bytes: Uint8Array, sha256: Uint8Array): void {
  if (sha256.length === 32) knownDigests.set(bytes, sha256);
}

/** A BufferImporter for `rawLeaves: true` imports; see the module comment. */
export function threadPoolRawLeafImporter(): BufferImporter {
  return async function* bufferImporter(file, blockstore) {
    for await (const block of file.content) {
      yield async () => {
        const known = knownDigests.get(block);
        const digest = known ?? new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', block));
        const cid = CID.createV1(raw.code, createDigest(sha256.code, digest));
        await blockstore.put(cid, block);
        return { cid, size: BigInt(block.byteLength), block };
      };
    }
  };
}
