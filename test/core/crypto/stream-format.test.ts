import { describe, expect, it } from 'vitest';
import { payloadSize, writeStreamNonce } from '../../../main/core/crypto/stream-format.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('STREAM format', () => {
  it('writes an 11-byte big-endian counter and a last-chunk flag byte', () => {
    const n = new Uint8Array(12);
    writeStreamNonce(n, 0, false);
    expect(hex(n)).toBe('000000000000000000000000');
    writeStreamNonce(n, 1, true);
    expect(hex(n)).toBe('000000000000000000000101');
    writeStreamNonce(n, 2 ** 32 + 0x0102, false);
    expect(hex(n)).toBe('000000000000010000010200');
    writeStreamNonce(n, 2 ** 52, true);
    expect(hex(n)).toBe('000000001000000000000001');
  });

  it('computes payload sizes: nonce + plaintext + 16 bytes per 64 KiB chunk, one chunk for the empty file', () => {
    expect(payloadSize(0)).toBe(32);
    expect(payloadSize(1)).toBe(33);
    expect(payloadSize(65_536)).toBe(16 + 65_536 + 16);
    expect(payloadSize(65_537)).toBe(16 + 65_537 + 32);
  });
});
