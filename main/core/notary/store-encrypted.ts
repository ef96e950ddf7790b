/**
 * Encrypts a stream with age for `recipients` and stores its header and payload as two
 * pinned IPFS objects (header ‖ payload is a standard age file). Used for dataset files,
 * manifests and share envelopes.
 */
import type { CipherPort, StoragePort } from './ports.ts';

/** @returns the CIDs of the age header and payload objects, both pinned. */
export async function storeEncrypted(source: AsyncIterable<Uint8Array>, recipients: readonly string[], cipher: CipherPort, storage: StoragePort, signal?: AbortSignal): Promise<{ headerCid: string; payloadCid: string }> {
  return storeSealed(await cipher.encrypt(source, recipients), storage, signal);
}

/** Stores an age header and payload already encrypted (e.g. by CipherPort.encryptFile) as two pinned objects; returns their CIDs. */
export async function storeSealed(sealed: { header: Uint8Array; payload: AsyncIterable<Uint8Array> }, storage: StoragePort, signal?: AbortSignal): Promise<{ headerCid: string; payloadCid: string }> {
  const { header, payload } = sealed;
  const [headerCid, payloadCid] = await Promise.all([storage.addBytes(header), storage.addStream(payload, signal)]);
  await storage.pin(headerCid);
  await storage.pin(payloadCid);
  return { headerCid, payloadCid };
}

/** `bytes` as a one-chunk async stream. */
export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
