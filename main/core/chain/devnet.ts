/**
 * The embedded default chain: a local EVM devnet (Hardhat 3 / EDR) run in this process, whose
 * state survives restarts.
 *
 * EDR keeps state in memory and has no dump, so persistence is by replay (TOOLCHAIN.md, proven
 * exact): the folder holds
 *   genesis.json   the pinned genesis parameters (initialDate above all) and the genesis hash
 *   journal.jsonl  every state-changing request, in order, with its outcome and resulting head
 *   registry.json  the NotaryRegistry deployment
 *   lock.json      the single-writer lock (devnet-lock.ts) and, when served, the server URL
 * and `open` replays the journal into a fresh network, checking the head after every entry
 * (NotariumError 'DEVNET_REPLAY_MISMATCH' on any difference).
 *
 * Determinism rules the request gate enforces:
 * - every request that mines gets an explicit block timestamp (evm_setNextBlockTimestamp, from the
 *   wall clock, journaled with it), so replay reproduces block times without the clock;
 * - state-changing methods are serialised through one queue and journaled (reverted and failed
 *   ones too: a reverted transaction is still mined);
 * - methods whose effect replay cannot reproduce (snapshots, reset, interval mining, time
 *   offsets) are refused. Reads pass straight through.
 * Automining is on: a transaction is mined when sent; confirmations come from later blocks, which
 * `mine()` produces on demand.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserProvider, Network, Wallet, getAddress, keccak256, parseEther, toQuantity } from 'ethers';
import { createHardhatRuntimeEnvironment } from 'hardhat/hre';
import type { NetworkConnection } from 'hardhat/types/network';
import { NotariumError } from '../../../shared/errors.ts';
import { NOTARY_REGISTRY } from './artifacts.ts';
import { JournalWriter, readJournal } from './devnet-journal.ts';
import type { JournalEntry } from './devnet-journal.ts';
import { DevnetLock } from './devnet-lock.ts';
import { DEVNET_CHAIN_ID } from './networks.ts';
import { NotaryRegistryClient } from './registry.ts';

/** EIP-1193 request interface (what ethers' BrowserProvider and wallets' `window.ethereum` expose). */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
}

/** Pinned genesis parameters of a devnet folder. */
export interface DevnetGenesis {
  format: 'notarium-devnet/1';
  /**
   * Random identity of this devnet folder (two devnets created in the same second share a genesis
   * hash). Lets a client check that a published server serves *this* folder.
   */
  devnetId: string;
  chainId: number;
  hardfork: string;
  /** ISO 8601, whole seconds: the genesis block time. */
  initialDate: string;
  /** Gas, decimal string. */
  blockGasLimit: string;
  /** Wei, decimal string. */
  initialBaseFeePerGas: string;
  coinbase: string;
  /** Hash of block 0 when the devnet was created; checked on every open. */
  genesisHash: string;
  /** Informational: the Hardhat version that created the devnet. */
  createdWith: string;
}

/** Contents of registry.json. */
export interface DevnetRegistryRecord {
  address: string;
  txHash: string;
  blockNumber: number;
  /** keccak256 of the creation bytecode deployed; a new artifact triggers a new deployment. */
  bytecodeHash: string;
}

/** Options of `Devnet.open`. */
export interface OpenDevnetOptions {
  /** The devnet folder, e.g. `<dataDir>/devnet`; created when missing. */
  dir: string;
  /** Genesis time of a new devnet (default: now). Ignored for an existing one (genesis.json wins). */
  initialDate?: Date;
  /** Unix seconds to stamp new blocks with (default: wall clock); kept monotonic by the devnet. */
  clock?: () => number;
  /** fsync the journal after each entry (default true). */
  durable?: boolean;
  /** Deploy NotaryRegistry if the folder has none (default true). */
  deployRegistry?: boolean;
}

