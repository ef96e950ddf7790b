/**
 * Keeps garbage collection away from adds and pins in flight in this process, and from
 * what they added and have not pinned yet.
 *
 * Adds and pins are separate calls, and Helia skips writing a block it already has, so
 * neither a lock around each block write nor the files' modification times can tell
 * that an old unpinned block is about to be pinned again (a resumed job re-adding the same
 * bytes). The gate does: adds, pins and CAR imports run `shared`, any number at once
 * (nested too); `exclusive` (gc) starts when none runs and holds new ones back until it
 * ends. A root an add produced stays in `awaitingPin` until a pin of it succeeds, and gc
 * keeps its whole DAG.
 */
import type { CID } from 'multiformats/cid';

export class GcGate {
  #active = 0;
  #idle: Array<() => void> = [];
  #running: Promise<void> | undefined;
  readonly #awaitingPin = new Map<string, CID>();

  /** Runs `fn` as an add, pin or import: waits while a collection runs, never for another shared call. */
  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#running !== undefined) await this.#running;
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      if (this.#active === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** Runs `fn` (a collection) once no shared call runs and no other collection either; shared calls wait for it. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      while (this.#running !== undefined) await this.#running;
      if (this.#active === 0) break;
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    let done = (): void => undefined;
    this.#running = new Promise<void>((resolve) => (done = resolve));
    try {
      return await fn();
    } finally {
      this.#running = undefined;
      done();
    }
  }

  /** Records `root` as added by this process and not pinned yet. */
  added(root: CID): void {
    this.#awaitingPin.set(root.toString(), root);
  }

  /** `root` is pinned now: its blocks are the pins' to protect. */
  pinned(root: CID): void {
    this.#awaitingPin.delete(root.toString());
  }

  /** Roots added by this process and not pinned since. */
  awaitingPin(): CID[] {
    return [...this.#awaitingPin.values()];
  }
}
