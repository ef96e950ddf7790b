/**
 * LeafSpares, the cipher worker's store of leaf buffers handed back after they were
 * stored (file-seal.ts): exact sizes only, bounded, detached buffers refused.
 */
import { describe, expect, it } from 'vitest';
import { LeafSpares } from '../../../main/core/crypto/file-seal.ts';

describe('LeafSpares', () => {
  it('gives a kept buffer of exactly the size asked for, once, and a new one otherwise', () => {
    const spares = new LeafSpares(4);
    const kept = new ArrayBuffer(1024);
    new Uint8Array(kept).fill(7);
    spares.give(kept);
    expect(spares.take(512).buffer).not.toBe(kept);
    const reused = spares.take(1024);
    expect(reused.buffer).toBe(kept);
    // Old ciphertext is left in it: the sealer overwrites what it sends.
    expect(reused[0]).toBe(7);
    expect(spares.take(1024).buffer).not.toBe(kept);
  });

  it('keeps at most its bound and refuses detached (transferred) buffers', () => {
    const spares = new LeafSpares(2);
    const buffers = [new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(8)];
    for (const b of buffers) spares.give(b);
    const detached = new ArrayBuffer(8);
    structuredClone(detached, { transfer: [detached] });
    expect(detached.byteLength).toBe(0);
    spares.give(detached);
    const taken = [spares.take(8).buffer, spares.take(8).buffer, spares.take(8).buffer];
    expect(taken[0]).toBe(buffers[0]);
    expect(taken[1]).toBe(buffers[1]);
    expect(buffers).not.toContain(taken[2]);
    expect(spares.take(0).byteLength).toBe(0);
  });
});
