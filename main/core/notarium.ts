/**
 * Notarium's service container: one data folder's account, ledger, IPFS node, age cipher
 * pool and chain connection, opened lazily (verifying offline starts no IPFS node or
 * chain), and the main jobs on top of them. The CLI, the Electron IPC handlers and the
 * end-to-end test bridge all call this class; it never imports Electron.
 */
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './fs/durable-files.ts';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import { Contract, parseEther, type JsonRpcApiProvider } from 'ethers';
import { NotariumError, isNotariumError } from '../../shared/errors.ts';
import { cidRequestSchema, notarizeRequestSchema, parseRequest, retrieveRequestSchema, verifyRequestSchema, passphraseSchema, type CidRequest, type NotarizeRequest, type RetrieveRequest, type VerifyRequest } from '../../shared/api/schemas.ts';
import { NOTARIZATION_TYPES, ZERO_BYTES32, notaryDomain } from '../../shared/notary/typed-data.ts';
import { buildDatasetTree } from '../../shared/notary/leaf.ts';
import { parseReceipt, serializeReceipt, RECEIPT_FORMAT, RECEIPT_VERSION, type Receipt } from '../../shared/receipt/index.ts';
import { AccountStore, type AccountPublic } from './keys/index.ts';
import { Ledger, type DatasetRecord } from './ledger/index.ts';
// Heavy services (Helia, the EDR devnet, the WASM cipher pool) are imported on first use:
// `notarium verify --offline` or `notarium datasets` should start in a fraction of a second.
import type { IpfsBackend } from './ipfs/index.ts';
import type { AgeCipherPool } from './crypto/index.ts';
import type { DevnetConnection } from './chain/index.ts';
import type { ConsentService } from './consent/index.ts';
import { DataDirLayout, resolveDataDir } from './paths.ts';
import { readSettings, type Settings } from './settings.ts';
import { collectInputs } from './notary/inputs.ts';
import { prepareDataset } from './notary/prepare.ts';
import { ProgressMeter, type Progress } from './notary/progress.ts';
import { fetchManifest, restoreFiles, type ManifestLocation, type RetrieveResult } from './notary/retrieve.ts';
import { verifyFiles, type ChainCheck, type ChainVerifier, type VerifyReport } from './notary/verify.ts';
import type { CipherPort, StoragePort } from './notary/ports.ts';

export interface NotariumOptions {
  /** Data folder; default: NOTARIUM_DATA_DIR or the per-user app-data folder. */
  dataDir?: string;
  /** JSON-RPC endpoint to use instead of the embedded devnet / settings. */
  rpc?: string;
  env?: NodeJS.ProcessEnv;
  /** scrypt N for new accounts. Tests only: production uses the standard defaults. */
  scryptN?: number;
  /** Chain polling interval, ms (tests use a short one). */
  pollIntervalMs?: number;
}

/** An open chain: where anchors go and how to reach it. */
interface ChainContext {
  name: string;
  chainId: bigint;
  local: boolean;
  provider: JsonRpcApiProvider;
  registry: string;
  registryDeployBlock: number;
  devnet: DevnetConnection | null;
  close(): Promise<void>;
}

export interface NotarizeResult {
  datasetId: string;
  root: string;
  manifestDigest: string;
  receiptPath: string;
  fileCount: number;
  totalBytes: number;
  /** Plaintext bytes per second over hashing, encryption and storage. */
  bytesPerSecond: number;
  network: string;
  chainId: string;
  local: boolean;
  contract: string;
  txHash: string;
  blockNumber: number;
  /** unix seconds */
  blockTime: number;
  gasUsed: string;
  explorerUrl?: string;
  warnings: string[];
}

export interface NotarizeCallOptions {
  passphrase: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface DatasetSummary {
  id: string;
  title: string;
  root: string;
  status: DatasetRecord['status'];
  fileCount: number;
  totalBytes: number;
  createdAt: number;
  receiptPath: string | null;
}

/** ERC-1271 `isValidSignature` magic value (bytes4(keccak256("isValidSignature(bytes32,bytes)"))). */
const ERC1271_MAGIC = '0x1626ba7e';

/** Wei given to the local account on the embedded devnet when it runs low. */
const DEVNET_FUNDING = parseEther('10');

function slug(title: string): string {
  const s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return s === '' ? 'dataset' : s;
}

async function freePath(file: string): Promise<string> {
  const ext = '.notarium-receipt.json';
  const base = file.endsWith(ext) ? file.slice(0, -ext.length) : file;
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? file : `${base}-${i}${ext}`;
    if (!(await stat(candidate).then(() => true, () => false))) return candidate;
  }
}

