/**
 * KuboBackend against recorded Kubo RPC exchanges (no Kubo binary can be installed on
 * these machines). Each exchange is written from the Kubo RPC v0 reference
 * (docs.ipfs.tech/reference/kubo/rpc: request args, response bodies, HTTP status codes and
 * the `{"Message", "Code", "Type"}` error body) and replayed by a loopback server that
 * checks every request's path and query args. Proven: the profile's add options reach
 * Kubo as `cid-version=1&raw-leaves=true&chunker=size-1048576&max-file-links=1024`;
 * Kubo's answers are checked (CID of adds, bytes of cats, blocks); CAR import verifies
 * locally before uploading; errors map to stable codes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CarWriter } from '@ipld/car/writer';
import { CID } from 'multiformats/cid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cidOfStream, HeliaBackend, exportCar } from '../../../main/core/ipfs/index.ts';
import { compareVersions, KuboBackend } from '../../../main/core/ipfs/kubo-backend.ts';
import { multipartFile, replayServer, type RecordedExchange, type ReplayServer } from './rpc-replay.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const HELLO = 'hello world';
const HELLO_CID = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';
const PEER = '12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq';
const JSON_HEADERS = { 'content-type': 'application/json' };
// Kubo streams command output with these headers (errors mid-stream go in the trailer).
const STREAM_HEADERS = { 'content-type': 'application/json', 'x-chunked-output': '1', trailer: 'X-Stream-Error' };
const TEXT_HEADERS = { 'content-type': 'text/plain', 'x-stream-output': '1', trailer: 'X-Stream-Error' };

function kuboError(message: string, status = 500): RecordedExchange['response'] {
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ Message: message, Code: 0, Type: 'error' }) };
}

const VERSION_036: RecordedExchange = {
  name: 'version',
  request: { path: '/api/v0/version', query: {} },
  response: { headers: JSON_HEADERS, body: JSON.stringify({ Version: '0.36.0', Commit: '37b8411', Repo: '16', System: 'amd64/linux', Golang: 'go1.24.4' }) },
};

/** The query kubo-rpc-client sends for `add` with the unixfs-v1-2025 profile. */
const ADD_QUERY = {
  'stream-channels': 'true',
  'cid-version': '1',
  'raw-leaves': 'true',
  chunker: 'size-1048576',
  'max-file-links': '1024',
  pin: 'false',
  progress: 'false',
};

// kubo-rpc-client 7.1 also sends its own `paths` option as a query arg; go-ipfs-cmds
// ignores options a command does not define, and Kubo reads the CID from `arg`.
const PIN_LS_QUERY = { paths: HELLO_CID, type: 'recursive', names: 'false', stream: 'true', arg: HELLO_CID };

function addAnswer(cid: string, size: number): RecordedExchange['response'] {
  return { headers: STREAM_HEADERS, body: `${JSON.stringify({ Name: cid, Hash: cid, Size: String(size) })}\n` };
}

let server: ReplayServer;
let kubo: KuboBackend | undefined;

beforeEach(async () => {
  server = await replayServer();
});

afterEach(async () => {
  await kubo?.stop();
  kubo = undefined;
  await server.close();
  await removeAll();
});

async function connect(): Promise<KuboBackend> {
  server.expect(VERSION_036);
  kubo = await KuboBackend.connect(server.url);
  return kubo;
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe('KuboBackend connect', () => {
  it('asks /api/v0/version and accepts Kubo 0.36.0', async () => {
    const backend = await connect();
    expect(backend.kind).toBe('kubo');
    expect(backend.version).toBe('0.36.0');
    expect(server.problems()).toEqual([]);
  });

  it('refuses Kubo 0.34.1, which ignores max-file-links, with INVALID_INPUT', async () => {
    server.expect({ ...VERSION_036, response: { headers: JSON_HEADERS, body: JSON.stringify({ Version: '0.34.1', Commit: '', Repo: '16', System: 'amd64/linux', Golang: 'go1.24' }) } });
    await expect(KuboBackend.connect(server.url)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('0.35.0') as unknown });
  });

  it('reports an unreachable daemon as IPFS_FAILED naming the URL', async () => {
    const url = server.url;
    await server.close();
    server = await replayServer();
    await expect(KuboBackend.connect(url)).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining(`cannot reach the Kubo RPC API at ${url}`) as unknown });
  });

  it('compares versions numerically', () => {
    expect(compareVersions('0.100.0', '0.35.0')).toBeGreaterThan(0);
    expect(compareVersions('v0.35.0-rc1', '0.35.0')).toBe(0);
    expect(compareVersions('0.34.9', '0.35.0')).toBeLessThan(0);
  });
});

