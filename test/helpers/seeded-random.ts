/**
 * A replayable random source for tests that must be re-run exactly from a printed seed
 * (kill delays, file sizes, file contents). Not for secrets: it is deterministic by design.
 * Numbers come from SHA-256 over (seed, counter); bulk bytes from AES-256-CTR keyed by
 * SHA-256(seed, label), both from node:crypto.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** A fresh seed (16 hex digits) for a run that was not given one. */
export function newSeed(): string {
  return randomBytes(8).toString('hex');
}

export class SeededRandom {
  readonly seed: string;
  #counter = 0;
  #pool = Buffer.alloc(0);

  constructor(seed: string) {
    this.seed = seed;
  }

  /** A float uniform in [0, 1), 52 random bits. */
  next(): number {
    if (this.#pool.length < 8) {
      this.#pool = createHash('sha256').update(`${this.seed}/${this.#counter++}`).digest();
    }
    const hi = this.#pool.readUInt32BE(0) >>> 12;
    const lo = this.#pool.readUInt32BE(4);
    this.#pool = this.#pool.subarray(8);
    return (hi * 2 ** 32 + lo) / 2 ** 52;
  }

  /** An integer uniform in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /**
   * `length` pseudo-random bytes named by `label`: the same (seed, label) always gives the
   * same bytes, whatever else was drawn before.
   */
  bytes(label: string, length: number): Buffer {
    const key = createHash('sha256').update(`${this.seed}/bytes/${label}`).digest();
    const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
    return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
  }
}
