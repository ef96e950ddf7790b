import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreHost } from '../../main/app/core-host/host.ts';
import { startTestBridge, type TestBridge } from '../../main/bridge/index.ts';

let dir: string;
let core: CoreHost;
let bridge: TestBridge;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-bridge-'));
  const renderer = path.join(dir, 'renderer');
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  await writeFile(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  core = await CoreHost.start({ dataDir: path.join(dir, 'data'), scryptN: 1024 });
  bridge = await startTestBridge({
    core,
    rendererDir: renderer,
    ports: { pickPaths: async () => [], saveReport: async () => null, openExternal: async () => undefined },
  });
});

afterAll(async () => {
  await bridge.close();
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const u = new URL(bridge.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(u.port), method, path: pathname, headers: { host: u.host, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts `op` with a call id and drops the connection once 2 files are done, as a closed page would. */
function closeAfterTwoFiles(op: string, request: unknown, callId: string): Promise<void> {
  const u = new URL(bridge.origin);
  const body = JSON.stringify({ request, callId });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(u.port), method: 'POST', path: `/__bridge/call/${op}`, headers: { host: u.host, ...good() } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        if (/"filesDone":([2-9]|\d\d)/.test(text)) req.destroy();
        else if (text.includes('"outcome"')) reject(new Error(`${op} ended before any progress: ${text}`));
      });
    });
    req.on('close', () => resolve());
    req.on('error', () => resolve());
    req.end(body);
  });
}