/** A JSON-RPC error with a numeric code, as EIP-1193 providers throw them. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

const GENESIS_FILE = 'genesis.json';
const JOURNAL_FILE = 'journal.jsonl';
const REGISTRY_FILE = 'registry.json';

/** Requests journaled and replayed, in a single queue. */
const JOURNALED = new Set([
  'eth_sendRawTransaction', 'eth_sendTransaction', 'evm_mine', 'hardhat_mine',
  'hardhat_setBalance', 'hardhat_setCode', 'hardhat_setNonce', 'hardhat_setStorageAt', 'hardhat_setCoinbase',
  'hardhat_setPrevRandao', 'hardhat_setNextBlockBaseFeePerGas', 'hardhat_setMinGasPrice', 'evm_setBlockGasLimit',
  'hardhat_impersonateAccount', 'hardhat_stopImpersonatingAccount', 'hardhat_dropTransaction',
]);
/** Journaled requests that mine a block (automine): they get an explicit timestamp first. */
const MINING = new Set(['eth_sendRawTransaction', 'eth_sendTransaction', 'evm_mine', 'hardhat_mine']);
/** Harmless non-`eth_` methods passed through. */
const PASS_THROUGH = new Set(['hardhat_metadata', 'hardhat_getAutomine', 'hardhat_setLoggingEnabled']);
const PASS_THROUGH_PREFIXES = ['eth_', 'net_', 'web3_', 'debug_'];

/** Balance given to the throwaway key that deploys the registry, wei. */
const DEPLOYER_FUNDING = parseEther('1');

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function hardhatVersion(): string {
  try {
    return `hardhat ${(createRequire(import.meta.url)('hardhat/package.json') as { version: string }).version}`;
  } catch {
    return 'hardhat';
  }
}

function newGenesis(initialDate: Date): Omit<DevnetGenesis, 'genesisHash'> {
  return {
    format: 'notarium-devnet/1',
    devnetId: randomUUID(),
    chainId: Number(DEVNET_CHAIN_ID),
    hardfork: 'osaka',
    initialDate: new Date(Math.floor(initialDate.getTime() / 1000) * 1000).toISOString(),
    blockGasLimit: '60000000',
    initialBaseFeePerGas: '1000000000',
    coinbase: '0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e',
    createdWith: hardhatVersion(),
  };
}

async function connectEdr(genesis: Omit<DevnetGenesis, 'genesisHash'>): Promise<NetworkConnection> {
  // Hardhat wants a project root with a package.json; ours is the nearest one above this file.
  // Nothing is read from or written to it for an edr-simulated network.
  const hre = await createHardhatRuntimeEnvironment(
    {
      networks: {
        devnet: {
          type: 'edr-simulated',
          chainId: genesis.chainId,
          hardfork: genesis.hardfork,
          initialDate: genesis.initialDate,
          blockGasLimit: BigInt(genesis.blockGasLimit),
          initialBaseFeePerGas: BigInt(genesis.initialBaseFeePerGas),
          coinbase: genesis.coinbase,
          accounts: [],
          mining: { auto: true, interval: 0 },
          allowBlocksWithSameTimestamp: false,
          throwOnTransactionFailures: false,
          throwOnCallFailures: true,
          loggingEnabled: false,
          minGasPrice: 0n,
        },
      },
    },
    {},
    fileURLToPath(import.meta.url),
  );
  return await hre.network.connect({ network: 'devnet' });
}

interface Head {
  number: string;
  hash: string;
  timestamp: number;
}

function replayMismatch(message: string, details: Record<string, unknown>): NotariumError {
  return new NotariumError('DEVNET_REPLAY_MISMATCH', message, { details });
}

/** An open devnet. Create with `Devnet.open`; `close()` when done. */
export class Devnet {
  /** The devnet folder. */
  readonly dir: string;
  readonly chainId: bigint = DEVNET_CHAIN_ID;
  readonly genesis: DevnetGenesis;
  /** Journaled EIP-1193 provider: every client of the devnet goes through it. */
  readonly eip1193: Eip1193Provider;
  /** Journal entries replayed by `open`, and how long it took (ms). */
  readonly replay: { entries: number; ms: number };

  readonly #connection: NetworkConnection;
  readonly #journal: JournalWriter;
  readonly #lock: DevnetLock;
  readonly #clock: () => number;
  #tail: Promise<unknown> = Promise.resolve();
  #nextTimestamp: number | undefined;
  #broken: Error | undefined;
  #closed = false;
  #ethers: BrowserProvider | undefined;
  #registry: DevnetRegistryRecord | undefined;

