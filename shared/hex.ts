/** Small hex helpers on 0x-prefixed lowercase strings (no Node Buffer: shared/ is pure). */

const HEX32 = /^0x[0-9a-f]{64}$/;

/** True for a 0x-prefixed, lowercase, 32-byte hex string. */
export function isBytes32Hex(s: string): boolean {
  return HEX32.test(s);
}

/** Lowercase hex (no prefix) of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** `0x` + lowercase hex of `bytes`. */
export function to0x(bytes: Uint8Array): string {
  return `0x${toHex(bytes)}`;
}
