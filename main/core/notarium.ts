/**
 * Notarium's service container: one data folder's account, ledger, IPFS node, age cipher
 * pool and chain connection, opened lazily (verifying offline starts no IPFS node or
 * chain), and the main jobs on top of them. The CLI, the Electron IPC handlers and the
 * end-to-end test bridge all call this class; it never imports Electron.
 */
import { constants as fsConstants, existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import { copyFileAtomic, fileExists, writeFileAtomic } from './fs/durable-files.ts';
import { asDiskFull } from './fs/disk-full.ts';
import { assertOutputFileFree } from './fs/output-file.ts';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import { z } from 'zod';
import { getAddress, parseEther, recoverAddress, type JsonRpcApiProvider, type Wallet } from 'ethers';
import { NotariumError, isNotariumError } from '../../shared/errors.ts';
import { cidRequestSchema, draftRequestSchema, shareRequestSchema, type ShareRequest, notarizeRequestSchema, parseRequest, retrieveRequestSchema, verifyRequestSchema, passphraseSchema, type CidRequest, type DraftRequest, type NotarizeRequest, type RetrieveRequest, type VerifyRequest } from '../../shared/api/schemas.ts';
import { NOTARIZATION_TYPES, ZERO_BYTES32, notaryDomain } from '../../shared/notary/typed-data.ts';
import { datasetProver, datasetRoot } from '../../shared/notary/leaf.ts';
import { installNativeTreeHashing } from './crypto/tree-hashing.ts';
import { manifestDigest, parseManifest, type ManifestAuthor } from '../../shared/notary/manifest.ts';
import { SHARE_TICKET_FORMAT, parseShareJson, shareTicketSchema, type ShareTicket } from '../../shared/notary/share.ts';
import { DRAFT_FORMAT, SIGNATURE_FORMAT, draftDigest, draftMessage, draftSchema, parseDraft, parseSignatureFile, type Draft, type SignatureFile } from '../../shared/notary/draft.ts';
import { parseReceipt, RECEIPT_FORMAT, RECEIPT_VERSION, type Receipt, type ReceiptFile, type ReceiptStatement } from '../../shared/receipt/index.ts';
import { AccountStore, type AccountPublic } from './keys/index.ts';
import { Ledger, type DatasetRecord } from './ledger/index.ts';
// Heavy services (Helia, the EDR devnet, the WASM cipher pool) are imported on first use:
// `notarium verify --offline` or `notarium datasets` should start in a fraction of a second.
import type { GcResult, IpfsBackend } from './ipfs/index.ts';
import type { HeliaNetworking } from './ipfs/helia-backend.ts';
import type { SecretStore } from './ipfs/secret-store.ts';
import type { AgeCipherPool } from './crypto/index.ts';
import type { DevnetConnection, FeeConfirmation } from './chain/index.ts';
import type * as ChainIndex from './chain/index.ts';

type ChainModule = typeof ChainIndex;
import type { ConsentService } from './consent/index.ts';
import { FrugalHeap } from './heap.ts';
import { DataDirLayout, resolveDataDir } from './paths.ts';
import { readSettings, updateSettings, type Settings } from './settings.ts';
import { applyManagedSettings, assertNetworkAllowed, assertPublicModeAllowed, DEVNET_CHAIN_ID_NUMBER, loadManagedSettings, recipientsWithDefaults, type EffectiveSettings } from './managed-settings/index.ts';
import { collectInputs } from './notary/inputs.ts';
import { prepareDataset, type PreparedDataset } from './notary/prepare.ts';
import type { LargeString, ReceiptHead } from './notary/receipt-writer.ts';
import { ProgressMeter, type Progress } from './notary/progress.ts';
import { fetchManifestTable, restoreFiles, type ManifestLocation, type RetrieveResult } from './notary/retrieve.ts';
import { verifyFiles, type ChainCheck, type ChainVerifier, type VerifyReport } from './notary/verify.ts';
import type { CipherPort, StoragePort } from './notary/ports.ts';
import type { JobJournal, JobSpec } from './notary/job-journal.ts';

/** Why a LOCAL devnet receipt's anchor cannot be found from another data folder. */
const LOCAL_DEVNET_HINT = ' This receipt was anchored on a LOCAL devnet: only the data folder that made it holds that chain (run `notarium devnet` there and verify with --rpc).';

/** Receipts of this size (bytes) or more make verify a many-file job, run under the frugal heap (heap.ts). */
const RECEIPT_BYTES_FOR_FRUGAL_HEAP = 1024 * 1024;

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
  /** The age cipher worker module, where a bundler emits it (the desktop app); default next to the crypto service. */
  cipherWorkerUrl?: URL;
  /** Keychain for the IPFS pinning service token (the desktop app's safeStorage); default: environment (NOTARIUM_PINNING_TOKEN). */
  secrets?: SecretStore;
  /** The machine's managed settings file (main/core/managed-settings); default: the OS location. Tests inject a temp file. */
  managedSettingsFile?: string;
  /** Receipts larger than this (bytes) are kept as files only, not as ledger text; default 8 MiB. Tests lower it. */
  receiptInLedgerMaxBytes?: number;
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
  /** Native currency symbol, for fee quotes. */
  currency: string;
  /** OP Stack L1 fee oracle, or null. */
  l1FeeOracle: string | null;
  /** Fewest confirmations an anchor waits for here (settings, else the preset's default). */
  minConfirmations: number;
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
  /**
   * Asked with the node's fee quote before the anchoring transaction is signed; false stops
   * with CANCELLED, nothing sent (docs/CHAINS.md). Not asked on a local devnet: its ether is
   * minted by Notarium itself and worth nothing. Without it, a public-chain anchor is sent as quoted.
   */
  confirmFee?: FeeConfirmation;
}

/** An anchoring not finished yet (see Notarium.pendingAnchors). */
export interface PendingAnchoring {
  root: string;
  title: string;
  network: string;
  chainId: string;
  /** 'not-sent': nothing signed yet (fee declined, funds missing, ...); else the tracked transaction's state. */
  status: 'not-sent' | 'pending' | 'mined' | 'confirmed' | 'failed';
  txHash: string | null;
  receiptPath: string;
}

/** What `notarium deploy` did. */
export interface DeployRegistryResult {
  network: string;
  chainId: string;
  /** NotaryRegistry address, now in settings.json. */
  address: string;
  txHash: string;
  blockNumber: number;
  gasUsed: string;
  settingsPath: string;
  explorerUrl?: string;
  /** False when the deployment was signed by an earlier, interrupted run. */
  quoted: boolean;
}

/** What is kept in `<data-dir>/anchoring/<root>.json` from the moment an anchoring starts until its receipt is written. */
interface AnchoringJob {
  format: 'notarium-anchoring/1';
  draft: Draft;
  signatures: string[];
  receiptPath: string;
  confirmations: number;
}

/**
 * A draft as this process holds it: the manifest may be a LargeString made in pieces from
 * the packed file table (prepare.ts), never joined into one 36 MB string unless a caller
 * needs the Draft itself (wholeDraft).
 */
type WorkingDraft = Omit<Draft, 'manifest'> & { manifest: string | LargeString };

/** `draft` with its manifest as one string (joined from its pieces if need be). */
function wholeDraft(draft: WorkingDraft): Draft {
  return { ...draft, manifest: String(draft.manifest) };
}

/** What a draft asks its authors to sign, and who has (see Notarium.draftStatus). */
export interface DraftStatus {
  draftPath: string;
  title: string;
  root: string;
  /** EIP-712 digest every author signs. */
  digest: string;
  network: { name: string; chainId: string; local: boolean };
  contract: string;
  /** Root of the version this draft replaces, or null. */
  supersedes: string | null;
  fileCount: number;
  /** bytes */
  totalBytes: number;
  authors: (ManifestAuthor & { state: 'signed' | 'invalid' | 'missing' | 'submitter'; signatureFile: string | null; problem: string | null })[];
  /** Signature files that sign another draft, come from a non-author, or cannot be read. */
  problems: { file: string; message: string }[];
  /** Every author has signed, or is this account (which signs when it anchors). */
  complete: boolean;
  /** This account's address when it is one of the authors. */
  you: string | null;
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
  /** Confirmations recorded when the anchor was confirmed (null: not anchored). */
  confirmations: number | null;
  /** Root of a newer version notarized from this ledger, or null. */
  supersededBy: string | null;
}

/** @throws NotariumError('INVALID_INPUT') unless `dir` is an existing folder we can write to. */
/**
 * Receipts up to this size (bytes) are also kept as text in the ledger; larger ones (tens of
 * thousands of files) only as the file `<data-dir>/receipts/<root>.json`, with their SHA-256
 * in the ledger, so the ledger and the memory of whoever reads it stay small.
 */
const RECEIPT_IN_LEDGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Files (ledger rows) read at a time when a receipt is written: few enough that each page
 * dies young in V8's heap instead of being promoted to its old space as garbage.
 */
const LEDGER_PAGE_FILES = 64;


/** True if the job `spec` carries out `request` (same inputs, title, authors, mode, recipients, predecessor). */
function sameJobRequest(spec: JobSpec, request: Pick<JobSpec, 'kind' | 'inputs' | 'title' | 'authors' | 'public' | 'recipients' | 'supersedes'>): boolean {
  const key = (r: typeof request): string => JSON.stringify([r.kind, r.inputs, r.title, r.authors.map((a) => [a.address.toLowerCase(), a.name ?? null, a.orcid ?? null]), r.public, [...r.recipients].sort(), r.supersedes.toLowerCase()]);
  return key(spec) === key(request);
}

async function assertWritableFolder(dir: string, what: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (st === null || !st.isDirectory()) throw new NotariumError('INVALID_INPUT', `The ${what} folder ${dir} does not exist.`);
  await access(dir, fsConstants.W_OK).catch(() => {
    throw new NotariumError('INVALID_INPUT', `The ${what} folder ${dir} is not writable.`);
  });
}

/** Reads and parses a receipt file. @throws NotariumError('NOT_FOUND' | 'RECEIPT_INVALID'). */
async function readReceiptFile(file: string): Promise<Receipt> {
  const text = await readFile(path.resolve(file), 'utf8').catch((e: unknown) => {
    throw new NotariumError('NOT_FOUND', `Receipt not found: ${file}`, { cause: e });
  });
  return parseReceipt(text);
}

async function readDraft(file: string): Promise<Draft> {
  const text = await readFile(path.resolve(file), 'utf8').catch((e: unknown) => {
    throw new NotariumError('NOT_FOUND', `Draft not found: ${file}`, { cause: e });
  });
  const draft = parseDraft(text);
  // The draft is outside input: its manifest must be what its digest says.
  if (manifestDigest(draft.manifest) !== draft.manifestDigest) throw new NotariumError('INVALID_INPUT', 'The draft manifest does not match its manifest digest.');
  const manifest = parseManifest(draft.manifest);
  // What co-authors review and the chain records (title, authors in order, summary) must be
  // what the manifest says: a receipt that disagrees with its manifest never verifies.
  const differs: string[] = [];
  if (draft.title !== manifest.title) differs.push(`title ("${draft.title}" vs the manifest's "${manifest.title}")`);
  const author = (a: ManifestAuthor): string => `${a.address.toLowerCase()}|${a.name ?? ''}|${a.orcid ?? ''}`;
  const who = (list: readonly ManifestAuthor[]): string => list.map((a) => a.name ?? a.address).join(', ');
  if (draft.authors.map(author).join() !== manifest.authors.map(author).join()) differs.push(`authors (names, ORCID iDs or their order: ${who(draft.authors)} vs the manifest's ${who(manifest.authors)})`);
  const manifestBytes = manifest.files.reduce((n, f) => n + f.size, 0);
  if (draft.summary.fileCount !== manifest.files.length || draft.summary.totalBytes !== manifestBytes) {
    differs.push(`file count or total size (${draft.summary.fileCount} files, ${draft.summary.totalBytes} bytes vs the manifest's ${manifest.files.length} files, ${manifestBytes} bytes)`);
  }
  if (differs.length > 0) throw new NotariumError('INVALID_INPUT', `The draft does not match its manifest in: ${differs.join('; ')}. It was edited after it was made: make a new draft with \`notarium draft\`.`);
  if (datasetRoot(manifest.files.map((f) => [f.salt, f.sha256])) !== draft.root) throw new NotariumError('INVALID_INPUT', 'The draft root does not match its manifest.');
  return draft;
}

