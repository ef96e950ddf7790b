/**
 * The unlocked session: the account passphrase, held only in the process hosting the
 * core (never sent back to the Electron main thread or the renderer), for the calls that
 * decrypt or sign.
 */
import { NotariumError } from '../../../shared/errors.ts';

export class PassphraseSession {
  #passphrase: string | null = null;

  get unlocked(): boolean {
    return this.#passphrase !== null;
  }

  set(passphrase: string): void {
    this.#passphrase = passphrase;
  }

  clear(): void {
    this.#passphrase = null;
  }

  /** The passphrase. @throws NotariumError('ACCOUNT_LOCKED') when the account is locked. */
  require(): string {
    if (this.#passphrase === null) throw new NotariumError('ACCOUNT_LOCKED', 'Unlock your account first (Settings → Account).');
    return this.#passphrase;
  }
}