describe('KuboBackend add', () => {
  it('posts the content to /api/v0/add with the profile as query args and returns Kubo\'s CID once it matches', async () => {
    const backend = await connect();
    server.expect({ name: 'add hello', request: { path: '/api/v0/add', query: ADD_QUERY }, response: addAnswer(HELLO_CID, 11) });
    const { cid, size } = await backend.addBytes(new TextEncoder().encode(HELLO));
    expect(cid.toString()).toBe(HELLO_CID);
    expect(size).toBe(11);
    expect(server.problems()).toEqual([]);
    const request = server.seen.at(-1);
    expect(multipartFile(request?.body ?? Buffer.alloc(0), request?.headers['content-type']).toString()).toBe(HELLO);
  });

  it('streams a 2.5 MiB file and checks Kubo\'s dag-pb root against the local computation', async () => {
    const backend = await connect();
    const content = randomBytes(2.5 * 1_048_576);
    const expected = (await cidOfStream([content])).cid.toString();
    server.expect({ name: 'add 2.5 MiB', request: { path: '/api/v0/add', query: ADD_QUERY }, response: addAnswer(expected, content.length + 200) });
    async function* slices(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < content.length; i += 300_000) yield content.subarray(i, i + 300_000);
    }
    const { cid, size } = await backend.addStream(slices());
    expect(cid.toString()).toBe(expected);
    expect(size).toBe(content.length);
    const request = server.seen.at(-1);
    expect(multipartFile(request?.body ?? Buffer.alloc(0), request?.headers['content-type']).equals(content)).toBe(true);
  });

  it('fails with CID_MISMATCH when Kubo chunked the file another way (e.g. a CIDv0 default profile)', async () => {
    const backend = await connect();
    server.expect({ name: 'add, other profile', request: { path: '/api/v0/add', query: ADD_QUERY }, response: addAnswer('QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u', 19) });
    await expect(backend.addBytes(new TextEncoder().encode(HELLO))).rejects.toMatchObject({
      code: 'CID_MISMATCH',
      details: { kubo: 'QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u', expected: HELLO_CID },
    });
  });

  it('maps a Kubo 500 error body to IPFS_FAILED with Kubo\'s message', async () => {
    const backend = await connect();
    server.expect({ name: 'add, repo full', request: { path: '/api/v0/add', query: ADD_QUERY }, response: kuboError('write /data/ipfs/blocks/X: no space left on device') });
    await expect(backend.addBytes(new TextEncoder().encode(HELLO))).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('no space left on device') as unknown, details: { status: 500 } });
  });
});

