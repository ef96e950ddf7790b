import { randomBytes } from 'node:crypto';
import { Stanza } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { NotariumError } from '../../../shared/errors.ts';
import { decodeBase64NoPad, encodeHeader, findHeaderEnd, parseHeader, verifyHeaderMac } from '../../../main/core/crypto/header.ts';

const fileKey = new Uint8Array(16).fill(7);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function headerFailure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof NotariumError) return `${e.code}:${String(e.details?.reason)}`;
    throw e;
  }
  return 'parsed';
}

describe('age header encoding', () => {
  it.each([0, 1, 32, 47, 48, 49, 96, 100])('round-trips a stanza body of %i bytes, wrapped at 64 columns', (n) => {
    const body = randomBytes(n);
    const header = encodeHeader(fileKey, [new Stanza(['X25519', 'abc'], body), new Stanza(['grease-!~'], new Uint8Array(0))]);
    const text = latin1(header);
    expect(text.startsWith('age-encryption.org/v1\n-> X25519 abc\n')).toBe(true);
    expect(text.split('\n').every((l) => l.length <= 64 || l.startsWith('-'))).toBe(true);
    const parsed = parseHeader(header);
    expect(Buffer.from(parsed.stanzas[0]?.body ?? []).equals(body)).toBe(true);
    expect(parsed.stanzas.map((s) => s.args)).toEqual([['X25519', 'abc'], ['grease-!~']]);
    expect(latin1(parsed.macInput).endsWith('\n---')).toBe(true);
    expect(verifyHeaderMac(fileKey, parsed)).toBe(true);
    expect(verifyHeaderMac(new Uint8Array(16), parsed)).toBe(false);
  });

  it('closes a body that fills its last line with an empty line, as the spec requires', () => {
    const text = latin1(encodeHeader(fileKey, [new Stanza(['t'], new Uint8Array(48))]));
    expect(text).toMatch(/^age-encryption\.org\/v1\n-> t\nA{64}\n\n--- [A-Za-z0-9+/]{43}\n$/);
  });

  it('rejects CRLF, base64 padding, data after the MAC line and a missing MAC as header failures', () => {
    const good = latin1(encodeHeader(fileKey, [new Stanza(['t'], new Uint8Array(5))]));
    expect(headerFailure(() => parseHeader(bytes(good)))).toBe('parsed');
    expect(headerFailure(() => parseHeader(bytes(good.replace('\n', '\r\n'))))).toBe('AGE_DECRYPT_FAILED:header');
    expect(headerFailure(() => parseHeader(bytes(good.replace('AAAAAAA\n', 'AAAAAAA=\n'))))).toBe('AGE_DECRYPT_FAILED:header');
    expect(headerFailure(() => parseHeader(bytes(`${good}x`)))).toBe('AGE_DECRYPT_FAILED:header');
    expect(headerFailure(() => parseHeader(bytes(good.slice(0, good.indexOf('---')))))).toBe('AGE_DECRYPT_FAILED:header');
    expect(headerFailure(() => parseHeader(bytes(good.replace('v1', 'v2'))))).toBe('AGE_DECRYPT_FAILED:header');
  });

  it('decodes only canonical unpadded base64', () => {
    expect(decodeBase64NoPad('AA')).toEqual(new Uint8Array([0]));
    expect(decodeBase64NoPad('AB')).toBeNull(); // non-zero trailing bits
    expect(decodeBase64NoPad('AA==')).toBeNull();
    expect(decodeBase64NoPad('A')).toBeNull();
    expect(decodeBase64NoPad('A-_A')).toBeNull(); // URL alphabet
  });

  it('finds where the header ends inside a whole age file', () => {
    const header = encodeHeader(fileKey, [new Stanza(['t'], new Uint8Array(60))]);
    const file = Buffer.concat([header, Buffer.from('\n---payload')]);
    expect(findHeaderEnd(file)).toBe(header.length);
    expect(findHeaderEnd(header.subarray(0, header.length - 1))).toBeNull();
  });
});