  private constructor(init: {
    dir: string; genesis: DevnetGenesis; connection: NetworkConnection; journal: JournalWriter; lock: DevnetLock;
    clock: () => number; replay: { entries: number; ms: number }; registry: DevnetRegistryRecord | undefined;
  }) {
    this.dir = init.dir;
    this.genesis = init.genesis;
    this.#connection = init.connection;
    this.#journal = init.journal;
    this.#lock = init.lock;
    this.#clock = init.clock;
    this.replay = init.replay;
    this.#registry = init.registry;
    this.eip1193 = { request: (args) => this.request(args.method, Array.isArray(args.params) ? args.params : args.params === undefined ? [] : [args.params]) };
  }

  /**
   * Opens (creating if needed) the devnet in `options.dir`: takes the folder's lock, starts an
   * in-process EDR network from genesis.json, replays journal.jsonl and, unless disabled, makes
   * sure NotaryRegistry is deployed.
   * @throws NotariumError('DEVNET_LOCKED') when another live process holds the folder
   *   (details: pid, hostname, url — connect to `url` instead, see connectDevnet);
   *   NotariumError('DEVNET_REPLAY_MISMATCH') when the genesis or any replayed head differs from
   *   the recorded one (details: seq, expected, actual).
   */
  static async open(options: OpenDevnetOptions): Promise<Devnet> {
    const dir = options.dir;
    mkdirSync(dir, { recursive: true });
    const lock = DevnetLock.acquire(dir);
    if (!(lock instanceof DevnetLock)) {
      throw new NotariumError('DEVNET_LOCKED', `the devnet in ${dir} is in use by process ${lock.heldBy.pid}${lock.heldBy.url === null ? '' : ` (served at ${lock.heldBy.url})`}`, {
        details: { ...lock.heldBy },
      });
    }
    let connection: NetworkConnection | undefined;
    let journal: JournalWriter | undefined;
    try {
      const entries = readJournal(join(dir, JOURNAL_FILE));
      const recorded = readJson<DevnetGenesis>(join(dir, GENESIS_FILE));
      if (recorded === undefined && entries.length > 0) {
        throw replayMismatch(`${dir} has a journal but no ${GENESIS_FILE}`, { dir });
      }
      const params = recorded ?? newGenesis(options.initialDate ?? new Date());
      const edr = await connectEdr(params);
      connection = edr;
      const raw = (method: string, params: unknown[] = []): Promise<unknown> => edr.provider.request({ method, params });
      const genesisHash = ((await raw('eth_getBlockByNumber', ['0x0', false])) as { hash: string }).hash;
      if (recorded !== undefined && recorded.genesisHash !== genesisHash) {
        throw replayMismatch(`devnet genesis differs from ${GENESIS_FILE} (EDR changed?)`, { seq: 0, expected: recorded.genesisHash, actual: genesisHash });
      }
      const genesis: DevnetGenesis = recorded ?? { ...params, genesisHash };
      if (recorded === undefined) writeJsonAtomic(join(dir, GENESIS_FILE), genesis);

      const started = performance.now();
      for (const entry of entries) await replayEntry(raw, entry);
      const replay = { entries: entries.length, ms: Math.round(performance.now() - started) };

      journal = new JournalWriter(join(dir, JOURNAL_FILE), entries.length, options.durable ?? true);
      const devnet = new Devnet({
        dir, genesis, connection, journal, lock, replay,
        clock: options.clock ?? (() => Math.floor(Date.now() / 1000)),
        registry: readJson<DevnetRegistryRecord>(join(dir, REGISTRY_FILE)),
      });
      if (options.deployRegistry ?? true) await devnet.ensureRegistry();
      return devnet;
    } catch (e) {
      journal?.close();
      await connection?.close().catch(() => undefined);
      lock.release();
      throw e;
    }
  }

  /** The lock this devnet holds (serveDevnet publishes its URL there). */
  get lock(): DevnetLock {
    return this.#lock;
  }

  /** Number of journal entries (replayed + written since open). */
  get journalLength(): number {
    return this.#journal.lastSeq;
  }

