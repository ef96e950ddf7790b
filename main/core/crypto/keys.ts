/**
 * age identities (`AGE-SECRET-KEY-1...`) and recipients (`age1...`), as Bech32 strings,
 * turned into the age-encryption (typage) objects that wrap and unwrap file keys.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#the-x25519-recipient-type
 *
 * typage's public API only wraps a file key that it draws itself, while sharing must
 * re-wrap an existing file key. So this module takes typage's own recipient and
 * identity objects (built and validated by the public `addRecipient`/`addIdentity`)
 * out of its Encrypter/Decrypter instead of re-implementing the recipient types. That
 * touches two private fields of the pinned age-encryption 0.3.1; the interop tests
 * fail loudly if an upgrade moves them. importIdentityKey reads a third (an X25519
 * identity's scalar) and falls back to the plain identity if it moves.
 */
import {
  Decrypter,
  Encrypter,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient as libIdentityToRecipient,
  type Identity,
  type Recipient,
} from 'age-encryption';
import { NotariumError } from '../../../shared/errors.ts';

/** Recipient types accepted by parseRecipient, by Bech32 prefix. */
export type RecipientType = 'X25519' | 'mlkem768x25519' | 'p256tag' | 'mlkem768p256tag';
/** Identity types accepted by parseIdentity. */
export type IdentityType = 'X25519' | 'mlkem768x25519';

/** A validated recipient: its type, its canonical string, and typage's wrapper object. */
export interface ParsedRecipient {
  type: RecipientType;
  recipient: string;
  wrapper: Recipient;
}

/** A validated identity and typage's unwrapper object. Never log `identity`. */
export interface ParsedIdentity {
  type: IdentityType;
  unwrapper: Identity;
}

function recipientType(s: string): RecipientType | null {
  // Longest prefixes first: every type starts with "age1".
  if (s.startsWith('age1tagpq1')) return 'mlkem768p256tag';
  if (s.startsWith('age1tag1')) return 'p256tag';
  if (s.startsWith('age1pq1')) return 'mlkem768x25519';
  if (s.startsWith('age1')) return 'X25519';
  return null;
}

function onlyElement<T>(list: unknown, what: string): T {
  if (!Array.isArray(list) || list.length !== 1) {
    throw new NotariumError('INTERNAL', `age-encryption internals changed: cannot read its ${what}`);
  }
  return list[0] as T;
}

/**
 * Validates an age recipient string: X25519 `age1...`, hybrid post-quantum
 * `age1pq1...` (ML-KEM-768 + X25519), or tag `age1tag1...` / `age1tagpq1...`.
 * Throws NotariumError('INVALID_INPUT') on anything else (bad Bech32 checksum,
 * wrong length, upper case, surrounding whitespace).
 */
export function parseRecipient(s: string): ParsedRecipient {
  const type = typeof s === 'string' ? recipientType(s) : null;
  if (type === null) throw new NotariumError('INVALID_INPUT', 'not an age recipient (expected age1...)');
  const encrypter = new Encrypter();
  try {
    encrypter.addRecipient(s);
  } catch (cause) {
    throw new NotariumError('INVALID_INPUT', `invalid age recipient: ${s}`, { cause });
  }
  return { type, recipient: s, wrapper: onlyElement<Recipient>(encrypter['recipients'], 'recipient') };
}

/**
 * Validates an age identity string: `AGE-SECRET-KEY-1...` (X25519) or
 * `AGE-SECRET-KEY-PQ-1...` (hybrid ML-KEM-768 + X25519).
 * Throws NotariumError('INVALID_INPUT'); the message never contains the secret.
 */
export function parseIdentity(s: string): ParsedIdentity {
  let type: IdentityType;
  if (typeof s === 'string' && s.startsWith('AGE-SECRET-KEY-PQ-1')) type = 'mlkem768x25519';
  else if (typeof s === 'string' && s.startsWith('AGE-SECRET-KEY-1')) type = 'X25519';
  else throw new NotariumError('INVALID_INPUT', 'not an age identity (expected AGE-SECRET-KEY-1...)');
  const decrypter = new Decrypter();
  try {
    decrypter.addIdentity(s);
  } catch {
    throw new NotariumError('INVALID_INPUT', 'invalid age identity');
  }
  return { type, unwrapper: onlyElement<Identity>(decrypter['identities'], 'identity') };
}

/**
 * The recipient (`age1...` or `age1pq1...`) of an identity string.
 * Throws NotariumError('INVALID_INPUT') for an invalid identity.
 */
export async function identityToRecipient(identity: string): Promise<string> {
  parseIdentity(identity);
  return libIdentityToRecipient(identity);
}

/**
 * A fresh identity and its recipient. `type` defaults to X25519, the type every age
 * implementation reads (the Debian age 1.1.1 CLI does not know hybrid keys).
 */
export async function generateAgeIdentity(options: { type?: IdentityType } = {}): Promise<{ identity: string; recipient: string }> {
  const identity = options.type === 'mlkem768x25519' ? await generateHybridIdentity() : await generateX25519Identity();
  return { identity, recipient: await libIdentityToRecipient(identity) };
}

/** RFC 8410 PrivateKeyInfo for an X25519 key: this DER prefix, then the 32-byte scalar. */
const X25519_PKCS8_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);

/**
 * The same identity, for many headers: an X25519 identity's scalar is imported once as a
 * WebCrypto CryptoKey, which typage takes through its public API (Decrypter.addIdentity
 * with a CryptoKey). Given the string, typage imports the scalar again for every stanza
 * it tries, and WebCrypto's PKCS #8 import computes the public key each time: re-wrapping
 * a header then takes five X25519 multiplications instead of six.
 * Other identity types, and any runtime without WebCrypto X25519, get `parsed` back unchanged.
 */
export async function importIdentityKey(parsed: ParsedIdentity): Promise<ParsedIdentity> {
  if (parsed.type !== 'X25519') return parsed;
  const scalar: unknown = (parsed.unwrapper as unknown as Record<string, unknown>)['identity'];
  if (!(scalar instanceof Uint8Array) || scalar.length !== 32) return parsed;
  const der = new Uint8Array(X25519_PKCS8_PREFIX.length + 32);
  der.set(X25519_PKCS8_PREFIX);
  der.set(scalar, X25519_PKCS8_PREFIX.length);
  try {
    const key = await globalThis.crypto.subtle.importKey('pkcs8', der, { name: 'X25519' }, false, ['deriveBits']);
    const decrypter = new Decrypter();
    decrypter.addIdentity(key);
    return { type: 'X25519', unwrapper: onlyElement<Identity>(decrypter['identities'], 'identity') };
  } catch {
    return parsed;
  } finally {
    der.fill(0);
  }
}
