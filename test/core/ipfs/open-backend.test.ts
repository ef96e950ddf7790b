/**
 * Choosing the IPFS backend in settings: the `ipfs` settings schema (defaults, the
 * pinning token refused in plain settings, https for the token, coherent combinations)
 * and openIpfsBackend opening the embedded node, Kubo (against a recorded exchange) or
 * either plus a pinning service whose token comes from a SecretStore or
 * NOTARIUM_PINNING_TOKEN, read anew for each request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EnvSecretStore, ipfsSettingsSchema, openIpfsBackend, PINNING_TOKEN_SECRET, RemotePinningBackend, type IpfsBackend, type SecretStore } from '../../../main/core/ipfs/index.ts';
import { fakePinningService, type FakePinningService } from './fake-pinning-service.ts';
import { replayServer, type ReplayServer } from './rpc-replay.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq';
const NETWORKED = { mode: 'peers', listen: ['/ip4/127.0.0.1/tcp/0'], peers: [] } as const;

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}

const opened: IpfsBackend[] = [];
const servers: Array<FakePinningService | ReplayServer> = [];

afterEach(async () => {
  for (const b of opened.splice(0)) await b.stop();
  for (const s of servers.splice(0)) await s.close();
  await removeAll();
});

function issues(value: unknown): string[] {
  const r = ipfsSettingsSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('ipfs settings schema', () => {
  it('defaults to the embedded node, offline', () => {
    expect(ipfsSettingsSchema.parse({})).toEqual({ backend: 'embedded' });
  });

  it('accepts the embedded node with peers, Kubo with a URL, and a pinning service over https', () => {
    expect(issues({ networking: { mode: 'peers', listen: ['/ip4/0.0.0.0/tcp/4001'], peers: [PEER], bootstrap: [PEER] } })).toEqual([]);
    expect(issues({ backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' } })).toEqual([]);
    expect(issues({ backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' }, pinningService: { endpoint: 'https://pins.example.org/psa' } })).toEqual([]);
  });

  it('refuses a pinning service token in settings.json and says where it belongs', () => {
    const found = issues({ backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' }, pinningService: { endpoint: 'https://pins.example.org/psa', token: 'abc' } });
    expect(found.join('\n')).toContain('NOTARIUM_PINNING_TOKEN');
    expect(found.join('\n')).toContain('keychain');
  });

  it('refuses a pinning service over plain http unless it is on this machine', () => {
    const base = { backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' } };
    expect(issues({ ...base, pinningService: { endpoint: 'http://pins.example.org/psa' } }).join()).toContain('https://');
    expect(issues({ ...base, pinningService: { endpoint: 'http://127.0.0.1:8080/psa' } })).toEqual([]);
  });

  it('refuses incoherent combinations: kubo without url, networking with kubo, a pinning service for an offline node', () => {
    expect(issues({ backend: 'kubo' }).join()).toContain('kubo.url');
    expect(issues({ backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' }, networking: NETWORKED }).join()).toContain('networking');
    expect(issues({ pinningService: { endpoint: 'https://pins.example.org/psa' } }).join()).toContain("mode: 'peers'");
  });

  it('refuses peers without /p2p/<peer id> and addresses that are not multiaddrs', () => {
    expect(issues({ networking: { mode: 'peers', listen: [], peers: ['/ip4/10.0.0.2/tcp/4001'] } }).join()).toContain('/p2p/');
    expect(issues({ networking: { mode: 'peers', listen: ['0.0.0.0:4001'], peers: [] } }).join()).toContain('multiaddr');
  });
});

describe('openIpfsBackend', () => {
  it('opens the embedded node offline by default', async () => {
    const backend = await openIpfsBackend({ folder: await tempFolder(), settings: ipfsSettingsSchema.parse({}), durability: 'none' });
    opened.push(backend);
    expect(backend.kind).toBe('helia');
    expect(await backend.addresses()).toEqual([]);
  });

  it('connects to Kubo when settings say so', async () => {
    const kubo = await replayServer([
      { name: 'version', request: { path: '/api/v0/version', query: {} }, response: { body: JSON.stringify({ Version: '0.38.1', Commit: '', Repo: '17', System: 'amd64/linux', Golang: 'go1.25' }) } },
    ]);
    servers.push(kubo);
    const backend = await openIpfsBackend({ folder: await tempFolder(), settings: ipfsSettingsSchema.parse({ backend: 'kubo', kubo: { url: kubo.url } }) });
    opened.push(backend);
    expect(backend.kind).toBe('kubo');
    expect(kubo.problems()).toEqual([]);
  });

  it('refuses a pinning service when no token is in the keychain or NOTARIUM_PINNING_TOKEN, before starting a node', async () => {
    const settings = ipfsSettingsSchema.parse({ networking: NETWORKED, pinningService: { endpoint: 'https://pins.example.org/psa' } });
    await expect(openIpfsBackend({ folder: await tempFolder(), settings, env: {} })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('NOTARIUM_PINNING_TOKEN') as unknown });
  });

  it('wraps the node for a pinning service, with the token from NOTARIUM_PINNING_TOKEN on the command line', async () => {
    const service = await fakePinningService('env-token');
    servers.push(service);
    const settings = ipfsSettingsSchema.parse({ networking: NETWORKED, pinningService: { endpoint: service.endpoint } });
    const backend = await openIpfsBackend({ folder: await tempFolder(), settings, env: { NOTARIUM_PINNING_TOKEN: 'env-token' }, durability: 'none' });
    opened.push(backend);
    expect(backend).toBeInstanceOf(RemotePinningBackend);
    const { cid } = await backend.addBytes(new TextEncoder().encode('to pin remotely'));
    await backend.pin(cid);
    expect(service.requests.map((r) => r.authorization)).toEqual(['Bearer env-token', 'Bearer env-token']);
  });

  it('reads the token from the SecretStore for every request, so a replaced token applies at once', async () => {
    const service = await fakePinningService('new-token');
    servers.push(service);
    const secrets = new MemorySecrets();
    await secrets.set(PINNING_TOKEN_SECRET, 'old-token');
    const settings = ipfsSettingsSchema.parse({ networking: NETWORKED, pinningService: { endpoint: service.endpoint } });
    const backend = await openIpfsBackend({ folder: await tempFolder(), settings, secrets, env: {}, durability: 'none' });
    opened.push(backend);
    const { cid } = await backend.addBytes(new TextEncoder().encode('rotated'));
    await expect(backend.pin(cid)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await secrets.set(PINNING_TOKEN_SECRET, 'new-token');
    await backend.pin(cid);
    expect(service.requests.at(-1)?.authorization).toBe('Bearer new-token');
  });

  it('EnvSecretStore reads NOTARIUM_PINNING_TOKEN and cannot be written', async () => {
    const store = new EnvSecretStore({ NOTARIUM_PINNING_TOKEN: 't0k3n' });
    expect(await store.get(PINNING_TOKEN_SECRET)).toBe('t0k3n');
    expect(await store.get('other')).toBeUndefined();
    await expect(store.set(PINNING_TOKEN_SECRET)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('NOTARIUM_PINNING_TOKEN') as unknown });
  });
});
