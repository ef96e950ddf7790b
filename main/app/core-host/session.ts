/**
 * The unlocked session: the account passphrase, held only in the process hosting the
 * core (never sent back to the Electron main thread or the renderer), for the calls that
 * decrypt or sign. It locks itself after `idleMs` without use (issue 6: idle auto-lock).
 *
 * Locking drops the only reference to the passphrase. JavaScript strings are immutable
 * and cannot be overwritten in place, so "wiping" is as far as JS allows: the string
 * becomes unreachable and is reclaimed by the next GC. Unlocked keys (wallet, identity)
 * are never cached here: each call unlocks, uses and drops them.
 */
import { NotariumError } from '../../../shared/errors.ts';

/** Idle time before the session locks itself, ms, when neither the caller nor managed settings say otherwise: 15 minutes. */
export const DEFAULT_IDLE_LOCK_MS = 15 * 60_000;

export interface PassphraseSessionOptions {
  /** Lock after this many ms without `set`/`require`/`touch`; 0 disables. Default {@link DEFAULT_IDLE_LOCK_MS}. */
  idleMs?: number;
  /** Called after an idle lock (e.g. to tell the UI). */
  onIdleLock?: () => void;
}

export class PassphraseSession {
  #passphrase: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #idleMs: number;
  readonly #onIdleLock: (() => void) | undefined;

  constructor(options: PassphraseSessionOptions = {}) {
    const idleMs = options.idleMs ?? DEFAULT_IDLE_LOCK_MS;
    if (!Number.isInteger(idleMs) || idleMs < 0) throw new NotariumError('INVALID_INPUT', `idleMs must be a non-negative integer, not ${idleMs}`);
    this.#idleMs = idleMs;
    this.#onIdleLock = options.onIdleLock;
  }

  get unlocked(): boolean {
    return this.#passphrase !== null;
  }

  /** Idle time before locking, ms (0: never). */
  get idleMs(): number {
    return this.#idleMs;
  }

  set(passphrase: string): void {
    this.#passphrase = passphrase;
    this.touch();
  }

  clear(): void {
    this.#passphrase = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Restarts the idle countdown (user activity); no effect when locked. */
  touch(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#passphrase === null || this.#idleMs === 0) return;
    this.#timer = setTimeout(() => {
      this.clear();
      this.#onIdleLock?.();
    }, this.#idleMs);
    // An unlocked session must not keep the worker (or a test) alive on its own.
    this.#timer.unref();
  }

  /** The passphrase; counts as activity. @throws NotariumError('ACCOUNT_LOCKED') when the account is locked. */
  require(): string {
    if (this.#passphrase === null) throw new NotariumError('ACCOUNT_LOCKED', 'Unlock your account first (Settings → Account).');
    this.touch();
    return this.#passphrase;
  }
}
