/** Input normalization shared by the tables: one canonical spelling per value, so lookups match. */
import { getAddress } from 'ethers';

import { NotariumError } from '../../../shared/errors.ts';

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Lowercase bytes32; the schema CHECKs reject anything else. */
export function lowerHex(value: string): string {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** True when `value` looks like a bytes32 root (as opposed to a dataset UUID). */
export function isBytes32(value: string): boolean {
  return BYTES32.test(value);
}

/**
 * EIP-55 checksummed form of `address`.
 * @throws NotariumError('INVALID_INPUT') when it is not an address (or has a bad checksum).
 */
export function checksumAddress(address: string, field: string): string {
  try {
    return getAddress(address);
  } catch (cause) {
    throw new NotariumError('INVALID_INPUT', `${field} is not an Ethereum address: ${String(address)}`, { cause, details: { field } });
  }
}

/** Current time, unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