/** Wei given to the local account on the embedded devnet when it runs low. */
const DEVNET_FUNDING = parseEther('10');

function slug(title: string): string {
  const s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return s === '' ? 'dataset' : s;
}

async function freePath(file: string, ext = '.notarium-receipt.json'): Promise<string> {
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
  #effective: EffectiveSettings | undefined;
  #ledger: Ledger | undefined;
  #ipfs: Promise<IpfsBackend> | undefined;
  #pool: Promise<AgeCipherPool> | undefined;
  #chain: Promise<ChainContext> | undefined;
  #consent: ConsentService | undefined;
  /** The data folder was missing or empty at open: it is made on the first store (#makeDataFolder). */
  #folderUnmade = false;

  private constructor(layout: DataDirLayout, opts: NotariumOptions) {
    // Merkle trees of large datasets: Node's Keccak-256 where it has one (same trees).
    installNativeTreeHashing();
    this.layout = layout;
    this.#opts = opts;
    this.#accounts = new AccountStore(layout.keysDir);
  }

  /**
   * Opens the data folder. Nothing heavy starts here. A missing or empty folder is created
   * (mode 0700) only when something is first stored in it (`init`, the ledger, IPFS, the
   * devnet), so a command that fails first (e.g. ACCOUNT_MISSING) leaves nothing behind.
   */
  static async open(opts: NotariumOptions = {}): Promise<Notarium> {
    const dir = resolveDataDir({ ...(opts.dataDir === undefined ? {} : { flag: opts.dataDir }), env: opts.env ?? process.env });
    const layout = new DataDirLayout(dir);
    const st = await stat(layout.root).catch(() => null);
    if (st !== null && !st.isDirectory()) throw new NotariumError('INVALID_INPUT', `The data folder ${layout.root} is not a folder.`);
    const unused = await layout.isUnused();
    if (!unused) await layout.ensure();
    const n = new Notarium(layout, opts);
    n.#folderUnmade = unused;
    // Issue 6: the lab's managed settings win over settings.json, key section by section.
    n.#effective = applyManagedSettings(await readSettings(layout.root), await loadManagedSettings(opts.managedSettingsFile === undefined ? {} : { file: opts.managedSettingsFile }));
    n.#settings = n.#effective.settings;
    return n;
  }

  /** settings.json with the lab's managed settings over them: locked keys, policy, warnings about the managed file. */
  get effectiveSettings(): EffectiveSettings {
    return this.#effective as EffectiveSettings;
  }

  /**
   * Refuses anchoring on a chain the managed settings do not allow (default: where anchors
   * would go now, from settings, without connecting).
   * @throws NotariumError('POLICY_DENIED')
   */
  #assertAnchoringAllowed(chainId?: bigint, name?: string): void {
    const devnet = this.#usesDevnet();
    const id = chainId ?? (devnet ? BigInt(DEVNET_CHAIN_ID_NUMBER) : this.#settings?.network === undefined ? null : BigInt(this.#settings.network.chainId));
    if (id === null) return;
    assertNetworkAllowed(this.effectiveSettings.policy, id, name ?? (devnet ? 'the embedded devnet' : (this.#settings?.network?.name ?? 'this network')), this.effectiveSettings.managed.file);
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

  /** Creates the data folder's layout if open() found it missing or empty. */
  #makeDataFolder(): void {
    if (!this.#folderUnmade) return;
    this.layout.ensureSync();
    this.#folderUnmade = false;
  }

  /**
   * The ledger for reading: undefined for a data folder not made yet, which has none, and
   * reading does not make it (a lookup then finds nothing and a listing is empty).
   */
  #ledgerIfAny(): Ledger | undefined {
    return this.#folderUnmade && !existsSync(this.layout.ledgerFile) ? undefined : this.#ledgerDb();
  }

  /** The ledger's dataset by id or root (#ledgerIfAny: looking makes no data folder). */
  #findDataset(ref: string): DatasetRecord | undefined {
    return this.#ledgerIfAny()?.getDataset(ref);
  }

  #ledgerDb(): Ledger {
    if (this.#ledger === undefined) {
      this.#makeDataFolder();
      this.#ledger = Ledger.open(this.layout.ledgerFile);
    }
    return this.#ledger;
  }

  /** The IPFS backend chosen in settings (docs/IPFS.md); `networking` overrides the embedded node's. */
  #ipfsNode(networking?: HeliaNetworking): Promise<IpfsBackend> {
    if (this.#ipfs === undefined) this.#makeDataFolder();
    this.#ipfs ??= import('./ipfs/open-backend.ts').then(({ openIpfsBackend }) =>
      openIpfsBackend({ folder: this.layout.ipfsDir, settings: this.#settings?.ipfs, secrets: this.#opts.secrets, env: this.#opts.env ?? process.env, networking }),
    );
    return this.#ipfs;
  }

  #cipherPool(): Promise<AgeCipherPool> {
    this.#pool ??= import('./crypto/index.ts').then(({ AgeCipherPool }) => AgeCipherPool.create(this.#opts.cipherWorkerUrl === undefined ? {} : { workerUrl: this.#opts.cipherWorkerUrl }));
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
    const { connectDevnet, connectRpc, resolveNetwork, NETWORKS } = await import('./chain/index.ts');
    const net = this.#settings?.network;
    const rpc = this.#opts.rpc ?? net?.rpcUrl;
    if (rpc !== undefined) {
      if (net?.chainId === undefined || net.registry === undefined) {
        throw new NotariumError('INVALID_INPUT', `To anchor through ${rpc}, set network.chainId and network.registry (the NotaryRegistry address) in ${path.join(this.layout.root, 'settings.json')}, or deploy one: notarium deploy --network <name> --rpc <url>.`);
      }
      let preset;
      try {
        preset = resolveNetwork(net.name, net.chainId);
      } catch (e) {
        throw new NotariumError(isNotariumError(e) ? e.code : 'INVALID_INPUT', `${path.join(this.layout.root, 'settings.json')}: ${(e as Error).message}.`, { cause: e, ...(isNotariumError(e) && e.details !== undefined ? { details: e.details } : {}) });
      }
      const provider = await connectRpc(rpc, net.chainId, { pollingIntervalMs: this.#opts.pollIntervalMs ?? 4000 });
      return {
        name: preset.id === 'custom' ? net.name : preset.name,
        chainId: BigInt(net.chainId),
        // A devnet served over HTTP (`notarium devnet`) is still local: its receipts must say so.
        local: preset.local,
        provider,
        registry: net.registry,
        registryDeployBlock: net.registryDeployBlock ?? 0,
        devnet: null,
        currency: preset.currency,
        l1FeeOracle: preset.l1FeeOracle,
        minConfirmations: Math.max(1, net.confirmations ?? preset.defaultConfirmations),
        close: async () => provider.destroy(),
      };
    }
    this.#makeDataFolder();
    const devnet = await connectDevnet({ dir: this.layout.devnetDir });
    return {
      name: 'devnet',
      chainId: devnet.chainId,
      local: true,
      provider: devnet.provider,
      registry: devnet.registry,
      registryDeployBlock: 0,
      devnet,
      currency: NETWORKS.devnet.currency,
      l1FeeOracle: null,
      minConfirmations: 1,
      close: () => devnet.close(),
    };
  }

  /** The pipeline's ports over the services; `groupCommit`: adds and pins wait for `storage.commit()`. */
  async #ports(pool: AgeCipherPool, ipfs: IpfsBackend, options: { groupCommit?: boolean } = {}): Promise<{ cipher: CipherPort; storage: StoragePort }> {
    const [{ ageCipherPort }, { rememberLeafDigest, releaseWhenStored }, { ipfsStoragePort }] = await Promise.all([import('./notary/age-cipher-port.ts'), import('./ipfs/index.ts'), import('./notary/ipfs-storage-port.ts')]);
    const onLeaf = (bytes: Uint8Array, sha256: Uint8Array, release?: () => void): void => {
      rememberLeafDigest(bytes, sha256);
      if (release !== undefined) releaseWhenStored(bytes, release);
    };
    return {
      // Leaves cut at the store's chunk size are hashed by the cipher worker that seals
      // them, and go back to it once the embedded node has stored them.
      cipher: ageCipherPort(pool, { leafSize: ipfs.profile.chunkSize, onLeaf }),
      storage: ipfsStoragePort(ipfs, { ipfsDir: this.layout.ipfsDir, groupCommit: options.groupCommit === true }),
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
    this.#makeDataFolder();
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
    return this.#withFrugalHeap((heap) => this.#notarize(input, call, heap));
  }

  /**
   * Runs `job` under a frugal heap hold (heap.ts): many-file jobs keep it to their end, the
   * job releases it early (FrugalHeap.forFiles) when it turns out to cover few files.
   */
  async #withFrugalHeap<T>(job: (heap: FrugalHeap) => Promise<T>): Promise<T> {
    const heap = FrugalHeap.hold();
    try {
      return await job(heap);
    } finally {
      heap.release();
    }
  }

  async #notarize(input: NotarizeRequest, call: NotarizeCallOptions, heap: FrugalHeap): Promise<NotarizeResult> {
    const req = parseRequest(notarizeRequestSchema, input);
    if (req.receiptOut !== undefined) await assertWritableFolder(path.dirname(path.resolve(req.receiptOut)), 'receipt');
    // Unlock first: a wrong passphrase must fail before any work or write.
    const account = await this.#accounts.unlock(call.passphrase);
    const self = { address: getAddress(account.address), ...(req.authorName === undefined ? {} : { name: req.authorName }), ...(req.authorOrcid === undefined ? {} : { orcid: req.authorOrcid }) };
    const { JobJournal } = await import('./notary/job-journal.ts');
    const request = {
      kind: 'notarize' as const,
      inputs: req.inputs.map((i) => path.resolve(i)),
      title: req.title,
      authors: [self],
      public: req.public,
      recipients: req.recipients,
      supersedes: ZERO_BYTES32,
    };
    // The same request left unfinished (killed, disk full, chain down) is resumed, not redone.
    let journal = (await JobJournal.loadAll(this.#jobsDir, account.identity, account.recipient)).find((j) => sameJobRequest(j.spec, request));
    if (journal?.manifest !== undefined) {
      const root = journal.manifest.root;
      const done = await this.#completedNotarization(root, 'this notarization had already finished before the last run stopped; its receipt is unchanged');
      if (done !== undefined) {
        await journal.finish(root);
        return done;
      }
      if (await fileExists(this.#anchoringJobPath(root))) {
        const resumed = await this.resumeAnchor(root, { ...call, confirmations: req.confirmations });
        await journal.finish(root);
        return resumed;
      }
    }
    if (journal === undefined) {
      // The same command again on the same, unchanged files (e.g. after a kill between the
      // job's end and the process's exit) returns that notarization: never a second anchor.
      const finished = (await JobJournal.loadFinished(this.#jobsDir, account.identity)).filter((f) => sameJobRequest(f.spec, request));
      if (finished.length > 0) {
        const { inputsDigest } = await import('./notary/job-journal.ts');
        const digest = inputsDigest((await collectInputs(req.inputs)).files);
        for (const f of finished.filter((x) => x.inputsDigest === digest).sort((a, b) => b.finishedAt - a.finishedAt)) {
          const done = await this.#completedNotarization(f.root, `these files, unchanged, were notarized by the same command at ${new Date(f.finishedAt * 1000).toISOString()}: nothing was sent again; this is that notarization's receipt`);
          if (done !== undefined) return done;
        }
      }
    }
    const now = Math.floor(Date.now() / 1000);
    const reused = journal?.files.size ?? 0;
    // Created once the inputs passed their checks: bad input leaves nothing behind.
    const openJournal = async (): Promise<JobJournal> =>
      (journal ??= await JobJournal.create(
        this.#jobsDir,
        { ...request, createdAt: now, startedAt: now, confirmations: req.confirmations, ...(req.receiptOut === undefined ? {} : { receiptOut: path.resolve(req.receiptOut) }) },
        account.recipient,
      ));
    const drafted = await this.#prepareDraft({ ...request, inputs: req.inputs, journal: openJournal, heap }, call).catch(async (e: unknown) => {
      // Nothing left to resume: this exact (public) dataset is notarized already.
      if (isNotariumError(e) && e.code === 'ALREADY_EXISTS') await journal?.remove();
      throw e;
    });
    if (reused > 0) drafted.warnings.unshift(`resumed an unfinished job: ${reused} file(s) stored by an earlier run were reused, not encrypted again`);
    const signature = await account.wallet.signTypedData(notaryDomain(BigInt(drafted.draft.network.chainId), drafted.draft.contract), NOTARIZATION_TYPES, draftMessage(drafted.draft));
    const result = await this.#anchorDraft(drafted.draft, [signature], account.wallet, {
      confirmations: req.confirmations,
      ...(call.confirmFee === undefined ? {} : { confirmFee: call.confirmFee }),
      receiptPath: req.receiptOut ?? path.join(drafted.baseDir, `${slug(req.title)}-${drafted.draft.root.slice(2, 10)}.notarium-receipt.json`),
      proof: drafted.proof,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
    await (await openJournal()).finish(result.root);
    return { ...result, bytesPerSecond: drafted.bytesPerSecond, warnings: [...drafted.warnings, ...result.warnings] };
  }

  #keptReceiptPath(root: string): string {
    return path.join(this.layout.receiptsDir, `${root}.json`);
  }

  /**
   * The text of a ledger receipt row: from the ledger, or for a receipt too large to keep
   * there (RECEIPT_IN_LEDGER_MAX_BYTES) from the kept file, checked against its SHA-256.
   * @throws NotariumError('NOT_FOUND') if the kept file is gone, ('RECEIPT_INVALID') if it changed.
   */
  async #receiptText(row: { json: string; sha256: string }, root: string): Promise<string> {
    if (row.json !== '') return row.json;
    const file = this.#keptReceiptPath(root);
    const bytes = await readFile(file).catch((e: unknown) => {
      throw new NotariumError('NOT_FOUND', `The receipt of ${root} is kept in ${file}, which cannot be read: ${(e as Error).message}.`, { cause: e });
    });
    const { createHash } = await import('node:crypto');
    if (`0x${createHash('sha256').update(bytes).digest('hex')}` !== row.sha256) {
      throw new NotariumError('RECEIPT_INVALID', `${file} is not the receipt recorded in the ledger (its SHA-256 differs).`);
    }
    return bytes.toString('utf8');
  }

  get #jobsDir(): string {
    return path.join(this.layout.root, 'jobs');
  }

  /**
   * Unfinished notarization jobs in this data folder (killed, stopped by a full disk or an
   * error). Their journals are encrypted: this lists files only; running the same
   * `notarize` again (or `resumeJob`) continues one.
   */
  async pendingJobs(): Promise<Array<{ id: string; file: string; updatedAt: number }>> {
    const names = await readdir(this.#jobsDir).catch(() => [] as string[]);
    const out: Array<{ id: string; file: string; updatedAt: number }> = [];
    for (const name of names.filter((n) => /^[0-9a-f]{16}\.journal$/.test(n)).sort()) {
      const file = path.join(this.#jobsDir, name);
      const st = await stat(file).catch(() => null);
      if (st !== null) out.push({ id: name.slice(0, 16), file, updatedAt: Math.floor(st.mtimeMs / 1000) });
    }
    return out;
  }

  /**
   * Resumes the unfinished notarization job `id` (see pendingJobs) with its original
   * request: files already stored are reused, the anchor is sent at most once.
   * @throws NotariumError('NOT_FOUND') if no job `id` of this account is here; as notarize.
   */
  async resumeJob(id: string, call: NotarizeCallOptions): Promise<NotarizeResult> {
    const account = await this.#accounts.unlock(call.passphrase);
    const { JobJournal } = await import('./notary/job-journal.ts');
    const journal = (await JobJournal.loadAll(this.#jobsDir, account.identity, account.recipient)).find((j) => j.spec.id === id);
    if (journal === undefined) throw new NotariumError('NOT_FOUND', `No unfinished notarization job ${id} of this account here (see \`notarium pending\`).`);
    const spec = journal.spec;
    const me = spec.authors[0];
    return this.notarize(
      {
        inputs: spec.inputs,
        title: spec.title,
        public: spec.public,
        recipients: spec.recipients,
        confirmations: spec.confirmations,
        ...(me?.name === undefined ? {} : { authorName: me.name }),
        ...(me?.orcid === undefined ? {} : { authorOrcid: me.orcid }),
        ...(spec.receiptOut === undefined ? {} : { receiptOut: spec.receiptOut }),
      },
      call,
    );
  }

  /** The result of a notarization of `root` already anchored and recorded here, if any. */
  async #completedNotarization(root: string, warning: string): Promise<NotarizeResult | undefined> {
    const ledger = this.#ledgerDb();
    const ds = ledger.getDataset(root);
    if (ds === undefined || ds.status !== 'anchored') return undefined;
    const row = ledger.latestReceipt(ds.id);
    if (row === undefined) return undefined;
    // Anchored and its receipt recorded: an anchoring record still there is a leftover of a
    // kill between the ledger's commit and the record's removal (kill harness, seed 1ff758c240b98dac).
    await unlink(this.#anchoringJobPath(root)).catch(() => undefined);
    // From the ledger rows: the receipt itself may be ~200 MB (100,000 files).
    const anchor = row.anchor;
    if (anchor !== null) {
      return {
        datasetId: ds.id,
        root: ds.root,
        manifestDigest: ds.manifestDigest,
        receiptPath: row.path,
        fileCount: ds.fileCount,
        totalBytes: ds.totalBytes,
        bytesPerSecond: 0,
        network: anchor.network.name,
        chainId: anchor.network.chainId,
        local: anchor.network.local,
        contract: anchor.contract,
        txHash: anchor.txHash,
        blockNumber: anchor.blockNumber,
        blockTime: anchor.blockTime,
        gasUsed: '0',
        warnings: [warning],
      };
    }
    // A receipt recorded before the ledger kept its anchoring (schema v3) and too large to keep as text.
    const receipt = parseReceipt(await this.#receiptText(row, root));
    return {
      datasetId: ds.id,
      root: receipt.root,
      manifestDigest: receipt.manifestDigest,
      receiptPath: row.path,
      fileCount: receipt.files.length,
      totalBytes: receipt.files.reduce((sum, f) => sum + f.size, 0),
      bytesPerSecond: 0,
      network: receipt.network.name,
      chainId: receipt.network.chainId,
      local: receipt.network.local,
      contract: receipt.contract,
      txHash: receipt.anchor.txHash,
      blockNumber: receipt.anchor.blockNumber,
      blockTime: receipt.anchor.blockTime,
      gasUsed: '0',
      warnings: [warning],
    };
  }

  /**
   * Revocation for the future (docs/SHARING.md): re-encrypts a dataset under fresh file keys
   * for `recipients` (plus this account) only, with fresh salts, and notarizes it as a new
   * version that supersedes the old one on-chain. Ciphertext already fetched with old keys
   * stays readable: nothing can change that. The plaintext passes through a private
   * temporary folder in the data folder (mode 0700), removed afterwards.
   * A single-author dataset of this account is anchored at once; with co-authors, a draft
   * (with the supersession link) is written for them to sign, then `supersede` anchors it.
   * @throws NotariumError('NOT_FOUND') for an unknown or not yet anchored dataset, and the
   *   errors of retrieve and notarize.
   */
  async rekey(
    input: { dataset: string; recipients?: string[]; receiptOut?: string; draftOut?: string },
    call: NotarizeCallOptions & { confirmations?: number },
  ): Promise<{ kind: 'anchored'; result: NotarizeResult } | { kind: 'draft'; draftPath: string; draft: Draft }> {
    const recipients = input.recipients ?? [];
    const { parseRecipient } = await import('./crypto/index.ts');
    for (const r of recipients) parseRecipient(r);
    const ds = this.#findDataset((await this.#rootOfReceiptFile(input.dataset)) ?? input.dataset);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No dataset ${input.dataset} in this ledger (see \`notarium datasets\`).`);
    const ledger = this.#ledgerDb();
    const receiptRecord = ledger.latestReceipt(ds.id);
    if (receiptRecord === undefined) throw new NotariumError('NOT_FOUND', `Dataset ${input.dataset} is not anchored yet: nothing to supersede.`);
    const oldText = await this.#receiptText(receiptRecord, ds.root);
    const old = parseReceipt(oldText);
    if (ds.public) throw new NotariumError('INVALID_INPUT', 'A public (unsalted) dataset cannot be re-keyed as a new version: its root is fixed by its content. Notarize a salted copy instead.');
    const account = await this.#accounts.unlock(call.passphrase);
    const work = await mkdtemp(path.join(this.layout.root, 'rekey-'));
    try {
      const oldReceipt = path.join(work, 'old.notarium-receipt.json');
      await writeFileAtomic(oldReceipt, new TextEncoder().encode(oldText), 'none');
      const data = path.join(work, 'data');
      await this.retrieve({ source: oldReceipt, out: data }, { passphrase: call.passphrase, ...(call.onProgress === undefined ? {} : { onProgress: call.onProgress }) });
      const manifest = parseManifest(old.manifest);
      const authors = manifest.authors;
      const drafted = await this.#withFrugalHeap((heap) => this.#prepareDraft({ inputs: [data], title: old.title, authors, public: manifest.public, recipients, supersedes: old.root, heap }, call));
      const soleAuthor = authors.length === 1 && authors[0]?.address.toLowerCase() === account.address.toLowerCase();
      if (!soleAuthor) {
        const draftPath = await freePath(path.resolve(input.draftOut ?? `${slug(old.title)}-${drafted.draft.root.slice(2, 10)}.rekey.notarium-draft.json`), '.notarium-draft.json');
        await this.#writeDraftFile(draftPath, drafted.draft);
        return { kind: 'draft', draftPath, draft: wholeDraft(drafted.draft) };
      }
      const signature = await account.wallet.signTypedData(notaryDomain(BigInt(drafted.draft.network.chainId), drafted.draft.contract), NOTARIZATION_TYPES, draftMessage(drafted.draft));
      const result = await this.#anchorDraft(drafted.draft, [signature], account.wallet, {
        confirmations: call.confirmations ?? 1,
        ...(call.confirmFee === undefined ? {} : { confirmFee: call.confirmFee }),
        receiptPath: input.receiptOut ?? `${slug(old.title)}-${drafted.draft.root.slice(2, 10)}.notarium-receipt.json`,
        proof: drafted.proof,
        ...(call.signal === undefined ? {} : { signal: call.signal }),
      });
      return { kind: 'anchored', result: { ...result, bytesPerSecond: drafted.bytesPerSecond, warnings: [...drafted.warnings, ...result.warnings] } };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /**
   * Co-authoring step 1 (issue: co-authors): encrypts and stores the files exactly as
   * notarize does and writes a draft — root, manifest, title, authors, chain — that can be
   * e-mailed to co-authors. Needs no passphrase (only the public age recipient).
   * @throws NotariumError('INVALID_INPUT' | 'NOT_FOUND' | 'ACCOUNT_MISSING' | 'ALREADY_EXISTS' | 'RECEIPT_INVALID').
   */
  async draft(input: DraftRequest, call: Omit<NotarizeCallOptions, 'passphrase'> = {}): Promise<{ draftPath: string; draft: Draft; warnings: string[] }> {
    const req = parseRequest(draftRequestSchema, input);
    if (req.out !== undefined) await assertWritableFolder(path.dirname(path.resolve(req.out)), 'draft');
    const me = await this.#accounts.readPublic();
    let supersedes = ZERO_BYTES32;
    if (req.supersedes !== undefined) {
      const old = await readReceiptFile(req.supersedes);
      supersedes = old.root;
    }
    const authors = req.authors.length > 0 ? req.authors : [{ address: me.address }];
    const drafted = await this.#withFrugalHeap((heap) => this.#prepareDraft({ inputs: req.inputs, title: req.title, authors, public: req.public, recipients: req.recipients, supersedes, heap }, call));
    const draftPath = await freePath(path.resolve(req.out ?? path.join(drafted.baseDir, `${slug(req.title)}-${drafted.draft.root.slice(2, 10)}.notarium-draft.json`)), '.notarium-draft.json');
    await this.#writeDraftFile(draftPath, drafted.draft);
    return { draftPath, draft: wholeDraft(drafted.draft), warnings: drafted.warnings };
  }

  /** Writes `draft` as JSON (2-space indentation, then a newline), its manifest escaped in slices (receipt-writer.ts). */
  async #writeDraftFile(file: string, draft: WorkingDraft): Promise<void> {
    const { asLargeString, writeJsonFileAtomic } = await import('./notary/receipt-writer.ts');
    await writeJsonFileAtomic(file, { ...draft, manifest: asLargeString(draft.manifest) });
  }

  /**
   * Co-authoring step 2: the co-author reviews and signs a draft with their own key
   * (EIP-712, offline: no gas, no network). Writes a signature file next to the draft.
   * @throws NotariumError('INVALID_INPUT') for a malformed draft or when this account is not
   *   one of its authors; ('WRONG_PASSPHRASE').
   */
  async signDraft(draftFile: string, call: { passphrase: string; out?: string; asWallet?: string }): Promise<{ signaturePath: string; signer: string; digest: string; draft: Draft }> {
    const draft = await readDraft(draftFile);
    const account = await this.#accounts.unlock(call.passphrase);
    // `asWallet`: sign for a contract wallet (ERC-1271, e.g. a lab multisig) that accepts
    // this key's signature; the registry asks the wallet at anchoring.
    const signer = call.asWallet === undefined ? account.address : getAddress(call.asWallet);
    if (!draft.authors.some((a) => a.address.toLowerCase() === signer.toLowerCase())) {
      throw new NotariumError('INVALID_INPUT', `${signer === account.address ? 'Your account ' : 'The wallet '}${signer} is not an author of this draft (authors: ${draft.authors.map((a) => a.address).join(', ')}).`);
    }
    const digest = draftDigest(draft);
    const signature = await account.wallet.signTypedData(notaryDomain(BigInt(draft.network.chainId), draft.contract), NOTARIZATION_TYPES, draftMessage(draft));
    const file: SignatureFile = { format: SIGNATURE_FORMAT, version: 1, root: draft.root, digest, signer, signature };
    const signaturePath = path.resolve(call.out ?? `${draftFile.replace(/\.notarium-draft\.json$|\.json$/, '')}.${signer.slice(2, 10).toLowerCase()}.notarium-signature.json`);
    await writeFileAtomic(signaturePath, new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`), 'fsync');
    return { signaturePath, signer, digest, draft };
  }

  /**
   * Co-authoring, between steps 2 and 3: what the draft asks its authors to sign and who
   * has signed it, from `signatureFiles` and every `*.notarium-signature.json` next to the
   * draft (files of other drafts there are ignored). Ordinary (ECDSA) signatures are
   * checked offline; only a signature that is not one asks the chain (ERC-1271 wallet).
   * An unreadable or foreign signature file is reported in `problems`, never thrown.
   * @throws NotariumError('NOT_FOUND') for a missing draft, ('INVALID_INPUT') for a malformed one.
   */
  async draftStatus(draftFile: string, signatureFiles: readonly string[] = []): Promise<DraftStatus> {
    const draft = await readDraft(draftFile);
    const digest = draftDigest(draft);
    const me = await this.#accounts.readPublic().then((a) => a.address, () => null);
    const dir = path.dirname(path.resolve(draftFile));
    const given = new Set(signatureFiles.map((f) => path.resolve(f)));
    const nearby = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.notarium-signature.json')).map((f) => path.join(dir, f));
    const problems: DraftStatus['problems'] = [];
    const found = new Map<string, { file: string; valid: boolean; problem: string | null }>();
    const contractWalletValid = async (author: string, signature: string): Promise<{ valid: boolean; problem: string | null }> => {
      try {
        if (signature.length === 132 && recoverAddress(digest, signature).toLowerCase() === author.toLowerCase()) return { valid: true, problem: null };
      } catch {
        // not an ECDSA signature: maybe a contract wallet's (ERC-1271)
      }
      try {
        const chain = await this.#chainContext();
        if (BigInt(draft.network.chainId) !== chain.chainId) return { valid: false, problem: `not a valid signature of ${author} (a contract wallet's signature can only be checked on chain ${draft.network.chainId})` };
        return (await this.#signatureValid(chain, author, digest, signature)) ? { valid: true, problem: null } : { valid: false, problem: `not a valid signature of ${author}` };
      } catch (e) {
        return { valid: false, problem: `cannot check the signature of ${author} on the chain: ${(e as Error).message}` };
      }
    };
    for (const file of [...new Set([...given, ...nearby])]) {
      let sig: SignatureFile;
      try {
        sig = parseSignatureFile(await readFile(file, 'utf8'));
      } catch (e) {
        problems.push({ file, message: isNotariumError(e) ? e.message : `cannot read it: ${(e as Error).message}` });
        continue;
      }
      if (sig.root !== draft.root) {
        if (given.has(file)) problems.push({ file, message: `signs another dataset (root ${sig.root})` });
        continue;
      }
      const author = draft.authors.find((a) => a.address.toLowerCase() === sig.signer.toLowerCase());
      if (author === undefined) {
        problems.push({ file, message: `signed by ${sig.signer}, who is not an author of this draft` });
        continue;
      }
      const key = author.address.toLowerCase();
      if (found.get(key)?.valid === true) continue;
      const check = sig.digest !== digest ? { valid: false, problem: 'signs another version of this draft (title, authors or chain differ)' } : await contractWalletValid(author.address, sig.signature);
      found.set(key, { file, ...check });
    }
    const authors = draft.authors.map((a) => {
      const f = found.get(a.address.toLowerCase());
      const state = f?.valid === true ? 'signed' : f !== undefined ? 'invalid' : me !== null && me.toLowerCase() === a.address.toLowerCase() ? 'submitter' : 'missing';
      return { ...a, state, signatureFile: f?.file ?? null, problem: f?.problem ?? null } as const;
    });
    return {
      draftPath: path.resolve(draftFile),
      title: draft.title,
      root: draft.root,
      digest,
      network: draft.network,
      contract: draft.contract,
      supersedes: draft.supersedes === ZERO_BYTES32 ? null : draft.supersedes,
      fileCount: draft.summary.fileCount,
      totalBytes: draft.summary.totalBytes,
      authors,
      problems,
      complete: authors.every((a) => a.state === 'signed' || a.state === 'submitter'),
      you: draft.authors.find((a) => me !== null && a.address.toLowerCase() === me.toLowerCase())?.address ?? null,
    };
  }

  /**
   * Co-authoring step 3: checks every signature file against the draft (ECDSA, or ERC-1271
   * on the chain for contract wallets), then anchors once; the submitter (this account)
   * pays the gas. With `supersedesReceipt`, also checks the draft names that receipt's root.
   * @throws NotariumError('SIGNATURE_INVALID') listing missing or invalid signatures (nothing sent),
   *   ('CHAIN_ID_MISMATCH') when the draft is for another chain or registry, chain errors.
   */
  async anchorDraft(draftFile: string, signatureFiles: readonly string[], call: NotarizeCallOptions & { confirmations?: number; receiptOut?: string; supersedesReceipt?: string }): Promise<NotarizeResult> {
    const draft = await readDraft(draftFile);
    if (call.supersedesReceipt !== undefined) {
      const old = await readReceiptFile(call.supersedesReceipt);
      if (draft.supersedes !== old.root) {
        throw new NotariumError('INVALID_INPUT', `The draft does not supersede ${old.root} (it names ${draft.supersedes}); create it with \`notarium draft … --supersedes ${call.supersedesReceipt}\` so every author signs the link.`);
      }
    }
    const account = await this.#accounts.unlock(call.passphrase);
    const chain = await this.#chainContext();
    if (BigInt(draft.network.chainId) !== chain.chainId || draft.contract.toLowerCase() !== chain.registry.toLowerCase()) {
      throw new NotariumError('CHAIN_ID_MISMATCH', `The draft is for chain ${draft.network.chainId} / registry ${draft.contract}, but this Notarium anchors on chain ${chain.chainId} / ${chain.registry}.`);
    }
    const digest = draftDigest(draft);
    const byAuthor = new Map<string, string>();
    const problems: string[] = [];
    for (const f of signatureFiles) {
      const sig = parseSignatureFile(await readFile(path.resolve(f), 'utf8').catch((e: unknown) => {
        throw new NotariumError('NOT_FOUND', `Signature file not found: ${f}`, { cause: e });
      }));
      const author = draft.authors.find((a) => a.address.toLowerCase() === sig.signer.toLowerCase());
      if (author === undefined) problems.push(`${f}: signed by ${sig.signer}, who is not an author of this draft`);
      else if (sig.digest !== digest || sig.root !== draft.root) problems.push(`${f}: signs another draft (digest ${sig.digest})`);
      else if (!(await this.#signatureValid(chain, author.address, digest, sig.signature))) problems.push(`${f}: the signature is not valid for ${author.address}`);
      else byAuthor.set(author.address.toLowerCase(), sig.signature);
    }
    // The submitter, if an author, may sign now instead of bringing a file.
    const selfAuthor = draft.authors.find((a) => a.address.toLowerCase() === account.address.toLowerCase());
    if (selfAuthor !== undefined && !byAuthor.has(account.address.toLowerCase())) {
      byAuthor.set(account.address.toLowerCase(), await account.wallet.signTypedData(notaryDomain(chain.chainId, chain.registry), NOTARIZATION_TYPES, draftMessage(draft)));
    }
    const missing = draft.authors.filter((a) => !byAuthor.has(a.address.toLowerCase()));
    if (problems.length > 0 || missing.length > 0) {
      const lines = [...problems, ...missing.map((a) => `missing: ${a.name ?? ''}${a.name === undefined ? '' : ' '}${a.address}`)];
      throw new NotariumError('SIGNATURE_INVALID', `Not anchored: signatures are missing or invalid:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
        details: { missing: missing.map((a) => a.address), problems },
      });
    }
    const signatures = draft.authors.map((a) => byAuthor.get(a.address.toLowerCase()) as string);
    return this.#anchorDraft(draft, signatures, account.wallet, {
      confirmations: call.confirmations ?? 1,
      ...(call.confirmFee === undefined ? {} : { confirmFee: call.confirmFee }),
      receiptPath: call.receiptOut ?? `${draftFile.replace(/\.notarium-draft\.json$|\.json$/, '')}.notarium-receipt.json`,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
  }

  async #signatureValid(chain: ChainContext, author: string, digest: string, signature: string): Promise<boolean> {
    try {
      if (signature.length === 132 && recoverAddress(digest, signature).toLowerCase() === author.toLowerCase()) return true;
    } catch {
      // not an ECDSA signature: try ERC-1271 below
    }
    const { isValidErc1271Signature } = await import('./chain/erc1271.ts');
    return isValidErc1271Signature(chain.provider, author, digest, signature);
  }

  /** Encrypts and stores the files, builds the manifest and root, records the dataset, returns the draft. */
  async #prepareDraft(
    req: { inputs: string[]; title: string; authors: ManifestAuthor[]; public: boolean; recipients: string[]; supersedes: string; journal?: () => Promise<JobJournal>; heap: FrugalHeap },
    call: { onProgress?: (p: Progress) => void; signal?: AbortSignal },
  ): Promise<{ draft: WorkingDraft; baseDir: string; bytesPerSecond: number; warnings: string[]; proof: (index: number) => string[] }> {
    // Lab policy (managed settings) first: a refused dataset must cost no work and store nothing.
    assertPublicModeAllowed(this.effectiveSettings.policy, req.public, this.effectiveSettings.managed.file);
    this.#assertAnchoringAllowed();
    const { parseRecipient } = await import('./crypto/index.ts');
    for (const r of req.recipients) parseRecipient(r);
    // A remote chain is checked before hours of encryption (fail fast on a bad RPC or chain
    // id); the embedded devnet cannot fail that way and starts after the files are stored
    // and recorded, so its memory does not add to the encryption pipeline's peak.
    const early = this.#usesDevnet() ? null : await this.#chainContext();
    const authors = req.authors.map((a) => ({ ...a, address: getAddress(a.address) }));
    // Every per-file object (inputs, records, manifest files) lives inside #storeDataset:
    // from here on, the packed file table (under the manifest's pieces) and the Merkle tree
    // are all that is held per file.
    const stored = await this.#storeDataset(req, authors, call);
    const chain = early ?? (await this.#chainContext());
    const draft: WorkingDraft = {
      format: DRAFT_FORMAT,
      version: 1,
      network: { name: chain.name, chainId: chain.chainId.toString(), local: chain.local },
      contract: getAddress(chain.registry),
      root: stored.root,
      title: req.title,
      authors,
      supersedes: req.supersedes,
      manifestDigest: stored.manifestDigest,
      manifest: stored.manifest,
      storage: { manifestHeaderCid: stored.manifestHeaderCid, manifestPayloadCid: stored.manifestPayloadCid },
      summary: { fileCount: stored.fileCount, totalBytes: stored.totalBytes },
    };
    return { draft, baseDir: stored.baseDir, bytesPerSecond: stored.bytesPerSecond, warnings: stored.warnings, proof: stored.proof };
  }

  /**
   * #prepareDraft's heavy part: collects the inputs, encrypts and stores the files and the
   * manifest (prepare.ts), and records the dataset ('prepared') with its files in the
   * ledger. Returns no per-file objects, only the manifest (made in pieces from the packed
   * file table) and the tree's prover.
   * @throws NotariumError('ALREADY_EXISTS') when this exact dataset is already in the ledger (not a resumed job's).
   */
  async #storeDataset(
    req: { inputs: string[]; title: string; authors: ManifestAuthor[]; public: boolean; recipients: string[]; supersedes: string; journal?: () => Promise<JobJournal>; heap: FrugalHeap },
    /** req.authors with checksummed addresses, as the draft and the ledger name them (the manifest keeps req.authors). */
    authors: ManifestAuthor[],
    call: { onProgress?: (p: Progress) => void; signal?: AbortSignal },
  ): Promise<Omit<PreparedDataset, 'files' | 'createdAt' | 'bytesEncrypted'> & { fileCount: number; totalBytes: number; baseDir: string; warnings: string[]; bytesPerSecond: number }> {
    const inputs = await collectInputs(req.inputs);
    // prepareDataset empties inputs.files once the files are stored.
    const fileCount = inputs.files.length;
    req.heap.forFiles(fileCount);
    const me = await this.#accounts.readPublic();
    const journal = await req.journal?.();
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs, { groupCommit: true });

    const started = performance.now();
    const meter = new ProgressMeter('encrypting', inputs.files.length, inputs.totalBytes, call.onProgress);
    const recipients = recipientsWithDefaults(me.recipient, req.recipients, this.effectiveSettings.policy);
    const { files, createdAt, bytesEncrypted, ...prepared } = await prepareDataset({
      files: inputs.files,
      title: req.title,
      authors: req.authors,
      public: req.public,
      recipients,
      cipher,
      storage,
      meter,
      ...(journal === undefined ? {} : { journal, now: () => journal.spec.createdAt * 1000 }),
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
    const seconds = (performance.now() - started) / 1000;

    // The cipher workers are idle from here on: release them before the chain starts, so
    // the two never add up in the peak. They restart on demand.
    await this.#releaseCipherPool();
    this.#recordPrepared(prepared, { ...req, authors, createdAt, files, ours: journal?.manifest?.root === prepared.root });
    return {
      ...prepared,
      fileCount,
      totalBytes: inputs.totalBytes,
      baseDir: inputs.baseDir,
      warnings: inputs.warnings,
      bytesPerSecond: seconds > 0 ? bytesEncrypted / seconds : 0,
    };
  }

  /**
   * Records a prepared dataset ('prepared') with its files and authors, unless `ours` (a
   * resumed job's) already is.
   * @throws NotariumError('ALREADY_EXISTS') when this exact dataset is already in the ledger and not ours.
   */
  #recordPrepared(
    prepared: Pick<PreparedDataset, 'root' | 'manifestDigest' | 'manifestHeaderCid' | 'manifestPayloadCid'>,
    o: { title: string; public: boolean; supersedes: string; authors: ManifestAuthor[]; createdAt: number; files: PreparedDataset['files']; ours: boolean },
  ): void {
    const ledger = this.#ledgerDb();
    const existing = ledger.getDataset(prepared.root);
    // A resumed job may have recorded its dataset before it stopped: continue with that record.
    const ours = existing !== undefined && o.ours && (existing.status === 'prepared' || existing.status === 'failed');
    if (existing !== undefined && !ours) {
      const receipt = ledger.latestReceipt(existing.id);
      throw new NotariumError('ALREADY_EXISTS', `This exact dataset is already notarized (root ${prepared.root})${receipt === undefined ? '' : `; its receipt: ${receipt.path}`}.`, { details: { root: prepared.root, datasetId: existing.id } });
    }
    if (existing === undefined) {
      ledger.insertDataset({
        dataset: {
          title: o.title,
          root: prepared.root,
          manifestDigest: prepared.manifestDigest,
          manifestHeaderCid: prepared.manifestHeaderCid,
          manifestPayloadCid: prepared.manifestPayloadCid,
          public: o.public,
          status: 'prepared',
          supersedesRoot: o.supersedes === ZERO_BYTES32 ? null : o.supersedes,
          createdAt: o.createdAt,
        },
        files: o.files,
        authors: o.authors.map((a) => ({ address: a.address, name: a.name ?? null, orcid: a.orcid ?? null })),
      });
    }
  }

  /** Inserts the draft's dataset into the ledger unless it is there already; returns its id. */
  #recordDraft(draft: WorkingDraft, status: 'prepared' | 'pending'): string {
    const ledger = this.#ledgerDb();
    const existing = ledger.getDataset(draft.root);
    if (existing !== undefined) return existing.id;
    // A draft made elsewhere (co-authoring): its manifest is parsed once, here.
    const manifest = parseManifest(String(draft.manifest));
    return ledger.insertDataset({
      dataset: {
        title: draft.title,
        root: draft.root,
        manifestDigest: draft.manifestDigest,
        manifestHeaderCid: draft.storage.manifestHeaderCid,
        manifestPayloadCid: draft.storage.manifestPayloadCid,
        public: manifest.public,
        status,
        supersedesRoot: draft.supersedes === ZERO_BYTES32 ? null : draft.supersedes,
        createdAt: manifest.createdAt,
      },
      files: manifest.files,
      authors: draft.authors.map((a) => ({ address: a.address, name: a.name ?? null, orcid: a.orcid ?? null })),
    }).id;
  }

  /** Anchors a fully signed draft, waits for confirmations, writes and records the receipt. */
  async #anchorDraft(draft: WorkingDraft, signatures: string[], wallet: Wallet, opts: { confirmations: number; receiptPath: string; signal?: AbortSignal; confirmFee?: FeeConfirmation; proof?: (index: number) => string[] }): Promise<Omit<NotarizeResult, 'bytesPerSecond' | 'warnings'> & { bytesPerSecond: number; warnings: string[] }> {
    const chain = await this.#chainContext();
    this.#assertAnchoringAllowed(chain.chainId, chain.name);
    const ledger = this.#ledgerDb();
    // Kept until the receipt is written, so `resumeAnchor` can finish this anchoring later
    // (ANCHOR_PENDING, a declined fee, missing funds) without re-encrypting anything.
    await mkdir(this.#anchoringDir, { recursive: true, mode: 0o700 });
    const { asLargeString, writeJsonFileAtomic, writeReceiptFile } = await import('./notary/receipt-writer.ts');
    // An AnchoringJob as JSON.stringify(job, null, 2) would write it, with the manifest
    // (~36 MB for 100,000 files) escaped piece by piece.
    const job = { format: 'notarium-anchoring/1' as const, draft: { ...draft, manifest: asLargeString(draft.manifest) }, signatures, receiptPath: path.resolve(opts.receiptPath), confirmations: opts.confirmations } satisfies Omit<AnchoringJob, 'draft'> & { draft: WorkingDraft };
    await writeJsonFileAtomic(this.#anchoringJobPath(draft.root), job);
    const datasetId = this.#recordDraft(draft, 'pending');
    ledger.transaction(() => {
      draft.authors.forEach((a, i) => ledger.setAuthorSignature(datasetId, a.address, signatures[i] as string));
      ledger.setDatasetStatus(datasetId, 'pending');
    });
    if (chain.devnet !== null && (await chain.provider.getBalance(wallet.address)) < DEVNET_FUNDING / 10n) {
      await chain.devnet.fund(wallet.address, DEVNET_FUNDING);
    }
    const { AnchorService, explorerTxUrl } = await import('./chain/index.ts');
    const anchors = new AnchorService({
      provider: chain.provider,
      chainId: chain.chainId,
      registry: chain.registry,
      store: ledger,
      registryDeployBlock: chain.registryDeployBlock,
      l1FeeOracle: chain.l1FeeOracle,
      ...(chain.devnet === null ? {} : { mine: (n: number) => (chain.devnet as DevnetConnection).mine(n), pollIntervalMs: 50 }),
      ...(this.#opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#opts.pollIntervalMs }),
    });
    let anchored;
    try {
      anchored = await anchors.anchor(
        { root: draft.root, manifestDigest: draft.manifestDigest, title: draft.title, authors: draft.authors.map((a) => a.address), signatures, supersedes: draft.supersedes },
        wallet.connect(chain.provider),
        {
          // The network's own minimum (settings, else its preset) wins over a smaller request.
          confirmations: Math.max(opts.confirmations, chain.minConfirmations),
          ...(opts.signal === undefined ? {} : { signal: opts.signal }),
          ...(opts.confirmFee === undefined || chain.local ? {} : {
            confirmFee: (estimate) => (opts.confirmFee as FeeConfirmation)(estimate, { action: `Anchoring "${draft.title}" (root ${draft.root.slice(0, 10)}…)`, network: chain.name, currency: chain.currency }),
          }),
        },
      );
    } catch (e) {
      if (isNotariumError(e) && e.code === 'CANCELLED' && e.details?.['sent'] === false) ledger.setDatasetStatus(datasetId, 'prepared');
      else if (!isNotariumError(e) || (e.code !== 'ANCHOR_PENDING' && e.code !== 'CANCELLED')) ledger.setDatasetStatus(datasetId, 'failed');
      if (isNotariumError(e) && e.code === 'ANCHOR_PENDING') {
        throw new NotariumError('ANCHOR_PENDING', `${e.message} Resume it with \`notarium resume ${draft.root}\` (nothing is sent twice).`, { cause: e, details: { ...e.details, root: draft.root } });
      }
      throw e;
    }
    const submitter = anchored.alreadyAnchored ? ((await this.#registrySubmitter(chain, draft.root)) ?? wallet.address) : wallet.address;
    const files = this.#receiptFiles(draft, datasetId, opts.proof);
    const head: ReceiptHead = {
      format: RECEIPT_FORMAT,
      version: RECEIPT_VERSION,
      network: draft.network,
      contract: anchored.contract,
      root: draft.root,
      title: draft.title,
      authors: draft.authors.map((a, i) => ({ ...a, signature: signatures[i] as string })),
      supersedes: draft.supersedes,
      manifestDigest: draft.manifestDigest,
      manifest: draft.manifest,
      storage: draft.storage,
      anchor: { txHash: anchored.txHash, blockNumber: anchored.blockNumber, blockHash: anchored.blockHash, blockTime: anchored.blockTime, submitter },
    };
    // The anchor is on-chain now: keep the receipt in the data folder first, so a failure
    // writing the user's copy can never lose it (`notarium receipt <root>` re-exports it).
    // Streamed (receipt-writer.ts): a 100,000-file receipt is ~200 MB.
    const keptPath = this.#keptReceiptPath(draft.root);
    const written = await writeReceiptFile(keptPath, head, files.count, files.entry).catch((e: unknown) => {
      throw asDiskFull(e, this.layout.receiptsDir);
    });
    const text = written.bytes <= (this.#opts.receiptInLedgerMaxBytes ?? RECEIPT_IN_LEDGER_MAX_BYTES) ? await readFile(keptPath, 'utf8') : '';
    const warnings: string[] = [];
    let receiptPath: string;
    try {
      receiptPath = await freePath(path.resolve(opts.receiptPath));
      await copyFileAtomic(keptPath, receiptPath);
    } catch (e) {
      receiptPath = keptPath;
      warnings.push(`could not write the receipt to ${opts.receiptPath} (${(e as Error).message}); it is kept at ${keptPath}`);
    }
    ledger.transaction(() => {
      ledger.recordAnchorConfirmed({ chainId: anchored.chainId, contract: anchored.contract, root: draft.root, blockNumber: anchored.blockNumber, blockHash: anchored.blockHash, blockTime: anchored.blockTime, confirmations: anchored.confirmations });
      ledger.setDatasetStatus(datasetId, 'anchored');
      ledger.addReceipt({
        datasetId,
        path: receiptPath,
        json: text,
        sha256: written.sha256,
        anchor: { network: head.network, contract: head.contract, txHash: head.anchor.txHash, blockNumber: head.anchor.blockNumber, blockTime: head.anchor.blockTime },
      });
    });
    await unlink(this.#anchoringJobPath(draft.root)).catch(() => undefined);
    const explorer = chain.local ? null : explorerTxUrl(chain.chainId, anchored.txHash);
    return {
      datasetId,
      root: draft.root,
      manifestDigest: draft.manifestDigest,
      receiptPath,
      fileCount: draft.summary.fileCount,
      totalBytes: draft.summary.totalBytes,
      bytesPerSecond: 0,
      network: chain.name,
      chainId: chain.chainId.toString(),
      local: chain.local,
      contract: anchored.contract,
      txHash: anchored.txHash,
      blockNumber: anchored.blockNumber,
      blockTime: anchored.blockTime,
      gasUsed: anchored.gasUsed.toString(),
      ...(explorer === null ? {} : { explorerUrl: explorer }),
      warnings,
    };
  }

  /**
   * The receipt entries (path, size, sha256, salt, proof) of `draft` (recorded as
   * `datasetId`), for writeReceiptFile: `entry(i)` is asked in order and reads a page of
   * LEDGER_PAGE_FILES files at a time, so no per-file object of the whole dataset is held.
   * Files come from the ledger rows when the ledger holds this very manifest (same digest:
   * always, for a draft made or recorded here), else from the draft's manifest, parsed
   * (another manifest with the same root is recorded here). Proofs come from `proof`, the
   * tree prepare built for this manifest, if this process made it; else from a tree built
   * now from the same files.
   * @throws NotariumError('INTERNAL') if the files do not give the draft's root.
   */
  #receiptFiles(draft: WorkingDraft, datasetId: string, proof?: (index: number) => string[]): { count: number; entry: (index: number) => ReceiptFile } {
    const ledger = this.#ledgerDb();
    const ds = ledger.getDataset(datasetId);
    let count: number;
    let filesFrom: (from: number) => { path: string; size: number; sha256: string; salt: string }[];
    if (ds?.manifestDigest === draft.manifestDigest) {
      count = ds.fileCount;
      filesFrom = (from) => ledger.getFileRange(datasetId, from, LEDGER_PAGE_FILES);
    } else {
      const manifest = parseManifest(String(draft.manifest));
      count = manifest.files.length;
      filesFrom = (from) => manifest.files.slice(from, from + LEDGER_PAGE_FILES);
    }
    if (proof === undefined) {
      const leaves: [string, string][] = [];
      for (let from = 0; from < count; from += LEDGER_PAGE_FILES) for (const f of filesFrom(from)) leaves.push([f.salt, f.sha256]);
      const prover = datasetProver(leaves);
      if (prover.root !== draft.root) throw new NotariumError('INTERNAL', `The recorded files of dataset ${datasetId} give root ${prover.root}, not ${draft.root}.`);
      proof = prover.proof;
    }
    const proofOf = proof;
    let page: { path: string; size: number; sha256: string; salt: string }[] = [];
    let first = 0;
    return {
      count,
      entry: (i) => {
        if (i < first || i >= first + page.length) {
          page = filesFrom(i);
          first = i;
        }
        const f = page[i - first];
        if (f === undefined) throw new NotariumError('INTERNAL', `No file ${i} of dataset ${datasetId} to write in its receipt.`);
        return { path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: proofOf(i) };
      },
    };
  }

  async #registrySubmitter(chain: ChainContext, root: string): Promise<string | null> {
    const { NotaryRegistryClient } = await import('./chain/index.ts');
    const client = new NotaryRegistryClient(chain.registry, chain.provider);
    return (await client.anchorOf(root))?.submitter ?? null;
  }

  // ---- public chains: fees, unfinished anchorings, registry deployment (docs/CHAINS.md) ---

  /**
   * True when anchoring here spends real fees, so callers should pass `confirmFee`: false for
   * the embedded devnet and for a devnet reached over RPC (chain 31337), whose ether is worthless.
   */
  get feeConfirmationNeeded(): boolean {
    return !this.#usesDevnet() && this.#settings?.network?.chainId !== 31337;
  }

  get #anchoringDir(): string {
    return path.join(this.layout.root, 'anchoring');
  }

  #anchoringJobPath(root: string): string {
    return path.join(this.#anchoringDir, `${root.toLowerCase()}.json`);
  }

  async #readAnchoringJob(root: string): Promise<AnchoringJob> {
    const text = await readFile(this.#anchoringJobPath(root), 'utf8').catch((e: unknown) => {
      throw new NotariumError('NOT_FOUND', `No unfinished anchoring of ${root} in this data folder (see \`notarium pending\`).`, { cause: e });
    });
    const job = JSON.parse(text) as AnchoringJob;
    if (job.format !== 'notarium-anchoring/1') throw new NotariumError('INVALID_INPUT', `${this.#anchoringJobPath(root)} is not an anchoring record.`);
    // The draft as parsed, not stringified again (its manifest can be ~36 MB).
    const draft = draftSchema.safeParse(job.draft);
    if (!draft.success) throw new NotariumError('INVALID_INPUT', `${this.#anchoringJobPath(root)} holds a malformed draft:\n${z.prettifyError(draft.error)}`);
    return job;
  }

  /**
   * Anchorings started here and not finished (no receipt yet): interrupted, ANCHOR_PENDING,
   * declined at the fee prompt, failed for missing funds. Reads local files only.
   */
  async pendingAnchors(): Promise<PendingAnchoring[]> {
    const names = await readdir(this.#anchoringDir).catch(() => [] as string[]);
    if (names.length === 0) return [];
    const ledger = this.#ledgerDb();
    const out: PendingAnchoring[] = [];
    for (const name of names.filter((n) => /^0x[0-9a-f]{64}\.json$/.test(n))) {
      const job = await this.#readAnchoringJob(name.slice(0, -5)).catch(() => null);
      if (job === null) continue;
      const tx = ledger.getPendingAnchor(job.draft.network.chainId, job.draft.contract, job.draft.root);
      out.push({
        root: job.draft.root,
        title: job.draft.title,
        network: job.draft.network.name,
        chainId: job.draft.network.chainId,
        status: tx?.status ?? 'not-sent',
        txHash: tx?.txHash ?? null,
        receiptPath: job.receiptPath,
      });
    }
    return out;
  }

  /**
   * Finishes an anchoring started earlier (see pendingAnchors): follows its transaction if one
   * was signed (re-broadcasting the same bytes), or quotes and sends one if none was or the
   * last one definitely failed; then writes the receipt as the first call would have.
   * @throws NotariumError('NOT_FOUND') for no such anchoring, ('CHAIN_ID_MISMATCH') when this
   *   Notarium anchors on another chain or registry than the anchoring's, and as notarize.
   */
  async resumeAnchor(root: string, call: NotarizeCallOptions & { confirmations?: number }): Promise<NotarizeResult> {
    const job = await this.#readAnchoringJob(root);
    const account = await this.#accounts.unlock(call.passphrase);
    const chain = await this.#chainContext();
    if (BigInt(job.draft.network.chainId) !== chain.chainId || job.draft.contract.toLowerCase() !== chain.registry.toLowerCase()) {
      throw new NotariumError('CHAIN_ID_MISMATCH', `This anchoring is for chain ${job.draft.network.chainId} / registry ${job.draft.contract}, but this Notarium anchors on chain ${chain.chainId} / ${chain.registry}: resume it with the same network settings.`);
    }
    const result = await this.#anchorDraft(job.draft, job.signatures, account.wallet, {
      confirmations: call.confirmations ?? job.confirmations,
      receiptPath: job.receiptPath,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      ...(call.confirmFee === undefined ? {} : { confirmFee: call.confirmFee }),
    });
    return { ...result, bytesPerSecond: 0 };
  }

  /**
   * Deploys the NotaryRegistry (committed artifact) to `req.network` with this account's key,
   * after a fee quote (`call.confirmFee`), and records the network, RPC URL, registry address
   * and deployment block in `<data-dir>/settings.json`: later anchors go there. An interrupted
   * deployment is resumed by calling again, never deployed twice.
   * @param req.network a preset id (sepolia, base, …) or a custom name with `req.chainId`.
   * @param req.rpc endpoint to send through (default: --rpc, else settings' for that chain).
   * @param req.force deploy although settings already name a live registry on that chain.
   * @throws NotariumError('INVALID_INPUT') without an RPC URL, for the embedded devnet or an
   *   unknown network; ('ALREADY_EXISTS') when settings name a live registry on that chain;
   *   ('CHAIN_ID_MISMATCH'), ('INSUFFICIENT_FUNDS'), ('CANCELLED'), ('CHAIN_FAILED').
   */
  async deployRegistry(req: { network: string; chainId?: number; rpc?: string; confirmations?: number; force?: boolean }, call: { passphrase: string; confirmFee?: FeeConfirmation; signal?: AbortSignal }): Promise<DeployRegistryResult> {
    const { connectRpc, deployRegistry, explorerTxUrl, resolveNetwork } = await import('./chain/index.ts');
    const preset = resolveNetwork(req.network, req.chainId);
    assertNetworkAllowed(this.effectiveSettings.policy, preset.chainId, preset.name, this.effectiveSettings.managed.file);
    const chainId = Number(preset.chainId);
    const current = this.#settings?.network?.chainId === chainId ? this.#settings.network : undefined;
    const rpc = req.rpc ?? this.#opts.rpc ?? current?.rpcUrl;
    if (rpc === undefined) {
      throw new NotariumError('INVALID_INPUT', preset.id === 'devnet'
        ? 'The embedded devnet deploys its registry itself; to deploy to a devnet served elsewhere, pass --rpc <url>.'
        : `Pass --rpc <url> of a ${preset.name} node to send the deployment through (public endpoints are for reading).`);
    }
    const provider = await connectRpc(rpc, preset.chainId, { pollingIntervalMs: this.#opts.pollIntervalMs ?? 4000 });
    try {
      if (req.force !== true && current?.registry !== undefined && (await provider.getCode(current.registry)) !== '0x') {
        throw new NotariumError('ALREADY_EXISTS', `settings.json already names the registry ${current.registry} on ${preset.name} (chain ${chainId}); pass --force to deploy another one.`, { details: { registry: current.registry, chainId } });
      }
      const account = await this.#accounts.unlock(call.passphrase);
      const confirmFee = call.confirmFee;
      const deployment = await deployRegistry({
        provider,
        chainId: preset.chainId,
        signer: account.wallet,
        pendingFile: path.join(this.layout.root, `registry-deployment-${chainId}.json`),
        confirmations: Math.max(1, req.confirmations ?? preset.defaultConfirmations),
        l1FeeOracle: preset.l1FeeOracle,
        ...(this.#opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#opts.pollIntervalMs }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
        ...(confirmFee === undefined || preset.local ? {} : {
          confirmFee: (estimate) => confirmFee(estimate, { action: 'Deploying the NotaryRegistry', network: preset.name, currency: preset.currency }),
        }),
      });
      const settings = await updateSettings(this.layout.root, (s) => ({
        ...s,
        network: {
          name: preset.id === 'custom' ? preset.name : preset.id,
          chainId,
          rpcUrl: rpc,
          registry: deployment.address,
          registryDeployBlock: deployment.blockNumber,
          ...(current?.confirmations === undefined ? {} : { confirmations: current.confirmations }),
        },
      }));
      // Managed settings still win over what was just recorded.
      this.#effective = applyManagedSettings(settings, this.effectiveSettings.managed);
      this.#settings = this.#effective.settings;
      // A chain context opened before points at the old registry.
      const previous = this.#chain;
      this.#chain = undefined;
      await previous?.then((c) => c.close()).catch(() => undefined);
      const explorer = preset.local ? null : explorerTxUrl(preset.chainId, deployment.txHash, preset);
      return {
        network: preset.name,
        chainId: deployment.chainId,
        address: deployment.address,
        txHash: deployment.txHash,
        blockNumber: deployment.blockNumber,
        gasUsed: deployment.gasUsed.toString(),
        settingsPath: path.join(this.layout.root, 'settings.json'),
        ...(explorer === null ? {} : { explorerUrl: explorer }),
        quoted: deployment.fee !== null,
      };
    } finally {
      provider.destroy();
    }
  }

  // ---- verify ----------------------------------------------------------------------

  /**
   * Verifies files against a receipt (docs/RECEIPT.md §3). Offline: no chain contact.
   * @throws NotariumError('INVALID_INPUT' | 'NOT_FOUND' | 'RECEIPT_INVALID'); failed checks are in the report.
   */
  async verify(input: VerifyRequest, onProgress?: (p: Progress) => void): Promise<VerifyReport> {
    const req = parseRequest(verifyRequestSchema, input);
    return this.#withFrugalHeap(async (heap) => {
      // A receipt holds ≈ 2 KB per file (entry and proof): under 1 MiB it covers few files.
      if (((await stat(req.receipt).catch(() => null))?.size ?? 0) < RECEIPT_BYTES_FOR_FRUGAL_HEAP) heap.release();
      return verifyFiles({
        inputs: req.inputs,
        receiptPath: req.receipt,
        offline: req.offline,
        chain: this.#chainVerifier(req.rpc),
        ...(onProgress === undefined ? {} : { onProgress }),
      });
    });
  }

  #chainVerifier(rpc: string | undefined): ChainVerifier {
    // Loaded on first use only: `verify --offline` never needs the chain code (≈ 1 s to load).
    let chainModule: Promise<ChainModule> | undefined;
    const loadChain = (): Promise<ChainModule> => (chainModule ??= import('./chain/index.ts'));
    // The receipt's chain, or why there is none to ask: no RPC endpoint for it, or a LOCAL
    // devnet receipt in a data folder not made yet (starting an empty devnet would only
    // write a folder, and could not hold the anchor).
    const providerFor = async (receipt: ReceiptStatement): Promise<{ provider: JsonRpcApiProvider; close: () => Promise<void> } | 'no-rpc' | 'no-devnet'> => {
      const { connectRpc, DEVNET_CHAIN_ID } = await loadChain();
      const url = rpc ?? (this.#settings?.network?.chainId === Number(receipt.network.chainId) ? this.#settings.network.rpcUrl : undefined);
      if (url !== undefined) {
        const p = await connectRpc(url, receipt.network.chainId, { pollingIntervalMs: 1000 });
        return { provider: p, close: async () => p.destroy() };
      }
      if (receipt.network.local && BigInt(receipt.network.chainId) === DEVNET_CHAIN_ID) {
        if (this.#folderUnmade) return 'no-devnet';
        return { provider: (await this.#chainContextForDevnet()).provider, close: async () => undefined };
      }
      return 'no-rpc';
    };
    return {
      isValidContractSignature: async (receipt, author, digest, signature) => {
        const conn = await providerFor(receipt);
        if (typeof conn === 'string') return false;
        try {
          const { isValidErc1271Signature } = await import('./chain/erc1271.ts');
          return await isValidErc1271Signature(conn.provider, author, digest, signature, receipt.anchor.blockNumber);
        } finally {
          await conn.close();
        }
      },
      verifyAnchor: async (receipt: ReceiptStatement): Promise<ChainCheck> => {
        const fail = (code: string, message: string): ChainCheck => ({ check: { status: 'fail', code, message }, supersededBy: null });
        let provider: JsonRpcApiProvider;
        let close = async (): Promise<void> => undefined;
        try {
          const conn = await providerFor(receipt);
          if (conn === 'no-devnet') {
            // As for an anchor not found on another devnet: not checkable here, not a failure.
            return { check: { status: 'skipped', message: `transaction ${receipt.anchor.txHash} cannot be checked: ${this.layout.root} holds no devnet.${LOCAL_DEVNET_HINT}` }, supersededBy: null, unreachable: true };
          } else if (conn !== 'no-rpc') {
            provider = conn.provider;
            close = conn.close;
          } else {
            const preset = (await loadChain()).networkByChainId(receipt.network.chainId);
            return fail('CHAIN_FAILED', `No RPC endpoint configured for chain ${receipt.network.chainId} (${preset?.name ?? receipt.network.name}); pass --rpc <url>${preset?.publicRpcUrl ? ` (e.g. ${preset.publicRpcUrl})` : ''}, or --offline.`);
          }
        } catch (e) {
          return { ...fail(isNotariumError(e) ? e.code : 'CHAIN_FAILED', `cannot reach the chain: ${(e as Error).message}`), unreachable: !isNotariumError(e) || e.code !== 'CHAIN_ID_MISMATCH' };
        }
        try {
          const v = await (await loadChain()).verifyAnchorOnChain(provider, {
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
            const localHint = receipt.network.local && v.problems.some((x) => x.code === 'TX_NOT_FOUND' || x.code === 'NOT_ANCHORED') ? LOCAL_DEVNET_HINT : '';
            // A LOCAL devnet's anchor simply is not on any other chain: checked elsewhere (an IP
            // office's machine) that is "cannot be checked here", not evidence of tampering.
            const elsewhere = localHint !== '' && v.problems.every((x) => x.code === 'TX_NOT_FOUND' || x.code === 'NOT_ANCHORED' || x.code === 'EVENT_NOT_FOUND');
            const message = `${v.problems.map((x) => x.message).join('; ')}.${localHint}`;
            if (elsewhere) return { check: { status: 'skipped', message }, supersededBy: v.supersededBy, unreachable: true };
            return { check: { status: 'fail', code: p?.code ?? 'CHAIN_FAILED', message }, supersededBy: v.supersededBy, unreachable: v.problems.every((x) => x.code === 'RPC_FAILED') };
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
    this.#makeDataFolder();
    const devnet = await connectDevnet({ dir: this.layout.devnetDir });
    const prev = this.#chain;
    const ctx: ChainContext = { name: 'devnet', chainId: devnet.chainId, local: true, provider: devnet.provider, registry: devnet.registry, registryDeployBlock: 0, devnet, currency: 'ETH', l1FeeOracle: null, minConfirmations: 1, close: () => devnet.close() };
    this.#chain = Promise.resolve(ctx);
    await prev?.then((c) => c.close()).catch(() => undefined);
    return ctx;
  }

  /**
   * The root stated by the receipt file at `source` (read only up to its head), or undefined
   * when `source` is not a file (a root or dataset id).
   * @throws NotariumError('RECEIPT_INVALID') for a file that is not a receipt.
   */
  async #rootOfReceiptFile(source: string): Promise<string | undefined> {
    const file = path.resolve(source);
    if ((await stat(file).catch(() => null))?.isFile() !== true) return undefined;
    const { readReceiptLocation } = await import('./notary/receipt-head.ts');
    return (await readReceiptLocation(file)).root;
  }

  // ---- retrieve --------------------------------------------------------------------

  /**
   * Whether `source` names something `retrieve` can start from: an existing file (a receipt
   * or a share ticket, read by retrieve itself) or a dataset id or Merkle root in the ledger;
   * and, when given, whether `out` can take the restored files (missing, or an empty folder).
   * The CLI asks it before prompting for the passphrase. Reads nothing but file metadata and
   * the ledger; writes nothing.
   * @throws NotariumError('NOT_FOUND') when `source` names none of these, ('INVALID_INPUT')
   *   for an `out` that is a file or a folder with files in it, as retrieve does.
   */
  async assertRetrievalSource(source: string, out?: string): Promise<void> {
    if ((await stat(path.resolve(source)).catch(() => null))?.isFile() !== true) this.#retrievalDataset(source);
    if (out !== undefined) await (await import('./notary/safe-output.ts')).assertOutputDirUsable(path.resolve(out));
  }

  /** The dataset `source` (an id or Merkle root) names in the ledger. @throws NotariumError('NOT_FOUND'). */
  #retrievalDataset(source: string): DatasetRecord {
    const ds = this.#findDataset(source);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No receipt file, dataset id or root ${source} found.`);
    return ds;
  }

  /**
   * Restores a dataset from a receipt file, a share ticket file, a dataset id or a root
   * into `out`. A receipt is read only up to its head (root, manifest digest and CIDs: see
   * readReceiptLocation), never whole; files are restored several at a time (restoreFiles).
   * @throws NotariumError('NOT_FOUND'), ('RECEIPT_INVALID') for a file that is neither a
   *   full receipt nor a share ticket, ('WRONG_PASSPHRASE'), ('AGE_DECRYPT_FAILED'),
   *   ('UNSAFE_PATH'), ('HASH_MISMATCH'), ('INVALID_INPUT') for a non-empty `out`.
   */
  async retrieve(input: RetrieveRequest, call: NotarizeCallOptions): Promise<RetrieveResult> {
    return this.#withFrugalHeap((heap) => this.#retrieve(input, call, heap));
  }

  async #retrieve(input: RetrieveRequest, call: NotarizeCallOptions, heap: FrugalHeap): Promise<RetrieveResult> {
    const req = parseRequest(retrieveRequestSchema, input);
    let loc: ManifestLocation;
    let expectedRoot: string | undefined;
    const sourceFile = path.resolve(req.source);
    const asFile = await stat(sourceFile).catch(() => null);
    if (asFile?.isFile() === true) {
      // A share ticket is a few hundred bytes; a receipt can be hundreds of MB, so only a
      // small file is read whole, and a receipt only as far as its head (issue 7).
      const small = asFile.size <= 1024 * 1024 ? await readFile(sourceFile, 'utf8') : null;
      if (small?.includes(`"${SHARE_TICKET_FORMAT}"`) === true) return this.#retrieveShared(small, req.out, call, heap);
      const { readReceiptLocation } = await import('./notary/receipt-head.ts');
      const head = await readReceiptLocation(sourceFile);
      loc = { manifestHeaderCid: head.manifestHeaderCid, manifestPayloadCid: head.manifestPayloadCid, manifestDigest: head.manifestDigest };
      expectedRoot = head.root;
    } else {
      const ds = this.#retrievalDataset(req.source);
      loc = { manifestHeaderCid: ds.manifestHeaderCid, manifestPayloadCid: ds.manifestPayloadCid, manifestDigest: ds.manifestDigest };
      expectedRoot = ds.root;
    }
    // Consent gate (issue 5): a retrieval for a stated purpose is checked, and logged,
    // before anything is decrypted. DENY blocks; REVIEW needs a named override.
    if (req.purpose !== undefined) {
      const datasetId = this.#findDataset(expectedRoot)?.id ?? expectedRoot;
      (await this.consent()).assertUseAllowed(datasetId, req.purpose, req.override, 'retrieve');
    }
    const account = await this.#accounts.unlock(call.passphrase);
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);
    // Streamed into a packed table (issue 7: a manifest of 100,000 files is 36 MB).
    const { files } = await fetchManifestTable(loc, [account.identity], cipher, storage);
    heap.forFiles(files.length);
    const root = datasetRoot(files.leaves);
    if (root !== expectedRoot) throw new NotariumError('HASH_MISMATCH', `The manifest's files give root ${root}, not the notarized ${expectedRoot}.`, { details: { integrity: 'altered' } });
    const result = await restoreFiles(files, req.out, [account.identity], cipher, storage, call.onProgress);
    return { ...result, root };
  }

  /** Retrieval by a share ticket: the recipient's own identity opens the envelope. */
  async #retrieveShared(ticketText: string, out: string, call: NotarizeCallOptions, heap: FrugalHeap): Promise<RetrieveResult> {
    const ticket = parseShareJson(shareTicketSchema, ticketText, 'share ticket');
    const account = await this.#accounts.unlock(call.passphrase);
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);
    const { openShareEnvelope } = await import('./notary/share.ts');
    const { manifest, headers } = await openShareEnvelope({ ...ticket.envelope, root: ticket.root }, [account.identity], cipher, storage);
    heap.forFiles(manifest.files.length);
    const result = await restoreFiles(manifest.files, out, [account.identity], cipher, storage, call.onProgress, headers);
    return { ...result, root: ticket.root };
  }

  // ---- share -----------------------------------------------------------------------

  /**
   * Shares a dataset with one age recipient: re-wraps every file key into a new header
   * (payloads untouched, CIDs unchanged) and stores one envelope only the recipient can
   * open; writes a ticket file to send them. With `purpose`, the consent check runs first.
   * Revocation is not possible: see docs/SHARING.md.
   * @throws NotariumError('ACCOUNT_MISSING' | 'NOT_FOUND' | 'INVALID_INPUT' | 'WRONG_PASSPHRASE' | 'AGE_DECRYPT_FAILED'),
   *   consent errors ('CONSENT_DENIED', 'CONSENT_REVIEW_REQUIRED').
   */
  async share(input: ShareRequest, call: { passphrase: string }): Promise<{ ticketPath: string; ticket: ShareTicket; seconds: number }> {
    const req = parseRequest(shareRequestSchema, input);
    const { parseRecipient, AgeCipherPool, RewrapPool } = await import('./crypto/index.ts');
    parseRecipient(req.recipient);
    // Sharing needs the account: ACCOUNT_MISSING before the ledger is opened (or created).
    await this.#accounts.readPublic();
    let root = req.dataset;
    root = await this.#rootOfReceiptFile(req.dataset) ?? root;
    const ds = this.#ledgerDb().getDataset(root);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No dataset ${req.dataset} in this ledger: only datasets notarized here can be shared from here.`);
    // Sharing patient-derived data always runs the consent check (fail closed): a dataset
    // with linked data subjects cannot be shared without stating the purpose.
    if (req.purpose !== undefined) (await this.consent()).assertUseAllowed(ds.id, req.purpose, req.override, 'share');
    else {
      const subjects = (await this.consent()).linkedSubjectCount(ds.id);
      if (subjects > 0) throw new NotariumError('INVALID_INPUT', `This dataset is linked to ${subjects} data subject(s): state the purpose of the share (--purpose …) so their consent can be checked.`);
    }
    const workerUrl = this.#opts.cipherWorkerUrl === undefined ? {} : { workerUrl: this.#opts.cipherWorkerUrl };
    // Issue 4. Rewrap workers start while the keys unlock (scrypt) and the node opens.
    RewrapPool.prestart({ expectedHeaders: ds.fileCount, ...workerUrl });
    const account = await this.#accounts.unlock(call.passphrase);
    const started = performance.now();
    // The two small objects (manifest, envelope) are sealed in this thread, as a cipher
    // worker would cost more to start than the work.
    const rewrapper = RewrapPool.start([account.identity], [req.recipient], { expectedHeaders: ds.fileCount, ...workerUrl });
    const env = await (async () => {
      const [ipfs, pool] = await Promise.all([this.#ipfsNode(), AgeCipherPool.inThread()]);
      // One commit for the envelope's objects and pins (createShareEnvelope commits).
      const { cipher, storage } = await this.#ports(pool, ipfs, { groupCommit: true });
      const { fetchManifestAndText } = await import('./notary/retrieve.ts');
      const { createShareEnvelope } = await import('./notary/share.ts');
      const { manifest, text: manifestText } = await fetchManifestAndText({ manifestHeaderCid: ds.manifestHeaderCid, manifestPayloadCid: ds.manifestPayloadCid, manifestDigest: ds.manifestDigest }, [account.identity], cipher, storage);
      return createShareEnvelope({ root: ds.root, manifestText, manifest, recipient: req.recipient, sharedBy: account.address, cipher, storage, rewrap: (header) => rewrapper.rewrap(header) });
    })().finally(() => rewrapper.close());
    const ticket: ShareTicket = {
      format: SHARE_TICKET_FORMAT,
      version: 1,
      root: ds.root,
      title: ds.title,
      recipient: req.recipient,
      envelope: { headerCid: env.headerCid, payloadCid: env.payloadCid },
      summary: { fileCount: env.fileCount, totalBytes: env.totalBytes },
    };
    const ticketPath = await freePath(path.resolve(req.out ?? `${slug(ds.title)}-${ds.root.slice(2, 10)}.share-${req.recipient.slice(4, 12)}.json`), '.json');
    await writeFileAtomic(ticketPath, new TextEncoder().encode(`${JSON.stringify(ticket, null, 2)}\n`), 'fsync');
    return { ticketPath, ticket, seconds: (performance.now() - started) / 1000 };
  }

  // ---- moving data: CAR files and networking (issue 4, docs/IPFS.md) ------------------

  /**
   * Writes the encrypted objects named by `refs` as one CARv1 file (full DAGs), for a USB
   * transfer: a dataset id or root (its manifest and every file's header and payload), a
   * receipt or share ticket file (that dataset, plus the ticket's envelope), or a CID.
   * `options.replace` allows replacing an existing `out`; without it an existing `out` is
   * refused and left untouched.
   * @throws NotariumError('NOT_FOUND') for an unknown ref or a block not stored here,
   *   ('INVALID_INPUT') for no refs, an unwritable output folder or an existing `out`
   *   without `replace`.
   */
  async carExport(refs: readonly string[], out: string, options: { replace?: boolean; onBlock?: (blocks: number, blockBytes: number) => void } = {}): Promise<{ path: string; roots: string[]; blocks: number; blockBytes: number; fileBytes: number }> {
    if (refs.length === 0) throw new NotariumError('INVALID_INPUT', 'Name at least one dataset, receipt, share ticket or CID to export.');
    const roots: CID[] = [];
    for (const ref of refs) roots.push(...(await this.#carRoots(ref)));
    const target = path.resolve(out);
    await assertWritableFolder(path.dirname(target), 'CAR');
    const [ipfs, { exportCar }] = await Promise.all([this.#ipfsNode(), import('./ipfs/car-export.ts')]);
    const r = await exportCar(ipfs, roots, target, options);
    return { path: target, roots: r.roots.map(String), blocks: r.blocks, blockBytes: r.blockBytes, fileBytes: r.fileBytes };
  }

  /**
   * Garbage collection of this data folder's IPFS node (IpfsBackend.gc): deletes blocks no
   * pin holds and not written in the last `graceSeconds` (default 3600). Every dataset,
   * manifest and share envelope Notarium stored is pinned, so all stay retrievable.
   * @throws NotariumError('INVALID_INPUT') with a Kubo backend (run `ipfs repo gc` there)
   *   or a bad graceSeconds; ('IPFS_FAILED' | 'DISK_FULL') on a storage error.
   */
  async ipfsGc(options: { graceSeconds?: number } = {}): Promise<GcResult> {
    return (await this.#ipfsNode()).gc(options);
  }

  /**
   * Imports a CAR file (from `carExport`, Kubo's `ipfs dag export`, …) all or nothing:
   * every block is checked against its CID and every root's DAG must be complete; the
   * roots are then pinned. Retrieve afterwards with the receipt or share ticket.
   * @throws NotariumError('INVALID_INPUT' | 'CID_MISMATCH') for a truncated, altered or
   *   incomplete file (nothing is imported), ('NOT_FOUND') for a missing file.
   */
  async carImport(file: string): Promise<{ roots: string[]; blocks: number; blockBytes: number }> {
    const r = await (await this.#ipfsNode()).importCar(path.resolve(file));
    return { roots: r.roots.map(String), blocks: r.blocks, blockBytes: r.blockBytes };
  }

  /**
   * Runs the embedded IPFS node with networking so peers can fetch this folder's data:
   * listens on `listen`, keeps `peers` connected (both added to the settings' lists) and
   * provides every pinned object to the LAN DHT. Until `close`.
   * @throws NotariumError('INVALID_INPUT') when settings choose Kubo or addresses are invalid.
   */
  async serveIpfs(options: { listen?: readonly string[]; peers?: readonly string[] } = {}): Promise<{ addresses: string[]; close: () => Promise<void> }> {
    if (this.#settings?.ipfs?.backend === 'kubo') throw new NotariumError('INVALID_INPUT', 'settings.json chooses Kubo: the Kubo daemon serves the data itself.');
    const { networkingOf } = await import('./ipfs/open-backend.ts');
    const base = networkingOf(this.#settings?.ipfs);
    const peers = base.mode === 'peers' ? base : { mode: 'peers' as const, listen: [], peers: [] };
    const networking: HeliaNetworking = { ...peers, listen: [...peers.listen, ...(options.listen ?? [])], peers: [...peers.peers, ...(options.peers ?? [])] };
    const previous = this.#ipfs;
    this.#ipfs = undefined;
    await previous?.then((i) => i.stop()).catch(() => undefined);
    const ipfs = await this.#ipfsNode(networking);
    return { addresses: await ipfs.addresses(), close: () => ipfs.stop() };
  }

  /** The root CIDs a CAR export ref stands for (see carExport). */
  async #carRoots(ref: string): Promise<CID[]> {
    try {
      return [CID.parse(ref)];
    } catch {
      // Not a CID: a dataset, receipt or share ticket.
    }
    const cidsOf = (ds: DatasetRecord): CID[] =>
      [ds.manifestHeaderCid, ds.manifestPayloadCid, ...this.#ledgerDb().getFiles(ds.id).flatMap((f) => [f.headerCid, f.payloadCid])].map((c) => CID.parse(c));
    const datasetCids = (idOrRoot: string, what: string): CID[] => {
      const ds = this.#findDataset(idOrRoot);
      if (ds === undefined) throw new NotariumError('NOT_FOUND', `${what} names dataset ${idOrRoot}, which is not in this ledger: export from the machine that notarized it, or pass CIDs.`);
      return cidsOf(ds);
    };
    const named = this.#findDataset(ref);
    if (named !== undefined) return cidsOf(named);
    const text = await readFile(path.resolve(ref), 'utf8').catch(() => null);
    if (text === null) throw new NotariumError('NOT_FOUND', `${ref} is not a CID, a dataset id or root in this ledger, or a readable file.`);
    if (text.includes(`"${SHARE_TICKET_FORMAT}"`)) {
      const ticket = parseShareJson(shareTicketSchema, text, 'share ticket');
      return [...datasetCids(ticket.root, `The share ticket ${ref}`), CID.parse(ticket.envelope.headerCid), CID.parse(ticket.envelope.payloadCid)];
    }
    return datasetCids(parseReceipt(text).root, `The receipt ${ref}`);
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

  /**
   * Writes the latest receipt of a dataset (id or root) from the ledger to `out`; an existing
   * file there is replaced only with `options.replace` (output-file.ts).
   * @throws NotariumError('NOT_FOUND') for an unknown dataset or one without a receipt (not anchored),
   *   ('INVALID_INPUT') for a folder at `out` or an existing file without `replace`.
   */
  async exportReceipt(dataset: string, out: string, options: { replace?: boolean } = {}): Promise<{ root: string; path: string }> {
    const ds = this.#findDataset(dataset);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No dataset ${dataset} in this ledger (see \`notarium datasets\`).`);
    const r = this.#ledgerDb().latestReceipt(ds.id);
    if (r === undefined) throw new NotariumError('NOT_FOUND', `Dataset ${dataset} has no receipt yet (status ${ds.status}).`);
    const target = path.resolve(out);
    await assertWritableFolder(path.dirname(target), 'receipt');
    await assertOutputFileFree(target, options.replace === true);
    if (r.json === '') await copyFileAtomic(this.#keptReceiptPath(ds.root), target);
    else await writeFileAtomic(target, new TextEncoder().encode(r.json), 'fsync');
    return { root: ds.root, path: target };
  }

  /** Datasets in the local ledger, newest first. */
  datasets(): DatasetSummary[] {
    const ledger = this.#ledgerIfAny();
    if (ledger === undefined) return [];
    const all = ledger.listDatasets();
    const confirmations = ledger.anchorConfirmationsByRoot();
    const receipts = ledger.latestReceiptPaths();
    const newer = new Map(all.filter((d) => d.supersedesRoot !== null && d.status === 'anchored').map((d) => [d.supersedesRoot as string, d.root]));
    return all.map((d) => ({
      id: d.id,
      title: d.title,
      root: d.root,
      status: d.status,
      fileCount: d.fileCount,
      totalBytes: d.totalBytes,
      createdAt: d.createdAt,
      receiptPath: receipts.get(d.id) ?? null,
      confirmations: confirmations.get(d.root) ?? null,
      supersededBy: newer.get(d.root) ?? null,
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
