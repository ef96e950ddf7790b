import { describe, expect, it } from 'vitest';
import { ETA_AFTER_SECONDS, ProgressMeter } from '../../../main/core/notary/progress.ts';

describe('ProgressMeter', () => {
  it('gives no ETA during the first second, then one from the average rate', async () => {
    const meter = new ProgressMeter('encrypting', 2, 1_000_000);
    meter.bytes(1000);
    // A burst right at the start would otherwise extrapolate to an absurd estimate.
    expect(meter.snapshot().etaSeconds).toBeNull();
    await new Promise((r) => setTimeout(r, ETA_AFTER_SECONDS * 1000 + 50));
    meter.bytes(499_000);
    const p = meter.snapshot();
    expect(p.bytesDone).toBe(500_000);
    // Half done after ~1 s: about 1 s to go.
    expect(p.etaSeconds).not.toBeNull();
    expect(p.etaSeconds as number).toBeGreaterThan(0.5);
    expect(p.etaSeconds as number).toBeLessThan(2);
  });
});