describe('KuboBackend cat', () => {
  it('reads /api/v0/cat?arg=<cid> and checks the bytes against the CID', async () => {
    const backend = await connect();
    server.expect({ name: 'cat', request: { path: '/api/v0/cat', query: { arg: HELLO_CID } }, response: { headers: TEXT_HEADERS, body: HELLO } });
    expect((await readAll(backend.cat(CID.parse(HELLO_CID)))).toString()).toBe(HELLO);
    expect(server.problems()).toEqual([]);
  });

  it('fails with CID_MISMATCH when Kubo serves altered or truncated bytes', async () => {
    const backend = await connect();
    server.expect(
      { name: 'cat altered', request: { path: '/api/v0/cat', query: { arg: HELLO_CID } }, response: { headers: TEXT_HEADERS, body: 'hello World' } },
      { name: 'cat truncated', request: { path: '/api/v0/cat', query: { arg: HELLO_CID } }, response: { headers: TEXT_HEADERS, body: 'hello' } },
    );
    await expect(readAll(backend.cat(CID.parse(HELLO_CID)))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
    await expect(readAll(backend.cat(CID.parse(HELLO_CID)))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });

  it('passes offset and length for a range read', async () => {
    const backend = await connect();
    server.expect({ name: 'cat range', request: { path: '/api/v0/cat', query: { arg: HELLO_CID, offset: '6', length: '5' } }, response: { headers: TEXT_HEADERS, body: 'world' } });
    expect((await readAll(backend.cat(CID.parse(HELLO_CID), { offset: 6, length: 5 }))).toString()).toBe('world');
  });

  it('maps "not found" to NOT_FOUND', async () => {
    const backend = await connect();
    server.expect({ name: 'cat missing', request: { path: '/api/v0/cat', query: { arg: HELLO_CID } }, response: kuboError(`block was not found locally (offline): ipld: could not find ${HELLO_CID}`) });
    await expect(readAll(backend.cat(CID.parse(HELLO_CID)))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('KuboBackend pins and blocks', () => {
  it('pins recursively through /api/v0/pin/add and lists through /api/v0/pin/ls?type=recursive', async () => {
    const backend = await connect();
    server.expect(
      { name: 'pin add', request: { path: '/api/v0/pin/add', query: { arg: HELLO_CID, recursive: 'true', stream: 'true' } }, response: { headers: STREAM_HEADERS, body: `${JSON.stringify({ Pins: [HELLO_CID] })}\n` } },
      { name: 'pin ls', request: { path: '/api/v0/pin/ls', query: PIN_LS_QUERY }, response: { headers: STREAM_HEADERS, body: `${JSON.stringify({ Cid: HELLO_CID, Type: 'recursive' })}\n` } },
      { name: 'pin ls, not pinned', request: { path: '/api/v0/pin/ls', query: PIN_LS_QUERY }, response: kuboError(`path '/ipfs/${HELLO_CID}' is not pinned`) },
    );
    await backend.pin(CID.parse(HELLO_CID));
    expect(await backend.isPinned(CID.parse(HELLO_CID))).toBe(true);
    expect(await backend.isPinned(CID.parse(HELLO_CID))).toBe(false);
    expect(server.problems()).toEqual([]);
  });

  it('fails a pin Kubo does not confirm', async () => {
    const backend = await connect();
    server.expect({ name: 'pin add, wrong answer', request: { path: '/api/v0/pin/add', query: { arg: HELLO_CID, recursive: 'true', stream: 'true' } }, response: { headers: STREAM_HEADERS, body: `${JSON.stringify({ Pins: [] })}\n` } });
    await expect(backend.pin(CID.parse(HELLO_CID))).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });

  it('has() asks /api/v0/block/stat offline: true when present, false on "not found locally"', async () => {
    const backend = await connect();
    server.expect(
      { name: 'block stat', request: { path: '/api/v0/block/stat', query: { arg: HELLO_CID, offline: 'true' } }, response: { headers: JSON_HEADERS, body: JSON.stringify({ Key: HELLO_CID, Size: 11 }) } },
      { name: 'block stat, absent', request: { path: '/api/v0/block/stat', query: { arg: HELLO_CID, offline: 'true' } }, response: kuboError(`block was not found locally (offline): ipld: could not find ${HELLO_CID}`) },
    );
    expect(await backend.has(CID.parse(HELLO_CID))).toBe(true);
    expect(await backend.has(CID.parse(HELLO_CID))).toBe(false);
  });

  it('getBlock() reads /api/v0/block/get offline and rejects a block that does not hash to its CID', async () => {
    const backend = await connect();
    server.expect(
      { name: 'block get', request: { path: '/api/v0/block/get', query: { arg: HELLO_CID, offline: 'true' } }, response: { headers: TEXT_HEADERS, body: HELLO } },
      { name: 'block get, corrupt', request: { path: '/api/v0/block/get', query: { arg: HELLO_CID, offline: 'true' } }, response: { headers: TEXT_HEADERS, body: 'hello worle' } },
    );
    expect(new TextDecoder().decode(await backend.getBlock(CID.parse(HELLO_CID)))).toBe(HELLO);
    await expect(backend.getBlock(CID.parse(HELLO_CID))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });

  it('reports the daemon\'s addresses from /api/v0/id and connects through /api/v0/swarm/connect', async () => {
    const backend = await connect();
    const peerAddress = `/ip4/127.0.0.1/tcp/4101/p2p/${PEER}`;
    server.expect(
      {
        name: 'id',
        request: { path: '/api/v0/id', query: {} },
        response: {
          headers: JSON_HEADERS,
          body: JSON.stringify({ ID: PEER, PublicKey: 'CAESIBzCn8zxO/hssioj5lbGD1gPONX8CWuG2iliX0jB6Ytg', Addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, '/ip4/10.0.0.5/tcp/4001'], AgentVersion: 'kubo/0.36.0/', Protocols: ['/ipfs/bitswap/1.2.0'] }),
        },
      },
      { name: 'swarm connect', request: { path: '/api/v0/swarm/connect', query: { arg: peerAddress } }, response: { headers: JSON_HEADERS, body: JSON.stringify({ Strings: [`connect ${PEER} success`] }) } },
    );
    expect(await backend.addresses()).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, `/ip4/10.0.0.5/tcp/4001/p2p/${PEER}`]);
    await backend.connect([peerAddress]);
    expect(server.problems()).toEqual([]);
  });

  it('explains a 404 (endpoint missing) and a 403 (RPC refused)', async () => {
    const backend = await connect();
    server.expect(
      { name: 'pin ls, 404', request: { path: '/api/v0/pin/ls', query: PIN_LS_QUERY }, response: { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' } },
      { name: 'block stat, 403', request: { path: '/api/v0/block/stat', query: { arg: HELLO_CID, offline: 'true' } }, response: { status: 403, headers: { 'content-type': 'text/plain' }, body: '403 - Forbidden' } },
    );
    await expect(backend.isPinned(CID.parse(HELLO_CID))).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('upgrade Kubo') as unknown });
    await expect(backend.has(CID.parse(HELLO_CID))).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('API.Authorizations') as unknown });
  });
});

describe('KuboBackend importCar', () => {
  async function carOfTwoFiles(): Promise<{ file: string; roots: string[] }> {
    const helia = await HeliaBackend.open(await tempFolder(), { durability: 'none' });
    try {
      const roots = [(await helia.addBytes(randomBytes(1_500_000))).cid, (await helia.addBytes(new TextEncoder().encode(HELLO))).cid];
      const file = join(await tempFolder(), 'dataset.car');
      await exportCar(helia, roots, file);
      return { file, roots: roots.map(String) };
    } finally {
      await helia.stop();
    }
  }

  it('verifies the CAR, then uploads it to /api/v0/dag/import?pin-roots=true and checks every root came back pinned', async () => {
    const backend = await connect();
    const { file, roots } = await carOfTwoFiles();
    server.expect({
      name: 'dag import',
      request: { path: '/api/v0/dag/import', query: { 'pin-roots': 'true' } },
      response: { headers: STREAM_HEADERS, body: roots.map((cid) => JSON.stringify({ Root: { Cid: { '/': cid }, PinErrorMsg: '' } })).join('\n') + '\n' },
    });
    const result = await backend.importCar(file);
    expect(result.roots.map(String)).toEqual(roots);
    const request = server.seen.at(-1);
    expect(multipartFile(request?.body ?? Buffer.alloc(0), request?.headers['content-type']).equals(await readFile(file))).toBe(true);
    expect(server.problems()).toEqual([]);
  });

  it('never uploads an altered CAR: CID_MISMATCH before any request', async () => {
    const backend = await connect();
    const { file } = await carOfTwoFiles();
    const bytes = await readFile(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] as number) ^ 0xff;
    await writeFile(file, bytes);
    const before = server.seen.length;
    await expect(backend.importCar(file)).rejects.toMatchObject({ code: 'CID_MISMATCH' });
    expect(server.seen.length).toBe(before);
  });

  it('asks Kubo offline for blocks the CAR lacks, and refuses the import if Kubo lacks them too', async () => {
    const backend = await connect();
    const { cid } = await cidOfStream([randomBytes(2_000_000)]);
    // A CAR naming a root whose block it does not carry.
    const { writer, out } = CarWriter.create([cid]);
    const collected = readAll(out);
    await writer.close();
    const file = join(await tempFolder(), 'empty.car');
    await writeFile(file, await collected);
    server.expect({ name: 'block stat, absent root', request: { path: '/api/v0/block/stat', query: { arg: cid.toString(), offline: 'true' } }, response: kuboError(`block was not found locally (offline): ipld: could not find ${cid.toString()}`) });
    await expect(backend.importCar(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('incomplete') as unknown });
    expect(server.problems()).toEqual([]);
  });

  it('fails when Kubo reports a pin error for a root', async () => {
    const backend = await connect();
    const { file, roots } = await carOfTwoFiles();
    server.expect({
      name: 'dag import, pin error',
      request: { path: '/api/v0/dag/import', query: { 'pin-roots': 'true' } },
      response: { headers: STREAM_HEADERS, body: `${JSON.stringify({ Root: { Cid: { '/': roots[0] }, PinErrorMsg: 'pinning: context canceled' } })}\n` },
    });
    await expect(backend.importCar(file)).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('context canceled') as unknown });
  });
});
