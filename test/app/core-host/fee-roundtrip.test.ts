/**
 * The fee prompt across the real core worker (issue 4): on a non-devnet chain (lab-chain.ts,
 * EDR with chain id 4242 on 127.0.0.1) a notarization sends its fee quote on a progress event
 * and waits; declining through `confirmFee` sends nothing and leaves an unfinished anchoring,
 * which `resumeAnchor` finishes after the user accepts the new quote.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreHost } from '../../../main/app/core-host/host.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import type { FeeQuote, ProgressEvent } from '../../../shared/api/index.ts';
import { openLabChain, type LabChain } from '../../core/chain/lab-chain.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

let lab: LabChain;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let host: CoreHost;
let inputs: string;

beforeAll(async () => {
  lab = await openLabChain();
  tmp = await tempDir('notarium-fee-roundtrip-');
  const dataDir = path.join(tmp.dir, 'data');
  inputs = path.join(tmp.dir, 'inputs');
  await mkdir(inputs);
  await writeFile(path.join(inputs, 'a.csv'), 'id,value\n1,42\n');
  const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N, pollIntervalMs: 20 });
  try {
    const account = await n.init(TEST_PASSPHRASE);
    await lab.devnet.fund(account.address, parseEther('10'));
    await n.deployRegistry({ network: 'lab', chainId: lab.chainId, rpc: lab.server.url }, { passphrase: TEST_PASSPHRASE, confirmFee: () => true });
  } finally {
    await n.close();
  }
  host = await CoreHost.start({ dataDir, scryptN: TEST_SCRYPT_N, pollIntervalMs: 20, managedSettingsFile: path.join(tmp.dir, 'no-managed.json') });
  expect(await host.call('unlock', { passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: true });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await lab?.close();
  await tmp?.cleanup();
});

/** Answers the first fee quote of `callId` with `accept`, and keeps it. */
function answerQuotes(callId: string, accept: boolean): FeeQuote[] {
  const quotes: FeeQuote[] = [];
  const off = host.onProgress((e: ProgressEvent) => {
    if (e.callId !== callId || e.feeQuote === undefined) return;
    quotes.push(e.feeQuote);
    off();
    void host.call('confirmFee', { callId, accept });
  });
  return quotes;
}

describe('fee confirmation through the core worker', () => {
  it('a declined quote sends nothing and leaves the anchoring to resume; accepting the next quote anchors it', async () => {
    const declined = answerQuotes('notarize-1', false);
    const first = await host.call('notarize', { inputs: [inputs], title: 'Field study' }, 'notarize-1');
    expect(first).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(declined).toHaveLength(1);
    expect(declined[0]).toMatchObject({ network: 'lab', chainId: '4242', currency: 'ETH', affordable: true });
    expect(BigInt(declined[0]?.maxCostWei ?? '0')).toBeGreaterThan(0n);
    expect(declined[0]?.maxCost).toMatch(/^0\.\d+$/);

    const pending = await host.call('pendingAnchors', {});
    expect(pending).toMatchObject({ ok: true, value: [{ title: 'Field study', status: 'not-sent', chainId: '4242' }] });
    const root = (pending as { value: { root: string }[] }).value[0]?.root as string;

    const accepted = answerQuotes('resume-1', true);
    const resumed = await host.call('resumeAnchor', { root }, 'resume-1');
    expect(resumed).toMatchObject({ ok: true, value: { root, chainId: '4242', local: false } });
    expect(accepted).toHaveLength(1);
    expect(await host.call('pendingAnchors', {})).toEqual({ ok: true, value: [] });
  }, 60_000);

  it('without a call id nobody can answer, so the quote is declined rather than sent unasked', async () => {
    await writeFile(path.join(inputs, 'b.txt'), 'second version\n');
    expect(await host.call('notarize', { inputs: [inputs], title: 'No call id' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  }, 60_000);
});
