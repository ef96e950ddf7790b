import { describe, expect, it } from 'vitest';
import { Wallet, concat, getBytes, hexlify, randomBytes } from 'ethers';
import { decodeSignatureBlob, encodeSignatureBlob, SLOT_BYTES } from '../../../main/core/chain/signature-blob.ts';

describe('signature blob encoding', () => {
  it('packs 65-byte ECDSA signatures inline, back to back, with nothing else', async () => {
    const sigs = await Promise.all([Wallet.createRandom(), Wallet.createRandom()].map((w) => w.signMessage('x')));
    const blob = encodeSignatureBlob(sigs);
    expect(blob).toBe(concat(sigs));
    expect(decodeSignatureBlob(blob, 2)).toEqual(sigs);
  });

  it('moves other signatures to the tail, referenced by offset and length with v = 0', async () => {
    const ecdsa = await Wallet.createRandom().signMessage('x');
    const long = hexlify(randomBytes(130));
    const short = hexlify(randomBytes(7));
    const blob = getBytes(encodeSignatureBlob([long, ecdsa, short]));
    expect(blob.length).toBe(3 * SLOT_BYTES + 130 + 7);
    const slot0 = blob.subarray(0, SLOT_BYTES);
    expect(BigInt(hexlify(slot0.subarray(0, 32)))).toBe(3n * 65n);
    expect(BigInt(hexlify(slot0.subarray(32, 64)))).toBe(130n);
    expect(slot0[64]).toBe(0);
    const slot2 = blob.subarray(2 * SLOT_BYTES, 3 * SLOT_BYTES);
    expect(BigInt(hexlify(slot2.subarray(0, 32)))).toBe(3n * 65n + 130n);
    expect(decodeSignatureBlob(hexlify(blob), 3)).toEqual([long, ecdsa, short]);
  });

  it('sends a 65-byte signature with v = 0/1 to the tail byte for byte (ERC-1271 wallets may use that form)', () => {
    const sig = `0x${'22'.repeat(64)}01`;
    const blob = getBytes(encodeSignatureBlob([sig]));
    expect(blob.length).toBe(65 + 65);
    expect(hexlify(blob.subarray(65))).toBe(sig);
  });

  it('rejects empty input and blobs that are too short or point out of bounds', () => {
    expect(() => encodeSignatureBlob([])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => encodeSignatureBlob(['0x'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => encodeSignatureBlob(['nothex'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => decodeSignatureBlob(`0x${'00'.repeat(64)}`, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const bad = concat([`0x${'00'.repeat(31)}41`, `0x${'00'.repeat(31)}ff`, '0x00']);
    expect(() => decodeSignatureBlob(bad, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
