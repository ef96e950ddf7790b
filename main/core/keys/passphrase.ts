/**
 * Passphrase policy for account keys. The passphrase protects the Ethereum keystore and
 * the age identity through scrypt, so an offline attacker who copies the keys folder
 * can only guess it; a floor on length keeps trivial guesses out.
 */
import { NotariumError } from '../../../shared/errors.ts';

/** Minimum passphrase length, in Unicode code points. */
export const MIN_PASSPHRASE_LENGTH = 8;

/**
 * Canonical form of a passphrase. ethers NFKC-normalizes string passwords before
 * scrypt, age does not; normalizing once here makes both files open with the same
 * keystrokes whichever OS input method composed them.
 */
export function normalizePassphrase(passphrase: string): string {
  return passphrase.normalize('NFKC');
}

/**
 * Checks a passphrase chosen for a new account.
 *
 * @throws NotariumError('INVALID_INPUT') when empty or shorter than
 *   {@link MIN_PASSPHRASE_LENGTH} code points (after NFKC normalization).
 */
export function assertNewPassphrase(passphrase: string): void {
  assertNonEmptyPassphrase(passphrase);
  const length = [...normalizePassphrase(passphrase)].length;
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new NotariumError('INVALID_INPUT', `The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`, {
      details: { minLength: MIN_PASSPHRASE_LENGTH },
    });
  }
}

/**
 * Checks a passphrase given to unlock: only emptiness is refused, so an old account
 * keeps opening if the length policy changes.
 *
 * @throws NotariumError('INVALID_INPUT') when empty.
 */
export function assertNonEmptyPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new NotariumError('INVALID_INPUT', 'The passphrase must not be empty');
  }
}