const good = (): Record<string, string> => ({ origin: bridge.origin, authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' });

function outcomeOf(r: Raw): unknown {
  const last = r.body.trim().split('\n').at(-1) ?? '{}';
  return (JSON.parse(last) as { outcome: unknown }).outcome;
}

describe('test bridge', () => {
  it('binds 127.0.0.1 and serves the renderer with the CSP and its client script, never the token', async () => {
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await raw('GET', '/', {});
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.body).toContain('<script src="/__bridge/client.js"></script>');
    const client = await raw('GET', '/__bridge/client.js', {});
    expect(client.body).toContain('const OPERATION_LIST = ["status"');
    expect(client.body).not.toContain(bridge.token);
  });

  it('answers a call from its own origin with the token', async () => {
    const r = await raw('POST', '/__bridge/call/status', good(), JSON.stringify({ request: {} }));
    expect(r.status).toBe(200);
    expect(outcomeOf(r)).toMatchObject({ ok: true, value: { account: null, unlocked: false } });
  });

  it('refuses a request from a foreign origin, even with the token', async () => {
    const r = await raw('POST', '/__bridge/call/status', { ...good(), origin: 'http://evil.example' }, JSON.stringify({ request: {} }));
    expect(r.status).toBe(403);
    const cross = await raw('POST', '/__bridge/call/status', { ...good(), 'sec-fetch-site': 'cross-site' }, JSON.stringify({ request: {} }));
    expect(cross.status).toBe(403);
    const noOrigin = await raw('POST', '/__bridge/call/status', { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' }, JSON.stringify({ request: {} }));
    expect(noOrigin.status).toBe(403);
  });

  it('refuses a missing or wrong token', async () => {
    const { authorization: _a, ...noToken } = good();
    expect((await raw('POST', '/__bridge/call/status', noToken, '{}')).status).toBe(401);
    expect((await raw('POST', '/__bridge/call/status', { ...good(), authorization: 'Bearer nope' }, '{}')).status).toBe(401);
  });

  it('refuses another Host (DNS rebinding)', async () => {
    expect((await raw('GET', '/', { host: 'evil.example:80' })).status).toBe(421);
    expect((await raw('POST', '/__bridge/call/status', { ...good(), host: `localhost:${new URL(bridge.origin).port}` }, '{}')).status).toBe(421);
  });

  it('refuses malformed payloads and unknown operations', async () => {
    expect((await raw('POST', '/__bridge/call/status', good(), '{not json')).status).toBe(400);
    expect((await raw('POST', '/__bridge/call/status', { ...good(), 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect(outcomeOf(await raw('POST', '/__bridge/call/notarize', good(), JSON.stringify({ request: { inputs: 'x' } })))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(outcomeOf(await raw('POST', '/__bridge/call/evalCode', good(), JSON.stringify({ request: {} })))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(outcomeOf(await raw('POST', '/__bridge/call/verify', good(), JSON.stringify({ request: { inputs: ['a'], receipt: 'r' }, callId: '../../x' })))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await raw('GET', '/__bridge/call/status', good())).status).toBe(405);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await raw('GET', p, {});
      expect(r.body, p).not.toContain('secret');
    }
  });
});

describe('core worker through the bridge', () => {
  it('creates, locks and unlocks an account; a wrong passphrase is refused', async () => {
    const call = async (op: string, request: unknown): Promise<unknown> => outcomeOf(await raw('POST', `/__bridge/call/${op}`, good(), JSON.stringify({ request })));
    expect(await call('createAccount', { passphrase: 'correct horse battery' })).toMatchObject({ ok: true, value: { address: expect.stringMatching(/^0x/) } });
    expect(await call('createAccount', { passphrase: 'correct horse battery', remember: true })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_EXISTS' } });
    expect(await call('lock', {})).toEqual({ ok: true, value: { locked: true } });
    expect(await call('notarize', { inputs: [dir], title: 't' })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    expect(await call('unlock', { passphrase: 'wrong passphrase' })).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    expect(await call('unlock', { passphrase: 'correct horse battery', remember: true })).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_REFUSED' } });
    expect(await call('status', {})).toMatchObject({ ok: true, value: { unlocked: true } });
  });

  it('a notarization whose page goes away is listed by pendingJobs and finished by resumeJob, with progress', async () => {
    const call = async (op: string, request: unknown, callId?: string): Promise<unknown> => outcomeOf(await raw('POST', `/__bridge/call/${op}`, good(), JSON.stringify({ request, callId })));
    const data = path.join(dir, 'cohort');
    await mkdir(data, { recursive: true });
    for (let i = 0; i < 24; i++) await writeFile(path.join(data, `sample-${i}.bin`), randomBytes(256 * 1024));
    expect(await call('pendingJobs', {})).toEqual({ ok: true, value: [] });

    // The page closes half-way: the bridge cancels its call, the job stays.
    await closeAfterTwoFiles('notarize', { inputs: [data], title: 'Cohort' }, 'first-run');
    await expect.poll(async () => call('cancel', { callId: 'first-run' }), { timeout: 30_000 }).toEqual({ ok: true, value: { cancelled: false } });
    const listed = (await call('pendingJobs', {})) as { ok: true; value: Array<{ id: string; updatedAt: number }> };
    expect(listed.value).toHaveLength(1);
    const id = listed.value[0]?.id ?? '';
    expect(id).toMatch(/^[0-9a-f]{16}$/);

    expect(await call('resumeJob', { id: id.toUpperCase() === id ? 'not-a-job-id' : id.toUpperCase() })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('resumeJob', { id: id === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const r = await raw('POST', '/__bridge/call/resumeJob', good(), JSON.stringify({ request: { id }, callId: 'resume-1' }));
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l) as { progress?: { callId: string }; outcome?: unknown });
    expect(lines.filter((l) => l.progress !== undefined).length).toBeGreaterThan(0);
    expect(lines.every((l) => l.outcome !== undefined || l.progress?.callId === 'resume-1')).toBe(true);
    expect(outcomeOf(r)).toMatchObject({ ok: true, value: { fileCount: 24, local: true, warnings: expect.arrayContaining([expect.stringMatching(/resumed an unfinished job/)]) } });
    expect(await call('pendingJobs', {})).toEqual({ ok: true, value: [] });
    expect(await call('resumeJob', { id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 120_000);

  it('reviews inputs with warnings for empty files', async () => {
    const data = path.join(dir, 'review');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    await writeFile(path.join(data, 'a.csv'), 'x,y\n1,2\n');
    await writeFile(path.join(data, 'sub', 'empty.txt'), '');
    const r = outcomeOf(await raw('POST', '/__bridge/call/inspectInputs', good(), JSON.stringify({ request: { inputs: [data] } })));
    expect(r).toMatchObject({ ok: true, value: { fileCount: 2, totalBytes: 8, warnings: ['empty file sub/empty.txt'] } });
  });
});
