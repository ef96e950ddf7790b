import { describe, expect, it } from 'vitest';
import { mapLimit, mapWeighted } from '../../../main/core/notary/map-limit.ts';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

describe('bounded concurrency for the notary pipeline', () => {
  it('mapLimit keeps order and never exceeds the limit', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 4, 3, 2, 1, 0], 2, async (x) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
      return x * 2;
    });
    expect(out).toEqual([10, 8, 6, 4, 2, 0]);
    expect(peak).toBe(2);
  });

  it('mapWeighted overlaps light items but runs a heavy item only within the budget', async () => {
    const active = new Set<string>();
    const seen: string[][] = [];
    const items = ['a', 'b', 'c', 'BIG', 'd', 'e'];
    await mapWeighted(items, { limit: 4, budget: 100, weight: (x) => (x === 'BIG' ? 100 : 10) }, async (x) => {
      active.add(x);
      seen.push([...active]);
      await tick();
      active.delete(x);
    });
    expect(seen.some((s) => s.length >= 3)).toBe(true);
    for (const s of seen) if (s.includes('BIG')) expect(s).toEqual(['BIG']);
  });

  it('mapWeighted stops starting work once cancelled', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    const p = mapWeighted([1, 2, 3, 4, 5, 6], { limit: 1, budget: 10, weight: () => 1, signal: ac.signal }, async (x) => {
      started.push(x);
      if (x === 2) ac.abort();
      await tick();
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(started).toEqual([1, 2]);
  });
});