export class Notarium {
  readonly layout: DataDirLayout;
  readonly #opts: NotariumOptions;
  readonly #accounts: AccountStore;
  #settings: Settings | undefined;
  #ledger: Ledger | undefined;
  #ipfs: Promise<IpfsBackend> | undefined;
  #pool: Promise<AgeCipherPool> | undefined;
  #chain: Promise<ChainContext> | undefined;
  #consent: ConsentService | undefined;

  private constructor(layout: DataDirLayout, opts: NotariumOptions) {
    this.layout = layout;
    this.#opts = opts;
    this.#accounts = new AccountStore(layout.keysDir);
  }

  /** Opens (creating if needed, mode 0700) the data folder. Nothing heavy starts here. */
  static async open(opts: NotariumOptions = {}): Promise<Notarium> {
    const dir = resolveDataDir({ ...(opts.dataDir === undefined ? {} : { flag: opts.dataDir }), env: opts.env ?? process.env });
    const layout = new DataDirLayout(dir);
    await layout.ensure();
    const n = new Notarium(layout, opts);
    n.#settings = await readSettings(layout.root);
    return n;
  }

  /** Releases every opened resource. Idempotent. */
  async close(): Promise<void> {
    const chain = this.#chain;
    const ipfs = this.#ipfs;
    const pool = this.#pool;
    this.#chain = this.#ipfs = this.#pool = undefined;
    await Promise.allSettled([chain?.then((c) => c.close()), ipfs?.then((i) => i.stop()), pool?.then((p) => p.close())]);
    this.#consent?.close();
    this.#consent = undefined;
    this.#ledger?.close();
    this.#ledger = undefined;
  }

  // ---- lazily opened services ------------------------------------------------------

