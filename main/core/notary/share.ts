/**
 * Sharing (see shared/notary/share.ts for the formats): re-wrap every file key for one
 * new recipient and seal the new headers with the manifest in a share envelope that
 * only that recipient can open. Payloads are never re-encrypted and their CIDs never
 * change; nothing but one envelope is written to IPFS, whatever the file count.
 */
import { NotariumError } from '../../../shared/errors.ts';
import { buildDatasetTree } from '../../../shared/notary/leaf.ts';
import { manifestDigest, parseManifest, type Manifest } from '../../../shared/notary/manifest.ts';
import { SHARE_ENVELOPE_FORMAT, shareEnvelopeSchema, parseShareJson, type ShareEnvelope } from '../../../shared/notary/share.ts';
import { collect } from './retrieve.ts';
import type { CipherPort, StoragePort } from './ports.ts';
import { mapLimit } from './map-limit.ts';
import { once, storeEncrypted } from './store-encrypted.ts';

/** Re-wraps one header's file key for the share's recipient (crypto's RewrapPool or createRewrapper). */
export type Rewrap = (header: Uint8Array) => Promise<Uint8Array>;

/**
 * Headers read and re-wrapped at once (a few hundred bytes each): enough for the calling
 * thread's runners and the headers each rewrap worker holds, with reads in flight behind them.
 */
const REWRAPS_IN_FLIGHT = 128;

/**
 * Builds and stores the share envelope of a dataset for `recipient`.
 * @param manifestText the dataset's canonical manifest (its digest is checked by the recipient).
 * @param manifest `parseManifest(manifestText)` when the caller has it already (e.g. from
 *   fetchManifestAndText): parsing and validating a 1,000-file manifest again costs 10–40 ms.
 * @returns the envelope's header and payload CIDs (both pinned and committed).
 * @throws NotariumError('AGE_DECRYPT_FAILED') when the rewrapper's identities cannot open a file header.
 */
export async function createShareEnvelope(o: {
  root: string;
  manifestText: string;
  manifest?: Manifest;
  recipient: string;
  sharedBy: string;
  cipher: CipherPort;
  storage: StoragePort;
  rewrap: Rewrap;
  now?: () => number;
}): Promise<{ headerCid: string; payloadCid: string; fileCount: number; totalBytes: number }> {
  const manifest = o.manifest ?? parseManifest(o.manifestText);
  // Header reads overlap the re-wraps; RewrapPool spreads these over its threads.
  const headers = await mapLimit(manifest.files, REWRAPS_IN_FLIGHT, async (f) => {
    const header = await o.storage.readSmall(f.headerCid, 1 << 20);
    const shared = await o.rewrap(header);
    return Buffer.from(shared.buffer, shared.byteOffset, shared.byteLength).toString('base64');
  });
  const envelope: ShareEnvelope = {
    format: SHARE_ENVELOPE_FORMAT,
    version: 1,
    root: o.root,
    manifestDigest: manifestDigest(o.manifestText),
    manifest: o.manifestText,
    headers,
    sharedBy: o.sharedBy,
    sharedAt: Math.floor((o.now?.() ?? Date.now()) / 1000),
  };
  const { headerCid, payloadCid } = await storeEncrypted(once(new TextEncoder().encode(JSON.stringify(envelope))), [o.recipient], o.cipher, o.storage);
  // One commit for the two objects and their pins when the port group-commits (nothing left to flush otherwise).
  await o.storage.commit();
  return { headerCid, payloadCid, fileCount: manifest.files.length, totalBytes: manifest.files.reduce((s, f) => s + f.size, 0) };
}

/**
 * Fetches and opens a share envelope with the recipient's identities, and checks it:
 * the manifest matches its digest and its files give the shared root.
 * @throws NotariumError('AGE_DECRYPT_FAILED') when not shared with these identities,
 *   ('INVALID_INPUT') for a malformed envelope, ('HASH_MISMATCH') for an inconsistent one.
 */
export async function openShareEnvelope(
  loc: { headerCid: string; payloadCid: string; root: string },
  identities: readonly string[],
  cipher: CipherPort,
  storage: StoragePort,
): Promise<{ manifest: Manifest; headers: Uint8Array[]; envelope: ShareEnvelope }> {
  const header = await collect(storage.cat(loc.headerCid), 1 << 20, 'The share envelope header');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await collect(cipher.decrypt(header, storage.cat(loc.payloadCid), identities), 1 << 30, 'The share envelope'));
  const envelope = parseShareJson(shareEnvelopeSchema, text, 'share envelope');
  if (manifestDigest(envelope.manifest) !== envelope.manifestDigest) throw new NotariumError('HASH_MISMATCH', 'The shared manifest does not match its digest.', { details: { integrity: 'altered' } });
  const manifest = parseManifest(envelope.manifest);
  if (buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256])).root !== loc.root || envelope.root !== loc.root) {
    throw new NotariumError('HASH_MISMATCH', `The shared dataset does not have the root ${loc.root} the ticket names.`, { details: { integrity: 'altered' } });
  }
  if (envelope.headers.length !== manifest.files.length) throw new NotariumError('INVALID_INPUT', 'The share envelope has a header count that differs from its file count.');
  return { manifest, headers: envelope.headers.map((h) => new Uint8Array(Buffer.from(h, 'base64'))), envelope };
}
