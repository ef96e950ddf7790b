/**
 * The core handlers of the desktop gaps, over real services and temp data folders: the
 * effective (managed) network and lab policy in `status`, setNetwork refused when the lab
 * fixes the network, account backup export and import, unfinished anchorings and
 * notarization jobs, and the fee prompt plumbing (asked only where fees are real, answered
 * through confirmFee).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FeePrompts, toFeeQuote } from '../../../main/app/core-host/fee-prompts.ts';
import { createCoreHandlers, type CoreState } from '../../../main/app/core-host/handlers.ts';
import { PassphraseSession } from '../../../main/app/core-host/session.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { dispatch, type CallContext, type FeeQuote, type OperationName, type Outcome, type RequestOf, type ResponseOf } from '../../../shared/api/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

interface Core {
  state: CoreState;
  asked: FeeQuote[];
  call<K extends OperationName>(op: K, req: RequestOf<K>, ctx?: CallContext): Promise<Outcome<ResponseOf<K>>>;
  ok<K extends OperationName>(op: K, req: RequestOf<K>, ctx?: CallContext): Promise<ResponseOf<K>>;
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
const opened: Core[] = [];
let fileNo = 0;

async function managedFile(policy: unknown, mode = 0o644): Promise<string> {
  const dir = path.join(tmp.dir, `etc-${fileNo++}`);
  await mkdir(dir, { mode: 0o755 });
  const file = path.join(dir, 'managed.json');
  await writeFile(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  await chmod(file, mode);
  return file;
}

async function openCore(name: string, managed?: string): Promise<Core> {
  const dataDir = path.join(tmp.dir, name);
  const asked: FeeQuote[] = [];
  const fees = new FeePrompts();
  const state: CoreState = {
    notarium: await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N, pollIntervalMs: 20, managedSettingsFile: managed ?? path.join(tmp.dir, 'no-managed.json') }),
    session: new PassphraseSession(),
    running: new Map(),
    reopen: async () => undefined,
    fees,
    askFee: (callId, quote, signal) => fees.ask(callId, quote, (q) => asked.push(q), signal),
  };
  const handlers = createCoreHandlers(state);
  const call = async <K extends OperationName>(op: K, req: RequestOf<K>, ctx: CallContext = {}): Promise<Outcome<ResponseOf<K>>> => (await dispatch(op, req, handlers, ctx)) as Outcome<ResponseOf<K>>;
  const core: Core = {
    state,
    asked,
    call,
    ok: async (op, req, ctx) => {
      const o = await call(op, req, ctx);
      if (!o.ok) throw new Error(`${op} failed: ${o.error.code} ${o.error.message}`);
      return o.value;
    },
  };
  opened.push(core);
  return core;
}

beforeAll(async () => {
  tmp = await tempDir('notarium-desktop-handlers-');
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.state.notarium.close();
});
afterAll(async () => {
  await tmp?.cleanup();
});

describe('managed (lab) settings through the core handlers', () => {
  const labNetwork = { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://lab.example.org', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };

  it('status reports the managed network, not settings.json, with the locked keys and policy', async () => {
    const dataDir = path.join(tmp.dir, 'lab-user');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ network: { name: 'base', chainId: 8453, rpcUrl: 'https://user.example.org', registry: '0x0000000000000000000000000000000000000001' } }));
    const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    const core = await openCore('lab-user', await managedFile({ network: labNetwork, allowPublicMode: false, defaultRecipients: [recipient] }));
    const status = await core.ok('status', {});
    expect(status.network).toEqual({ mode: 'rpc', name: 'sepolia', chainId: '11155111', rpcUrl: 'https://lab.example.org', registry: labNetwork.registry, local: false });
    expect(status.managed).toMatchObject({ status: 'applied', locked: ['network', 'allowPublicMode', 'defaultRecipients'], allowPublicMode: false, defaultRecipients: [recipient], warnings: [] });
  });

  it('setNetwork is refused with POLICY_DENIED when the lab fixes the network, and settings.json is untouched', async () => {
    const core = await openCore('lab-locked', await managedFile({ network: labNetwork }));
    const o = await core.call('setNetwork', { mode: 'devnet' });
    expect(o).toMatchObject({ ok: false, error: { code: 'POLICY_DENIED', message: expect.stringMatching(/lab/) } });
    await expect(readFile(path.join(tmp.dir, 'lab-locked', 'settings.json'), 'utf8')).rejects.toThrow();
  });

  it('a managed file others can write is refused, with a warning, and locks nothing', async () => {
    const core = await openCore('lab-refused', await managedFile({ network: labNetwork }, 0o666));
    const status = await core.ok('status', {});
    expect(status.managed.status).toBe('refused');
    expect(status.managed.locked).toEqual([]);
    expect(status.managed.warnings[0]).toMatch(/writable by group or others/);
    expect(status.network.mode).toBe('devnet');
  });

  it('an invalid managed file blocks anchoring, and says why', async () => {
    const core = await openCore('lab-invalid', await managedFile('{ not json'));
    const status = await core.ok('status', {});
    expect(status.managed.status).toBe('invalid');
    expect(status.managed.blockedReason).toMatch(/disabled until IT fixes it/);
  });
});

describe('account backup through the core handlers', () => {
  it('exports a backup of the unlocked account and restores it, unlocked, in another data folder', async () => {
    const a = await openCore('backup-a');
    const account = await a.ok('createAccount', { passphrase: TEST_PASSPHRASE });
    const out = path.join(tmp.dir, 'ada.backup.age');
    expect(await a.ok('exportAccount', { out, backupPassphrase: 'separate backup pass' })).toEqual({ path: out, address: account.address });
    expect(await a.call('exportAccount', { out })).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });

    const b = await openCore('backup-b');
    expect(await b.call('importAccount', { file: out, passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    expect(await b.ok('importAccount', { file: out, passphrase: TEST_PASSPHRASE, backupPassphrase: 'separate backup pass' })).toEqual(account);
    const status = await b.ok('status', {});
    expect(status.account?.address).toBe(account.address);
    expect(status.unlocked).toBe(true);
    expect(await b.call('importAccount', { file: out, passphrase: TEST_PASSPHRASE, backupPassphrase: 'separate backup pass' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_EXISTS' } });
  }, 60_000);

  it('export needs the account unlocked; import needs a readable file', async () => {
    const a = await openCore('backup-locked');
    await a.ok('createAccount', { passphrase: TEST_PASSPHRASE });
    await a.ok('lock', {});
    expect(await a.call('exportAccount', { out: path.join(tmp.dir, 'x.age') })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    const b = await openCore('backup-missing');
    expect(await b.call('importAccount', { file: path.join(tmp.dir, 'nope.age'), passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('fees and unfinished anchorings through the core handlers', () => {
  it('on the devnet nothing is asked, and nothing is left unfinished', async () => {
    const core = await openCore('devnet-fees');
    await core.ok('createAccount', { passphrase: TEST_PASSPHRASE });
    const folder = path.join(tmp.dir, 'devnet-data');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.csv'), 'x,y\n1,2\n');
    expect(core.state.notarium.feeConfirmationNeeded).toBe(false);
    const r = await core.ok('notarize', { inputs: [folder], title: 'Devnet' }, { callId: 'call-1' });
    expect(r.local).toBe(true);
    expect(core.asked).toEqual([]);
    expect(await core.ok('pendingAnchors', {})).toEqual([]);
    expect(await core.ok('confirmFee', { callId: 'call-1', accept: true })).toEqual({ answered: false });
    expect(await core.call('resumeAnchor', { root: `0x${'ab'.repeat(32)}` })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);
});

describe('unfinished notarization jobs through the core handlers', () => {
  async function stoppedJob(name: string): Promise<{ core: Core; folder: string }> {
    const core = await openCore(name);
    await core.ok('createAccount', { passphrase: TEST_PASSPHRASE });
    const folder = path.join(tmp.dir, `${name}-data`);
    await mkdir(folder);
    for (let i = 0; i < 6; i++) await writeFile(path.join(folder, `sample-${i}.bin`), randomBytes(64 * 1024));
    // Cancelled after a few files: the job journal stays, as after a kill or a full disk.
    const stop = new AbortController();
    const first = await core.call('notarize', { inputs: [folder], title: 'Cohort' }, { callId: 'first', signal: stop.signal, onProgress: (p) => void (p.filesDone >= 2 && stop.abort()) });
    expect(first).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    return { core, folder };
  }

  it('pendingJobs lists a stopped job by id and last write only; resumeJob finishes it with progress, once', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { core } = await stoppedJob('jobs-resume');
    const jobs = await core.ok('pendingJobs', {});
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(Object.keys(job ?? {}).sort()).toEqual(['id', 'updatedAt']);
    expect(job?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(job?.updatedAt).toBeGreaterThanOrEqual(before);
    expect(job?.updatedAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(await core.ok('listDatasets', {})).toEqual([]);

    const phases = new Set<string>();
    const r = await core.ok('resumeJob', { id: job?.id ?? '' }, { callId: 'resume-1', onProgress: (p) => void phases.add(p.phase) });
    expect(r).toMatchObject({ fileCount: 6, totalBytes: 6 * 64 * 1024, local: true, root: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(r.warnings.join('\n')).toMatch(/file\(s\) stored by an earlier run were reused/);
    expect(phases.has('encrypting')).toBe(true);
    expect(await readFile(r.receiptPath, 'utf8')).toContain(r.root);
    expect(await core.ok('pendingJobs', {})).toEqual([]);
    expect((await core.ok('listDatasets', {})).map((d) => d.root)).toEqual([r.root]);
    expect(await core.call('resumeJob', { id: job?.id ?? '' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);

  it('resumeJob takes the passphrase from the session: locked, nothing is done', async () => {
    const { core } = await stoppedJob('jobs-locked');
    const [job] = await core.ok('pendingJobs', {});
    await core.ok('lock', {});
    expect(await core.call('resumeJob', { id: job?.id ?? '' }, { callId: 'resume-locked' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    expect(await core.ok('pendingJobs', {})).toEqual([job]);
    expect(await core.ok('listDatasets', {})).toEqual([]);
  }, 60_000);

  it('an id that is not 16 hex digits is refused as INVALID_INPUT before anything runs', async () => {
    const { core } = await stoppedJob('jobs-bad-input');
    const jobs = await core.ok('pendingJobs', {});
    const id = jobs[0]?.id ?? '';
    for (const bad of [{ id: id.slice(1) }, { id: `${id}0` }, { id: 'ABCDEF0123456789' }, { id: `../${id.slice(3)}` }, { id: 1234 }, {}, { id, extra: true }]) {
      const o = await core.call('resumeJob', bad as never);
      expect(o, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await core.call('pendingJobs', { all: true } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Nothing was resumed: the same job is still there, no dataset was recorded.
    expect(await core.ok('pendingJobs', {})).toEqual(jobs);
    expect(await core.ok('listDatasets', {})).toEqual([]);
    // An id of the right form that is no job here: NOT_FOUND.
    expect(await core.call('resumeJob', { id: id === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);
});

describe('FeePrompts', () => {
  const estimate = {
    chainId: '11155111',
    from: '0x1234567890123456789012345678901234567890',
    to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    gasEstimate: 54_500n,
    gasLimit: 65_400n,
    type: 2 as const,
    baseFeePerGas: 1_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    maxFeePerGas: 3_000_000_000n,
    gasPrice: null,
    l1FeeWei: 0n,
    expectedCostWei: 109_000_000_000_000n,
    maxCostWei: 196_200_000_000_000n,
    balanceWei: 10n ** 18n,
  };
  const context = { action: 'Anchoring "Cohort"', network: 'sepolia', currency: 'ETH' };

  it('toFeeQuote gives every amount in wei as a decimal string and in ether', () => {
    const q = toFeeQuote(estimate, context);
    expect(q).toMatchObject({ gasEstimate: '54500', gasLimit: '65400', maxFeePerGas: '3000000000', gasPrice: null, maxCostWei: '196200000000000', maxCost: '0.0001962', expectedCost: '0.000109', balance: '1.0', affordable: true, currency: 'ETH' });
    expect(toFeeQuote({ ...estimate, balanceWei: 1n }, context).affordable).toBe(false);
  });

  it('waits for the answer of its call, and an abort declines', async () => {
    const prompts = new FeePrompts();
    const shown: FeeQuote[] = [];
    const quote = toFeeQuote(estimate, context);
    const accepted = prompts.ask('a', quote, (q) => shown.push(q));
    expect(shown).toEqual([quote]);
    expect(prompts.answer('other', true)).toBe(false);
    expect(prompts.answer('a', true)).toBe(true);
    expect(await accepted).toBe(true);
    expect(prompts.answer('a', true)).toBe(false);

    const controller = new AbortController();
    const aborted = prompts.ask('b', quote, () => undefined, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
    const closing = prompts.ask('c', quote, () => undefined);
    prompts.declineAll();
    expect(await closing).toBe(false);
  });
});