  #ledgerDb(): Ledger {
    this.#ledger ??= Ledger.open(this.layout.ledgerFile);
    return this.#ledger;
  }

  #ipfsNode(): Promise<IpfsBackend> {
    this.#ipfs ??= import('./ipfs/index.ts').then(({ HeliaBackend }) => HeliaBackend.open(this.layout.ipfsDir));
    return this.#ipfs;
  }

  #cipherPool(): Promise<AgeCipherPool> {
    this.#pool ??= import('./crypto/index.ts').then(({ AgeCipherPool }) => AgeCipherPool.create());
    return this.#pool;
  }

  /** True when anchoring goes to the embedded devnet (no --rpc, no network in settings). */
  #usesDevnet(): boolean {
    return this.#opts.rpc === undefined && this.#settings?.network?.rpcUrl === undefined;
  }

  async #releaseCipherPool(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.then((p) => p.close()).catch(() => undefined);
  }

  #chainContext(): Promise<ChainContext> {
    this.#chain ??= this.#openChain();
    return this.#chain;
  }

  async #openChain(): Promise<ChainContext> {
    const { connectDevnet, connectRpc, networkByChainId } = await import('./chain/index.ts');
    const net = this.#settings?.network;
    const rpc = this.#opts.rpc ?? net?.rpcUrl;
    if (rpc !== undefined) {
      if (net?.chainId === undefined || net.registry === undefined) {
        throw new NotariumError('INVALID_INPUT', `To anchor through ${rpc}, set network.chainId and network.registry (the NotaryRegistry address) in ${path.join(this.layout.root, 'settings.json')}.`);
      }
      const provider = await connectRpc(rpc, net.chainId, { pollingIntervalMs: this.#opts.pollIntervalMs ?? 4000 });
      const preset = networkByChainId(net.chainId);
      return {
        name: preset?.name ?? net.name,
        chainId: BigInt(net.chainId),
        local: false,
        provider,
        registry: net.registry,
        registryDeployBlock: net.registryDeployBlock ?? 0,
        devnet: null,
        close: async () => provider.destroy(),
      };
    }
    const devnet = await connectDevnet({ dir: this.layout.devnetDir });
    return {
      name: 'devnet',
      chainId: devnet.chainId,
      local: true,
      provider: devnet.provider,
      registry: devnet.registry,
      registryDeployBlock: 0,
      devnet,
      close: () => devnet.close(),
    };
  }

  async #ports(pool: AgeCipherPool, ipfs: IpfsBackend): Promise<{ cipher: CipherPort; storage: StoragePort }> {
    const { encryptStream, decryptStream } = await import('./crypto/index.ts');
    return {
      cipher: {
        encrypt: (source, recipients) => encryptStream(source, recipients, pool),
        decrypt: (header, payload, identities) => decryptStream(header, payload, identities, pool),
      },
      storage: {
        addBytes: async (bytes) => (await ipfs.addBytes(bytes)).cid.toString(),
        addStream: async (source, signal) => (await ipfs.addStream(source, signal === undefined ? {} : { signal })).cid.toString(),
        pin: (cid) => ipfs.pin(CID.parse(cid)),
        cat: (cid, signal) => ipfs.cat(CID.parse(cid), signal === undefined ? {} : { signal }),
      },
    };
  }

  // ---- consent (issue 5, docs/CONSENT.md) ---------------------------------------------

  /**
   * The consent service of this data folder: its tables live in the same ledger file;
   * datasets are looked up in the ledger; eligible subsets and the audit log's head are
   * notarized through {@link Notarium.notarize}.
   */
  async consent(): Promise<ConsentService> {
    if (this.#consent === undefined) {
      const { ConsentService } = await import('./consent/index.ts');
      this.#ledgerDb(); // migrates the file before a second connection opens it
      this.#consent = ConsentService.open(this.layout.ledgerFile, {
        headFile: path.join(this.layout.root, 'consent-log-head.json'),
        datasets: { getDataset: (ref) => this.#ledgerDb().getDataset(ref), getFiles: (id) => this.#ledgerDb().getFiles(id) },
        notarize: (req, passphrase) => this.notarize({ inputs: req.inputs, title: req.title, ...(req.receiptOut === undefined ? {} : { receiptOut: req.receiptOut }) }, { passphrase }),
      });
    }
    return this.#consent;
  }

  /** Folder where `consent log anchor` writes the notarized head files. */
  get consentAnchorsDir(): string {
    return path.join(this.layout.root, 'consent-anchors');
  }

  // ---- account ---------------------------------------------------------------------

  /**
   * Creates the account (Ethereum keystore + age identity) under `passphrase`.
   * @throws NotariumError('ACCOUNT_EXISTS'), ('INVALID_INPUT') for a weak passphrase.
   */
  async init(passphrase: string): Promise<AccountPublic & { dataDir: string }> {
    const pass = parseRequest(passphraseSchema, passphrase);
    const acct = await this.#accounts.create(pass, this.#opts.scryptN === undefined ? {} : { scryptN: this.#opts.scryptN });
    return { ...acct, dataDir: this.layout.root };
  }

  /** Public account data. @throws NotariumError('ACCOUNT_MISSING'). */
  async account(): Promise<AccountPublic & { dataDir: string }> {
    return { ...(await this.#accounts.readPublic()), dataDir: this.layout.root };
  }

  // ---- notarize --------------------------------------------------------------------

  /**
   * The main job: hash, encrypt (age) to IPFS, build the manifest and Merkle root, sign
   * (EIP-712), anchor once on the chain, wait for confirmations, write the receipt.
   * The passphrase is checked before any work; the ledger records the dataset only once
   * every file is stored, so a failure or cancel leaves no dataset behind.
   * @throws NotariumError: 'INVALID_INPUT', 'WRONG_PASSPHRASE', 'ACCOUNT_MISSING', 'NOT_FOUND',
   *   'ALREADY_EXISTS' (this exact public dataset is already notarized), 'CANCELLED', chain/IPFS errors.
   */
  async notarize(input: NotarizeRequest, call: NotarizeCallOptions): Promise<NotarizeResult> {
    const req = parseRequest(notarizeRequestSchema, input);
    const { parseRecipient } = await import('./crypto/index.ts');
    for (const r of req.recipients) parseRecipient(r);
    const inputs = await collectInputs(req.inputs);
    const account = await this.#accounts.unlock(call.passphrase);
    // A remote chain is checked before hours of encryption (fail fast on a bad RPC or chain
    // id); the embedded devnet cannot fail that way and starts after the files are stored,
    // so its memory does not add to the encryption pipeline's peak.
    const early = this.#usesDevnet() ? null : await this.#chainContext();
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);

    const started = performance.now();
    const meter = new ProgressMeter('encrypting', inputs.files.length, inputs.totalBytes, call.onProgress);
    const author = { address: account.address, ...(req.authorName === undefined ? {} : { name: req.authorName }), ...(req.authorOrcid === undefined ? {} : { orcid: req.authorOrcid }) };
    const recipients = [...new Set([account.recipient, ...req.recipients])];
    const prepared = await prepareDataset({
      files: inputs.files,
      title: req.title,
      authors: [author],
      public: req.public,
      recipients,
      cipher,
      storage,
      meter,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
    const seconds = (performance.now() - started) / 1000;

    // The cipher workers are idle from here on: release them (~30 MiB) before the chain
    // starts, so the two never add up in the peak. They restart on demand.
    await this.#releaseCipherPool();
    const chain = early ?? (await this.#chainContext());
    const ledger = this.#ledgerDb();
    const existing = ledger.getDataset(prepared.root);
    if (existing !== undefined) {
      const receipt = ledger.latestReceipt(existing.id);
      throw new NotariumError('ALREADY_EXISTS', `This exact dataset is already notarized (root ${prepared.root})${receipt === undefined ? '' : `; its receipt: ${receipt.path}`}.`, { details: { root: prepared.root, datasetId: existing.id } });
    }

    const message = { root: prepared.root, manifestDigest: prepared.manifestDigest, title: req.title, authors: [account.address], supersedes: ZERO_BYTES32 };
    const signature = await account.wallet.signTypedData(notaryDomain(chain.chainId, chain.registry), NOTARIZATION_TYPES, message);

    const dataset = ledger.insertDataset({
      dataset: {
        title: req.title,
        root: prepared.root,
        manifestDigest: prepared.manifestDigest,
        manifestHeaderCid: prepared.manifestHeaderCid,
        manifestPayloadCid: prepared.manifestPayloadCid,
        public: req.public,
        status: 'pending',
        createdAt: prepared.manifest.createdAt,
      },
      files: prepared.manifest.files.map((f, i) => ({ leafIndex: i, ...f })),
      authors: [{ address: account.address, name: req.authorName ?? null, orcid: req.authorOrcid ?? null, signature }],
    });

    if (chain.devnet !== null && (await chain.provider.getBalance(account.address)) < DEVNET_FUNDING / 10n) {
      await chain.devnet.fund(account.address, DEVNET_FUNDING);
    }
    const { AnchorService, explorerTxUrl } = await import('./chain/index.ts');
    const anchors = new AnchorService({
      provider: chain.provider,
      chainId: chain.chainId,
      registry: chain.registry,
      store: ledger,
      registryDeployBlock: chain.registryDeployBlock,
      ...(chain.devnet === null ? {} : { mine: (n: number) => (chain.devnet as DevnetConnection).mine(n), pollIntervalMs: 50 }),
      ...(this.#opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#opts.pollIntervalMs }),
    });
    let anchored;
    try {
      anchored = await anchors.anchor(
        { root: prepared.root, manifestDigest: prepared.manifestDigest, title: req.title, authors: [account.address], signatures: [signature] },
        account.wallet.connect(chain.provider),
        { confirmations: req.confirmations, ...(call.signal === undefined ? {} : { signal: call.signal }) },
      );
    } catch (e) {
      if (!isNotariumError(e) || (e.code !== 'ANCHOR_PENDING' && e.code !== 'CANCELLED')) ledger.setDatasetStatus(dataset.id, 'failed');
      throw e;
    }
    const submitter = anchored.alreadyAnchored ? ((await this.#registrySubmitter(chain, prepared.root)) ?? account.address) : account.address;

    const receipt: Receipt = {
      format: RECEIPT_FORMAT,
      version: RECEIPT_VERSION,
      network: { name: chain.name, chainId: chain.chainId.toString(), local: chain.local },
      contract: anchored.contract,
      root: prepared.root,
      title: req.title,
      authors: [{ ...author, signature }],
      supersedes: ZERO_BYTES32,
      manifestDigest: prepared.manifestDigest,
      manifest: prepared.manifestText,
      storage: { manifestHeaderCid: prepared.manifestHeaderCid, manifestPayloadCid: prepared.manifestPayloadCid },
      anchor: { txHash: anchored.txHash, blockNumber: anchored.blockNumber, blockHash: anchored.blockHash, blockTime: anchored.blockTime, submitter },
      files: prepared.manifest.files.map((f, i) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: prepared.proofs[i] ?? [] })),
    };
    const text = serializeReceipt(receipt);
    const receiptPath = await freePath(path.resolve(req.receiptOut ?? path.join(inputs.baseDir, `${slug(req.title)}-${prepared.root.slice(2, 10)}.notarium-receipt.json`)));
    const bytes = new TextEncoder().encode(text);
    await writeFileAtomic(receiptPath, bytes, 'fsync');
    await writeFileAtomic(path.join(this.layout.receiptsDir, `${prepared.root}.json`), bytes, 'fsync');
    ledger.transaction(() => {
      ledger.recordAnchorConfirmed({ chainId: anchored.chainId, contract: anchored.contract, root: prepared.root, blockNumber: anchored.blockNumber, blockHash: anchored.blockHash, blockTime: anchored.blockTime, confirmations: anchored.confirmations });
      ledger.setDatasetStatus(dataset.id, 'anchored');
      ledger.addReceipt({ datasetId: dataset.id, path: receiptPath, json: text });
    });
    const explorer = chain.local ? null : explorerTxUrl(chain.chainId, anchored.txHash);
    return {
      datasetId: dataset.id,
      root: prepared.root,
      manifestDigest: prepared.manifestDigest,
      receiptPath,
      fileCount: inputs.files.length,
      totalBytes: inputs.totalBytes,
      bytesPerSecond: seconds > 0 ? inputs.totalBytes / seconds : 0,
      network: chain.name,
      chainId: chain.chainId.toString(),
      local: chain.local,
      contract: anchored.contract,
      txHash: anchored.txHash,
      blockNumber: anchored.blockNumber,
      blockTime: anchored.blockTime,
      gasUsed: anchored.gasUsed.toString(),
      ...(explorer === null ? {} : { explorerUrl: explorer }),
      warnings: inputs.warnings,
    };
  }

  async #registrySubmitter(chain: ChainContext, root: string): Promise<string | null> {
    const { NotaryRegistryClient } = await import('./chain/index.ts');
    const client = new NotaryRegistryClient(chain.registry, chain.provider);
    return (await client.anchorOf(root))?.submitter ?? null;
  }

  // ---- verify ----------------------------------------------------------------------

  /**
   * Verifies files against a receipt (docs/RECEIPT.md §3). Offline: no chain contact.
   * @throws NotariumError('INVALID_INPUT' | 'NOT_FOUND' | 'RECEIPT_INVALID'); failed checks are in the report.
   */
  async verify(input: VerifyRequest, onProgress?: (p: Progress) => void): Promise<VerifyReport> {
    const req = parseRequest(verifyRequestSchema, input);
    return verifyFiles({
      inputs: req.inputs,
      receiptPath: req.receipt,
      offline: req.offline,
      chain: this.#chainVerifier(req.rpc),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  }

  #chainVerifier(rpc: string | undefined): ChainVerifier {
    const chainModule = import('./chain/index.ts');
    const providerFor = async (receipt: Receipt): Promise<{ provider: JsonRpcApiProvider; close: () => Promise<void> } | null> => {
      const { connectRpc, DEVNET_CHAIN_ID } = await chainModule;
      const url = rpc ?? (this.#settings?.network?.chainId === Number(receipt.network.chainId) ? this.#settings.network.rpcUrl : undefined);
      if (url !== undefined) {
        const p = await connectRpc(url, receipt.network.chainId, { pollingIntervalMs: 1000 });
        return { provider: p, close: async () => p.destroy() };
      }
      if (receipt.network.local && BigInt(receipt.network.chainId) === DEVNET_CHAIN_ID) {
        return { provider: (await this.#chainContextForDevnet()).provider, close: async () => undefined };
      }
      return null;
    };
    return {
      isValidContractSignature: async (receipt, author, digest, signature) => {
        const conn = await providerFor(receipt);
        if (conn === null) return false;
        try {
          if ((await conn.provider.getCode(author, receipt.anchor.blockNumber)) === '0x') return false;
          const wallet = new Contract(author, ['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)'], conn.provider);
          const magic = (await wallet.getFunction('isValidSignature').staticCall(digest, signature, { blockTag: receipt.anchor.blockNumber })) as string;
          return magic.toLowerCase() === ERC1271_MAGIC;
        } finally {
          await conn.close();
        }
      },
      verifyAnchor: async (receipt: Receipt): Promise<ChainCheck> => {
        const fail = (code: string, message: string): ChainCheck => ({ check: { status: 'fail', code, message }, supersededBy: null });
        let provider: JsonRpcApiProvider;
        let close = async (): Promise<void> => undefined;
        try {
          const conn = await providerFor(receipt);
          if (conn !== null) {
            provider = conn.provider;
            close = conn.close;
          } else {
            const preset = (await chainModule).networkByChainId(receipt.network.chainId);
            return fail('CHAIN_FAILED', `No RPC endpoint configured for chain ${receipt.network.chainId} (${preset?.name ?? receipt.network.name}); pass --rpc <url>${preset?.publicRpcUrl ? ` (e.g. ${preset.publicRpcUrl})` : ''}, or --offline.`);
          }
        } catch (e) {
          return fail(isNotariumError(e) ? e.code : 'CHAIN_FAILED', `Cannot reach the chain: ${(e as Error).message}`);
        }
        try {
          const v = await (await chainModule).verifyAnchorOnChain(provider, {
            chainId: receipt.network.chainId,
            contract: receipt.contract,
            root: receipt.root,
            manifestDigest: receipt.manifestDigest,
            authors: receipt.authors.map((a) => a.address),
            txHash: receipt.anchor.txHash,
            blockNumber: receipt.anchor.blockNumber,
            title: receipt.title,
            supersedes: receipt.supersedes,
          });
          if (!v.ok) {
            const p = v.problems[0];
            return { check: { status: 'fail', code: p?.code ?? 'CHAIN_FAILED', message: v.problems.map((x) => x.message).join(' ') }, supersededBy: v.supersededBy };
          }
          if (v.blockHash !== receipt.anchor.blockHash || v.blockTime !== receipt.anchor.blockTime) {
            return { check: { status: 'fail', code: 'CHAIN_FAILED', message: `The chain has block ${receipt.anchor.blockNumber} with hash ${v.blockHash} at ${v.blockTime}, not the receipt's ${receipt.anchor.blockHash} at ${receipt.anchor.blockTime}.` }, supersededBy: v.supersededBy };
          }
          return {
            check: { status: 'pass', message: `Anchored by the registry ${receipt.contract} in block ${receipt.anchor.blockNumber} (${new Date(receipt.anchor.blockTime * 1000).toISOString()}), ${v.confirmations ?? 0} confirmation(s); the registry checked every author signature.` },
            supersededBy: v.supersededBy,
          };
        } finally {
          await close();
        }
      },
    };
  }

  /** The devnet of this data folder, for verifying local receipts (never the --rpc chain). */
  async #chainContextForDevnet(): Promise<ChainContext> {
    if (this.#opts.rpc === undefined && this.#settings?.network === undefined) return this.#chainContext();
    const { connectDevnet } = await import('./chain/index.ts');
    const devnet = await connectDevnet({ dir: this.layout.devnetDir });
    const prev = this.#chain;
    const ctx: ChainContext = { name: 'devnet', chainId: devnet.chainId, local: true, provider: devnet.provider, registry: devnet.registry, registryDeployBlock: 0, devnet, close: () => devnet.close() };
    this.#chain = Promise.resolve(ctx);
    await prev?.then((c) => c.close()).catch(() => undefined);
    return ctx;
  }

  // ---- retrieve --------------------------------------------------------------------

  /**
   * Restores a dataset from a receipt file, a dataset id or a root into `out`.
   * @throws NotariumError('NOT_FOUND'), ('WRONG_PASSPHRASE'), ('AGE_DECRYPT_FAILED'),
   *   ('UNSAFE_PATH'), ('HASH_MISMATCH'), ('INVALID_INPUT') for a non-empty `out`.
   */
  async retrieve(input: RetrieveRequest, call: NotarizeCallOptions): Promise<RetrieveResult> {
    const req = parseRequest(retrieveRequestSchema, input);
    let loc: ManifestLocation;
    let expectedRoot: string | undefined;
    const asFile = await readFile(path.resolve(req.source), 'utf8').then((t) => t, () => null);
    if (asFile !== null) {
      const receipt = parseReceipt(asFile);
      loc = { manifestHeaderCid: receipt.storage.manifestHeaderCid, manifestPayloadCid: receipt.storage.manifestPayloadCid, manifestDigest: receipt.manifestDigest };
      expectedRoot = receipt.root;
    } else {
      const ds = this.#ledgerDb().getDataset(req.source);
      if (ds === undefined) throw new NotariumError('NOT_FOUND', `No receipt file, dataset id or root ${req.source} found.`);
      loc = { manifestHeaderCid: ds.manifestHeaderCid, manifestPayloadCid: ds.manifestPayloadCid, manifestDigest: ds.manifestDigest };
      expectedRoot = ds.root;
    }
    // Consent gate (issue 5): a retrieval for a stated purpose is checked, and logged,
    // before anything is decrypted. DENY blocks; REVIEW needs a named override.
    if (req.purpose !== undefined) {
      const datasetId = this.#ledgerDb().getDataset(expectedRoot)?.id ?? expectedRoot;
      (await this.consent()).assertUseAllowed(datasetId, req.purpose, req.override, 'retrieve');
    }
    const account = await this.#accounts.unlock(call.passphrase);
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);
    const manifest = await fetchManifest(loc, [account.identity], cipher, storage);
    const { root } = buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256]));
    if (root !== expectedRoot) throw new NotariumError('HASH_MISMATCH', `The manifest's files give root ${root}, not the notarized ${expectedRoot}.`);
    const result = await restoreFiles(manifest, req.out, [account.identity], cipher, storage, call.onProgress);
    return { ...result, root };
  }

  // ---- misc ------------------------------------------------------------------------

  /** CIDs under the unixfs-v1-2025 profile, storing nothing (`ipfs add --only-hash …`). */
  async cid(input: CidRequest): Promise<{ file: string; cid: string; size: number }[]> {
    const req = parseRequest(cidRequestSchema, input);
    const out = [];
    for (const file of req.files) {
      const st = await stat(file).catch((e: unknown) => {
        throw new NotariumError('NOT_FOUND', `File not found: ${file}`, { cause: e });
      });
      if (!st.isFile()) throw new NotariumError('INVALID_INPUT', `${file} is not a regular file.`);
      const { cidOfFile } = await import('./ipfs/index.ts');
      const { cid, size } = await cidOfFile(file);
      out.push({ file, cid: cid.toString(), size });
    }
    return out;
  }

  /** Datasets in the local ledger, newest first. */
  datasets(): DatasetSummary[] {
    const ledger = this.#ledgerDb();
    return ledger.listDatasets().map((d) => ({
      id: d.id,
      title: d.title,
      root: d.root,
      status: d.status,
      fileCount: d.fileCount,
      totalBytes: d.totalBytes,
      createdAt: d.createdAt,
      receiptPath: ledger.latestReceipt(d.id)?.path ?? null,
    }));
  }

  /**
   * Serves this data folder's devnet as JSON-RPC on 127.0.0.1:`port`.
   * @throws NotariumError('INVALID_INPUT') when another process already runs this devnet.
   */
  async serveDevnet(port: number): Promise<{ url: string; chainId: string; contract: string; close: () => Promise<void> }> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new NotariumError('INVALID_INPUT', `Invalid port ${port}.`);
    const chain = await this.#chainContextForDevnet();
    const devnet = chain.devnet?.devnet ?? null;
    if (devnet === null) throw new NotariumError('INVALID_INPUT', 'This devnet is already run by another Notarium process; use its server.');
    const { serveDevnet } = await import('./chain/index.ts');
    const server = await serveDevnet(devnet, { port });
    return { url: server.url, chainId: chain.chainId.toString(), contract: chain.registry, close: () => server.close() };
  }
}