  /** The NotaryRegistry deployment recorded in the folder, if any. */
  get registryRecord(): DevnetRegistryRecord | undefined {
    return this.#registry === undefined ? undefined : { ...this.#registry };
  }

  /**
   * An ethers provider over the journaled EIP-1193 provider (no response caching, 50 ms polling:
   * blocks appear on demand here). Created once; destroyed by `close()`.
   */
  get provider(): BrowserProvider {
    this.#ethers ??= new BrowserProvider(this.eip1193, Network.from(this.chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
    return this.#ethers;
  }

  /**
   * Executes one JSON-RPC request through the journal gate.
   * Besides the standard methods the devnet answers `notarium_devnetInfo` (chain id, devnet id,
   * genesis hash, registry address, journal length) and `notarium_fund` ([address, wei as 0x quantity]).
   * @throws RpcError(-32601) for refused or unknown methods; the node's own errors otherwise.
   */
  async request(method: string, params: unknown[] = []): Promise<unknown> {
    if (this.#closed) throw new RpcError(-32603, 'devnet is closed');
    if (method === 'notarium_devnetInfo') return this.#info();
    if (method === 'notarium_fund') {
      const [address, amount] = params as [string, string];
      await this.fund(address, BigInt(amount));
      return null;
    }
    if (method === 'evm_setNextBlockTimestamp') return await this.#exclusive(() => this.#setNextTimestamp(params));
    if (JOURNALED.has(method)) return await this.#exclusive(() => this.#journaled(method, params));
    if (PASS_THROUGH.has(method) || PASS_THROUGH_PREFIXES.some((p) => method.startsWith(p))) return await this.#raw(method, params);
    throw new RpcError(-32601, `${method} is not supported by the Notarium devnet (its effect could not be replayed after a restart)`);
  }

  /**
   * Adds `amountWei` to the balance of `address` (hardhat_setBalance) and mines a block so the
   * change is sealed in a block header. Journaled.
   * @throws NotariumError('INVALID_INPUT') for a bad address or a negative amount.
   */
  async fund(address: string, amountWei: bigint): Promise<void> {
    let account: string;
    try {
      account = getAddress(address);
    } catch (e) {
      throw new NotariumError('INVALID_INPUT', `not an address: ${address}`, { cause: e });
    }
    if (amountWei < 0n) throw new NotariumError('INVALID_INPUT', 'amount must not be negative');
    await this.#exclusive(async () => {
      const balance = BigInt((await this.#raw('eth_getBalance', [account, 'latest'])) as string);
      await this.#journaled('hardhat_setBalance', [account, toQuantity(balance + amountWei)]);
      await this.#journaled('evm_mine', []);
    });
  }

  /** Mines `blocks` empty blocks, one second apart (hardhat_mine). Journaled. */
  async mine(blocks = 1): Promise<void> {
    if (!Number.isSafeInteger(blocks) || blocks < 1) throw new NotariumError('INVALID_INPUT', `blocks must be a positive integer, got ${blocks}`);
    await this.#exclusive(() => this.#journaled('hardhat_mine', [toQuantity(blocks), '0x1']));
  }

  /**
   * Address of the devnet's NotaryRegistry, deploying it first when the folder has none or its
   * recorded deployment was made from another bytecode (registry.json records each deployment).
   * The deployer is a throwaway key funded for the purpose.
   */
  async ensureRegistry(): Promise<string> {
    const bytecodeHash = keccak256(NOTARY_REGISTRY.bytecode);
    const current = this.#registry;
    if (current !== undefined && current.bytecodeHash === bytecodeHash) {
      const code = (await this.#raw('eth_getCode', [current.address, 'latest'])) as string;
      if (code !== '0x') return current.address;
    }
    const deployer = Wallet.createRandom(this.provider);
    await this.fund(deployer.address, DEPLOYER_FUNDING);
    const { client, txHash, blockNumber } = await NotaryRegistryClient.deploy(deployer);
    this.#registry = { address: client.address, txHash, blockNumber, bytecodeHash };
    writeJsonAtomic(join(this.dir, REGISTRY_FILE), this.#registry);
    return client.address;
  }

  /** Waits for queued writes, stops the network and releases the folder. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#tail;
    this.#closed = true;
    this.#ethers?.destroy();
    this.#journal.close();
    await this.#connection.close();
    this.#lock.release();
  }

  #raw(method: string, params: unknown[]): Promise<unknown> {
    return this.#connection.provider.request({ method, params });
  }

  async #head(): Promise<Head> {
    const block = (await this.#raw('eth_getBlockByNumber', ['latest', false])) as { number: string; hash: string; timestamp: string };
    return { number: block.number, hash: block.hash, timestamp: Number(BigInt(block.timestamp)) };
  }

  #info(): Record<string, unknown> {
    return {
      chainId: toQuantity(this.chainId),
      devnetId: this.genesis.devnetId,
      genesisHash: this.genesis.genesisHash,
      registry: this.#registry?.address ?? null,
      journalLength: this.#journal.lastSeq,
    };
  }

  /** Runs `fn` after every earlier write, so journal order is execution order. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#broken !== undefined) throw new NotariumError('CHAIN_FAILED', `devnet journal failed earlier; reopen the devnet: ${this.#broken.message}`);
      if (this.#closed) throw new RpcError(-32603, 'devnet is closed');
      return fn();
    });
    this.#tail = run.then(() => undefined, () => undefined);
    return run;
  }

  async #setNextTimestamp(params: unknown[]): Promise<null> {
    const value = params[0];
    const timestamp = typeof value === 'string' ? Number(BigInt(value)) : Number(value);
    const head = await this.#head();
    if (!Number.isSafeInteger(timestamp) || timestamp <= head.timestamp) {
      throw new RpcError(-32602, `timestamp must be an integer above the latest block's (${head.timestamp})`);
    }
    // Not forwarded: the next mining request journals it as its own timestamp.
    this.#nextTimestamp = timestamp;
    return null;
  }

  /** Executes and journals one state-changing request. Call only inside #exclusive. */
  async #journaled(method: string, params: unknown[]): Promise<unknown> {
    let timestamp: number | undefined;
    const explicitTime = method === 'evm_mine' && params[0] !== undefined && params[0] !== null;
    if (MINING.has(method) && !explicitTime) {
      const head = await this.#head();
      timestamp = this.#nextTimestamp ?? Math.max(this.#clock(), head.timestamp + 1);
      this.#nextTimestamp = undefined;
      await this.#raw('evm_setNextBlockTimestamp', [timestamp]);
    }
    let result: unknown;
    let failure: unknown;
    let ok = true;
    try {
      result = await this.#raw(method, params);
    } catch (e) {
      ok = false;
      failure = e;
    }
    try {
      const head = await this.#head();
      this.#journal.append({ method, params, ...(timestamp === undefined ? {} : { timestamp }), ok, head: { number: head.number, hash: head.hash } });
    } catch (e) {
      // The network moved on but the journal did not: later writes would fork the state.
      this.#broken = e as Error;
      throw new NotariumError('CHAIN_FAILED', `devnet journal write failed: ${(e as Error).message}`, { cause: e });
    }
    if (!ok) throw failure;
    return result;
  }
}

async function replayEntry(raw: (method: string, params?: unknown[]) => Promise<unknown>, entry: JournalEntry): Promise<void> {
  if (entry.timestamp !== undefined) {
    try {
      await raw('evm_setNextBlockTimestamp', [entry.timestamp]);
    } catch (e) {
      throw replayMismatch(`journal entry ${entry.seq}: timestamp ${entry.timestamp} refused (${(e as Error).message})`, { seq: entry.seq });
    }
  }
  let ok = true;
  try {
    await raw(entry.method, entry.params);
  } catch {
    ok = false;
  }
  const head = (await raw('eth_getBlockByNumber', ['latest', false])) as { number: string; hash: string };
  if (ok !== entry.ok || head.number !== entry.head.number || head.hash !== entry.head.hash) {
    throw replayMismatch(`devnet replay diverged at journal entry ${entry.seq} (${entry.method})`, {
      seq: entry.seq,
      expected: { ok: entry.ok, ...entry.head },
      actual: { ok, number: head.number, hash: head.hash },
    });
  }
}
