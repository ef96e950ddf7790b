/**
 * The packed signature blob NotaryRegistry takes (contracts/README.md, "Signature blob"):
 * one 65-byte slot per author, in author order, then a tail.
 *
 *   slot = r (32) | s (32) | v (1)
 *   v = 27 | 28  ECDSA signature (tried with ecrecover, then offered as-is to ERC-1271)
 *   v = 0        ERC-1271 signature in the tail: r = byte offset from the blob start, s = byte length
 *
 * One blob instead of a `bytes[]` saves an offset and a length word per author in calldata, and
 * ECDSA entries need no parsing on-chain.
 */
import { concat, getBytes, hexlify, toBeHex, zeroPadValue } from 'ethers';
import { NotariumError } from '../../../shared/errors.ts';

/** Size of one slot, bytes. */
export const SLOT_BYTES = 65;

function isInlineEcdsa(signature: Uint8Array): boolean {
  return signature.length === SLOT_BYTES && (signature[64] === 27 || signature[64] === 28);
}

/**
 * Packs one signature per author.
 * @param signatures 0x hex, author order. 65 bytes with v = 27/28 go inline; anything else
 *   (another length, or v = 0/1) goes to the tail for the author's ERC-1271 `isValidSignature`,
 *   byte for byte. An EOA signature with v = 0/1 must therefore be normalised by the caller
 *   (ethers `Signature.from(sig).serialized`).
 * @returns the blob, 0x hex.
 * @throws NotariumError('INVALID_INPUT') for an empty list, non-hex input or an empty signature.
 */
export function encodeSignatureBlob(signatures: readonly string[]): string {
  if (signatures.length === 0) throw new NotariumError('INVALID_INPUT', 'at least one signature is required');
  const decoded = signatures.map((sig, index) => {
    let bytes: Uint8Array;
    try {
      bytes = getBytes(sig);
    } catch (e) {
      throw new NotariumError('INVALID_INPUT', `signature ${index} is not 0x hex`, { details: { index }, cause: e });
    }
    if (bytes.length === 0) throw new NotariumError('INVALID_INPUT', `signature ${index} is empty`, { details: { index } });
    return bytes;
  });
  const slots: Uint8Array[] = [];
  const tail: Uint8Array[] = [];
  let tailOffset = signatures.length * SLOT_BYTES;
  for (const bytes of decoded) {
    if (isInlineEcdsa(bytes)) {
      slots.push(bytes);
      continue;
    }
    slots.push(getBytes(concat([zeroPadValue(toBeHex(tailOffset), 32), zeroPadValue(toBeHex(bytes.length), 32), '0x00'])));
    tail.push(bytes);
    tailOffset += bytes.length;
  }
  return hexlify(concat([...slots, ...tail]));
}

/**
 * Unpacks a blob into per-author signatures (the inverse of encodeSignatureBlob, for checks and tools).
 * @throws NotariumError('INVALID_INPUT') when the blob is too short, a tail entry is out of bounds or a v is invalid.
 */
export function decodeSignatureBlob(blob: string, authorCount: number): string[] {
  const bytes = getBytes(blob);
  if (bytes.length < authorCount * SLOT_BYTES) {
    throw new NotariumError('INVALID_INPUT', `signature blob has ${bytes.length} bytes, needs at least ${authorCount * SLOT_BYTES}`);
  }
  const out: string[] = [];
  for (let i = 0; i < authorCount; i++) {
    const slot = bytes.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES);
    const v = slot[64];
    if (v === 27 || v === 28) {
      out.push(hexlify(slot));
    } else if (v === 0) {
      const start = BigInt(hexlify(slot.subarray(0, 32)));
      const length = BigInt(hexlify(slot.subarray(32, 64)));
      if (start < BigInt(authorCount * SLOT_BYTES) || start + length > BigInt(bytes.length)) {
        throw new NotariumError('INVALID_INPUT', `tail entry of signature ${i} is out of bounds`, { details: { index: i } });
      }
      out.push(hexlify(bytes.subarray(Number(start), Number(start + length))));
    } else {
      throw new NotariumError('INVALID_INPUT', `signature ${i} has v = ${v}`, { details: { index: i } });
    }
  }
  return out;
}
