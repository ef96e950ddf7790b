/**
 * File keys: wrapping a 16-byte file key into a header for recipients, recovering it
 * from a header with identities, and re-wrapping it for new recipients (sharing).
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 */
import { randomBytes } from 'node:crypto';
import type { Stanza } from 'age-encryption';
import { NotariumError } from '../../../shared/errors.ts';
import { encodeHeader, headerError, parseHeader, verifyHeaderMac } from './header.ts';
import { importIdentityKey, parseIdentity, parseRecipient, type ParsedIdentity, type ParsedRecipient } from './keys.ts';
import { FILE_KEY_SIZE } from './stream-format.ts';

/** A fresh random 16-byte file key (one per file, never reused). */
export function generateFileKey(): Uint8Array {
  return new Uint8Array(randomBytes(FILE_KEY_SIZE));
}

/**
 * Encodes a header (stanzas + MAC) wrapping `fileKey` (16 bytes) for every recipient.
 * Throws NotariumError('INVALID_INPUT') for an empty list or an invalid recipient.
 */
export async function wrapFileKey(fileKey: Uint8Array, recipients: readonly string[]): Promise<Uint8Array> {
  if (recipients.length === 0) throw new NotariumError('INVALID_INPUT', 'at least one age recipient is required');
  return wrapWith(fileKey, recipients.map(parseRecipient));
}

async function wrapWith(fileKey: Uint8Array, parsed: readonly ParsedRecipient[]): Promise<Uint8Array> {
  if (fileKey.length !== FILE_KEY_SIZE) throw new NotariumError('INVALID_INPUT', 'an age file key is 16 bytes');
  const stanzas: Stanza[] = [];
  for (const r of parsed) {
    try {
      stanzas.push(...(await r.wrapper.wrapFileKey(fileKey)));
    } catch (cause) {
      // e.g. an X25519 recipient that is a low-order point: the shared secret would be zero.
      throw new NotariumError('INVALID_INPUT', `cannot wrap a file key for recipient ${r.recipient}`, { cause });
    }
  }
  return encodeHeader(fileKey, stanzas);
}

function toIdentities(identities: readonly string[]): ParsedIdentity[] {
  if (identities.length === 0) throw new NotariumError('INVALID_INPUT', 'at least one age identity is required');
  return identities.map(parseIdentity);
}

/**
 * Recovers the 16-byte file key from a detached header (exactly the header bytes)
 * using any of `identities`, then checks the header MAC.
 * Throws NotariumError('AGE_DECRYPT_FAILED') with `details.reason`:
 *   'header'   the header is malformed, or a stanza meant for one of the identities is,
 *   'no-match' no identity unwraps any stanza,
 *   'hmac'     a file key was unwrapped but the header MAC does not match.
 * Throws NotariumError('INVALID_INPUT') for an invalid identity string.
 */
export async function unwrapFileKey(header: Uint8Array, identities: readonly string[]): Promise<Uint8Array> {
  return unwrapWith(header, toIdentities(identities));
}

async function unwrapWith(header: Uint8Array, ids: readonly ParsedIdentity[]): Promise<Uint8Array> {
  const parsed = parseHeader(header);
  // The spec requires an scrypt stanza to be alone, so its passphrase can't be mixed in.
  if (parsed.stanzas.length > 1 && parsed.stanzas.some((s) => s.args[0] === 'scrypt')) {
    throw headerError('an scrypt stanza must be the only stanza');
  }
  let fileKey: Uint8Array | null = null;
  for (const id of ids) {
    try {
      fileKey = await id.unwrapper.unwrapFileKey(parsed.stanzas);
    } catch (cause) {
      throw headerError(`malformed ${id.type} stanza`, cause);
    }
    if (fileKey !== null) break;
  }
  if (fileKey === null) {
    throw new NotariumError('AGE_DECRYPT_FAILED', 'This data is not encrypted to your key: no identity of yours matches a recipient of its age header. To read data notarized by someone else, ask them to share it with your age recipient (`notarium share … --recipient age1…`) and retrieve with the ticket they send.', { details: { reason: 'no-match' } });
  }
  if (!verifyHeaderMac(fileKey, parsed)) {
    throw new NotariumError('AGE_DECRYPT_FAILED', 'age header MAC mismatch: the header was altered', { details: { reason: 'hmac' } });
  }
  return fileKey;
}

/**
 * A new header for `newRecipients` wrapping the same file key as `header`, so the
 * existing payload (and its CID) decrypts unchanged for them. The new header holds
 * only `newRecipients`: pass the old ones too to keep their access.
 * Throws as unwrapFileKey and wrapFileKey.
 */
export async function rewrapHeader(header: Uint8Array, identities: readonly string[], newRecipients: readonly string[]): Promise<Uint8Array> {
  // Validate the recipients before any secret is unwrapped.
  newRecipients.forEach(parseRecipient);
  const fileKey = await unwrapFileKey(header, identities);
  try {
    return await wrapFileKey(fileKey, newRecipients);
  } finally {
    fileKey.fill(0);
  }
}

/**
 * rewrapHeader for many headers with the same identities and recipients: the key strings
 * are parsed once, and X25519 identities imported once (importIdentityKey), as sharing a
 * 100,000-file dataset re-wraps 100,000 headers.
 * Throws NotariumError('INVALID_INPUT') for invalid keys up front; the returned function
 * throws as rewrapHeader.
 */
export function createRewrapper(identities: readonly string[], newRecipients: readonly string[]): (header: Uint8Array) => Promise<Uint8Array> {
  if (newRecipients.length === 0) throw new NotariumError('INVALID_INPUT', 'at least one age recipient is required');
  const recipients = newRecipients.map(parseRecipient);
  const ids = toIdentities(identities);
  let keyed: Promise<ParsedIdentity[]> | undefined;
  return async (header) => {
    keyed ??= Promise.all(ids.map(importIdentityKey));
    const fileKey = await unwrapWith(header, await keyed);
    try {
      return await wrapWith(fileKey, recipients);
    } finally {
      fileKey.fill(0);
    }
  };
}
