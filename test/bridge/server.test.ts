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

  it('reviews inputs with warnings for empty files', async () => {
    const data = path.join(dir, 'review');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    await writeFile(path.join(data, 'a.csv'), 'x,y\n1,2\n');
    await writeFile(path.join(data, 'sub', 'empty.txt'), '');
    const r = outcomeOf(await raw('POST', '/__bridge/call/inspectInputs', good(), JSON.stringify({ request: { inputs: [data] } })));
    expect(r).toMatchObject({ ok: true, value: { fileCount: 2, totalBytes: 8, warnings: ['empty file sub/empty.txt'] } });
  });
});
