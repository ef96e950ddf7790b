/**
 * The textual age v1 header: strict parsing, encoding, and the header MAC.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 *
 *   age-encryption.org/v1
 *   -> X25519 <base64 share>
 *   <base64 body, 64 columns per line, last line shorter (possibly empty)>
 *   --- <base64 HMAC-SHA-256>
 *
 * Parsing is strict (canonical unpadded base64, LF only, VCHAR arguments, nothing
 * after the MAC line) because the MAC covers the original bytes and a lenient parser
 * would accept headers that other implementations reject.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Stanza } from 'age-encryption';
import { NotariumError } from '../../../shared/errors.ts';

const VERSION_LINE = 'age-encryption.org/v1';
const MAC_SIZE = 32;
/** 48 bytes of stanza body per 64-column base64 line. */
const BODY_COLUMNS = 64;
const ARG = /^[\x21-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]*$/;
const HEADER_INFO = new TextEncoder().encode('header');

/** A parsed header. `macInput` is the original bytes the MAC covers (up to and including `---`). */
export interface ParsedHeader {
  stanzas: Stanza[];
  mac: Uint8Array;
  macInput: Uint8Array;
}

/** NotariumError for a header that does not follow the format (`details.reason = 'header'`). */
export function headerError(message: string, cause?: unknown): NotariumError {
  return new NotariumError('AGE_DECRYPT_FAILED', `invalid age header: ${message}`, { details: { reason: 'header' }, cause });
}

/** Canonical unpadded base64 (RFC 4648 §4 without `=`), as the spec requires. */
export function decodeBase64NoPad(s: string): Uint8Array | null {
  if (!BASE64.test(s) || s.length % 4 === 1) return null;
  const bytes = Buffer.from(s, 'base64');
  // Re-encoding rejects non-zero trailing bits, which Buffer silently drops.
  if (bytes.toString('base64').replace(/=+$/, '') !== s) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Unpadded standard base64. */
export function encodeBase64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '');
}

/**
 * Parses an age header that spans exactly `header` (it must end with the MAC line's LF).
 * Throws NotariumError('AGE_DECRYPT_FAILED', details.reason 'header') on any deviation.
 */
export function parseHeader(header: Uint8Array): ParsedHeader {
  for (const b of header) {
    if (b !== 0x0a && (b < 0x20 || b > 0x7e)) throw headerError('non-printable byte');
  }
  const text = Buffer.from(header.buffer, header.byteOffset, header.byteLength).toString('latin1');
  const lines = text.split('\n');
  if (lines[0] !== VERSION_LINE) throw headerError('unsupported version line');
  const stanzas: Stanza[] = [];
  let offset = VERSION_LINE.length + 1;
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined || i === lines.length - 1) throw headerError('missing MAC line');
    if (line.startsWith('-> ')) {
      const args = line.slice(3).split(' ');
      if (!args.every((a) => ARG.test(a))) throw headerError('invalid stanza arguments');
      offset += line.length + 1;
      i += 1;
      const body: Uint8Array[] = [];
      for (;;) {
        const bodyLine = lines[i];
        if (bodyLine === undefined || i === lines.length - 1) throw headerError('truncated stanza body');
        if (bodyLine.length > BODY_COLUMNS) throw headerError('stanza body line too long');
        const bytes = decodeBase64NoPad(bodyLine);
        if (bytes === null) throw headerError('stanza body is not canonical base64');
        body.push(bytes);
        offset += bodyLine.length + 1;
        i += 1;
        if (bodyLine.length < BODY_COLUMNS) break;
      }
      stanzas.push(new Stanza(args, Buffer.concat(body)));
      continue;
    }
    if (!line.startsWith('--- ')) throw headerError('expected a stanza or the MAC line');
    const mac = decodeBase64NoPad(line.slice(4));
    if (mac === null || mac.length !== MAC_SIZE) throw headerError('invalid MAC encoding');
    // The header must end right after the MAC line: lines = [..., mac line, ''].
    if (i !== lines.length - 2 || lines[i + 1] !== '') throw headerError('data after the MAC line');
    if (stanzas.length === 0) throw headerError('no recipient stanza');
    return { stanzas, mac, macInput: header.subarray(0, offset + 3) };
  }
}

/** The header bytes up to and including `---`, the input of the header MAC. */
export function encodeHeaderNoMac(stanzas: readonly Stanza[]): Uint8Array {
  let text = `${VERSION_LINE}\n`;
  for (const s of stanzas) {
    if (s.args.length === 0 || !s.args.every((a) => ARG.test(a))) {
      throw new NotariumError('INTERNAL', 'stanza arguments must be non-empty VCHAR strings');
    }
    text += `-> ${s.args.join(' ')}\n`;
    const b64 = encodeBase64NoPad(s.body);
    for (let p = 0; p < b64.length; p += BODY_COLUMNS) text += `${b64.slice(p, p + BODY_COLUMNS)}\n`;
    // A full final line would read as "more body follows": close with an empty line.
    if (b64.length % BODY_COLUMNS === 0) text += '\n';
  }
  text += '---';
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** HMAC-SHA-256(key = HKDF-SHA-256(ikm = fileKey, salt = empty, info = "header"), macInput), 32 bytes. */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = new Uint8Array(hkdfSync('sha256', fileKey, new Uint8Array(0), HEADER_INFO, 32));
  return new Uint8Array(createHmac('sha256', key).update(macInput).digest());
}

/** True when `mac` is the header MAC of `parsed` under `fileKey` (constant time). */
export function verifyHeaderMac(fileKey: Uint8Array, parsed: ParsedHeader): boolean {
  const expected = headerMac(fileKey, parsed.macInput);
  return parsed.mac.length === expected.length && timingSafeEqual(parsed.mac, expected);
}

/** The complete header: stanzas, `---`, a space, the base64 MAC and a final LF. */
export function encodeHeader(fileKey: Uint8Array, stanzas: readonly Stanza[]): Uint8Array {
  const noMac = encodeHeaderNoMac(stanzas);
  const macLine = Buffer.from(` ${encodeBase64NoPad(headerMac(fileKey, noMac))}\n`, 'latin1');
  return new Uint8Array(Buffer.concat([noMac, macLine]));
}

/**
 * Byte length of the header at the start of `bytes` (through the MAC line's LF), or
 * null when no complete MAC line is present yet. Only structural: the result still
 * goes through parseHeader. A line starting with `---` can only be the MAC line,
 * since stanza lines start with `->` and body lines are base64.
 */
export function findHeaderEnd(bytes: Uint8Array): number | null {
  let from = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, from);
    if (nl < 0) return null;
    const start = from;
    from = nl + 1;
    if (bytes[start] === 0x2d && bytes[start + 1] === 0x2d && bytes[start + 2] === 0x2d) return from;
  }
}
