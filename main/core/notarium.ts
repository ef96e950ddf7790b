/**
 * Notarium's service container: one data folder's account, ledger, IPFS node, age cipher
 * pool and chain connection, opened lazily (verifying offline starts no IPFS node or
 * chain), and the main jobs on top of them. The CLI, the Electron IPC handlers and the
 * end-to-end test bridge all call this class; it never imports Electron.
 */
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './fs/durable-files.ts';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import { Contract, getAddress, parseEther, recoverAddress, type JsonRpcApiProvider, type Wallet } from 'ethers';
import { NotariumError, isNotariumError } from '../../shared/errors.ts';
import { cidRequestSchema, draftRequestSchema, shareRequestSchema, type ShareRequest, notarizeRequestSchema, parseRequest, retrieveRequestSchema, verifyRequestSchema, passphraseSchema, type CidRequest, type DraftRequest, type NotarizeRequest, type RetrieveRequest, type VerifyRequest } from '../../shared/api/schemas.ts';
import { NOTARIZATION_TYPES, ZERO_BYTES32, notaryDomain } from '../../shared/notary/typed-data.ts';
import { buildDatasetTree } from '../../shared/notary/leaf.ts';
import { manifestDigest, parseManifest, type ManifestAuthor } from '../../shared/notary/manifest.ts';
import { SHARE_TICKET_FORMAT, parseShareJson, shareTicketSchema, type ShareTicket } from '../../shared/notary/share.ts';
import { DRAFT_FORMAT, SIGNATURE_FORMAT, draftDigest, draftMessage, parseDraft, parseSignatureFile, type Draft, type SignatureFile } from '../../shared/notary/draft.ts';
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
  /** The age cipher worker module, where a bundler emits it (the desktop app); default next to the crypto service. */
  cipherWorkerUrl?: URL;
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

/** Re-words a missing block as what it means to the user: this dataset is not on this machine. */
async function* explainMissing(source: AsyncIterable<Uint8Array>, cid: string, ipfsDir: string): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (e) {
    if (isNotariumError(e) && e.code === 'NOT_FOUND') {
      throw new NotariumError('NOT_FOUND', `The encrypted data ${cid} is not in this machine's IPFS store (${ipfsDir}): import the dataset's CAR file, or connect to an IPFS node that has it.`, { cause: e });
    }
    throw e;
  }
}

/** @throws NotariumError('INVALID_INPUT') unless `dir` is an existing folder we can write to. */
async function assertWritableFolder(dir: string, what: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (st === null || !st.isDirectory()) throw new NotariumError('INVALID_INPUT', `The ${what} folder ${dir} does not exist.`);
  await access(dir, fsConstants.W_OK).catch(() => {
    throw new NotariumError('INVALID_INPUT', `The ${what} folder ${dir} is not writable.`);
  });
}

async function readDraft(file: string): Promise<Draft> {
  const text = await readFile(path.resolve(file), 'utf8').catch((e: unknown) => {
    throw new NotariumError('NOT_FOUND', `Draft not found: ${file}`, { cause: e });
  });
  const draft = parseDraft(text);
  // The draft is outside input: its manifest must be what its digest says.
  if (manifestDigest(draft.manifest) !== draft.manifestDigest) throw new NotariumError('INVALID_INPUT', 'The draft manifest does not match its manifest digest.');
  const manifest = parseManifest(draft.manifest);
  if (buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256])).root !== draft.root) throw new NotariumError('INVALID_INPUT', 'The draft root does not match its manifest.');
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
    const st = await stat(layout.root).catch(() => null);
    if (st !== null && !st.isDirectory()) throw new NotariumError('INVALID_INPUT', `The data folder ${layout.root} is not a folder.`);
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
        cat: (cid, signal) => explainMissing(ipfs.cat(CID.parse(cid), signal === undefined ? {} : { signal }), cid, this.layout.ipfsDir),
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
    if (req.receiptOut !== undefined) await assertWritableFolder(path.dirname(path.resolve(req.receiptOut)), 'receipt');
    // Unlock first: a wrong passphrase must fail before any work or write.
    const account = await this.#accounts.unlock(call.passphrase);
    const self = { address: account.address, ...(req.authorName === undefined ? {} : { name: req.authorName }), ...(req.authorOrcid === undefined ? {} : { orcid: req.authorOrcid }) };
    const drafted = await this.#prepareDraft(
      { inputs: req.inputs, title: req.title, authors: [self], public: req.public, recipients: req.recipients, supersedes: ZERO_BYTES32 },
      call,
    );
    const signature = await account.wallet.signTypedData(notaryDomain(BigInt(drafted.draft.network.chainId), drafted.draft.contract), NOTARIZATION_TYPES, draftMessage(drafted.draft));
    const result = await this.#anchorDraft(drafted.draft, [signature], account.wallet, {
      confirmations: req.confirmations,
      receiptPath: req.receiptOut ?? path.join(drafted.baseDir, `${slug(req.title)}-${drafted.draft.root.slice(2, 10)}.notarium-receipt.json`),
      ...(call.signal === undefined ? {} : { signal: call.signal }),
    });
    return { ...result, bytesPerSecond: drafted.bytesPerSecond, warnings: [...drafted.warnings, ...result.warnings] };
  }

  /**
   * Co-authoring step 1 (issue: co-authors): encrypts and stores the files exactly as
   * notarize does and writes a draft — root, manifest, title, authors, chain — that can be
   * e-mailed to co-authors. Needs no passphrase (only the public age recipient).
   * @throws NotariumError('INVALID_INPUT' | 'NOT_FOUND' | 'ACCOUNT_MISSING' | 'ALREADY_EXISTS' | 'RECEIPT_INVALID').
   */
  async draft(input: DraftRequest, call: Omit<NotarizeCallOptions, 'passphrase'> = {}): Promise<{ draftPath: string; draft: Draft; warnings: string[] }> {
    const req = parseRequest(draftRequestSchema, input);
    const me = await this.#accounts.readPublic();
    let supersedes = ZERO_BYTES32;
    if (req.supersedes !== undefined) {
      const old = parseReceipt(await readFile(path.resolve(req.supersedes), 'utf8').catch((e: unknown) => {
        throw new NotariumError('NOT_FOUND', `Receipt to supersede not found: ${req.supersedes}`, { cause: e });
      }));
      supersedes = old.root;
    }
    const authors = req.authors.length > 0 ? req.authors : [{ address: me.address }];
    const drafted = await this.#prepareDraft({ inputs: req.inputs, title: req.title, authors, public: req.public, recipients: req.recipients, supersedes }, call);
    const draftPath = await freePath(path.resolve(req.out ?? path.join(drafted.baseDir, `${slug(req.title)}-${drafted.draft.root.slice(2, 10)}.notarium-draft.json`)), '.notarium-draft.json');
    await writeFileAtomic(draftPath, new TextEncoder().encode(`${JSON.stringify(drafted.draft, null, 2)}\n`), 'fsync');
    return { draftPath, draft: drafted.draft, warnings: drafted.warnings };
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
   * Co-authoring step 3: checks every signature file against the draft (ECDSA, or ERC-1271
   * on the chain for contract wallets), then anchors once; the submitter (this account)
   * pays the gas. With `supersedesReceipt`, also checks the draft names that receipt's root.
   * @throws NotariumError('SIGNATURE_INVALID') listing missing or invalid signatures (nothing sent),
   *   ('CHAIN_ID_MISMATCH') when the draft is for another chain or registry, chain errors.
   */
  async anchorDraft(draftFile: string, signatureFiles: readonly string[], call: NotarizeCallOptions & { confirmations?: number; receiptOut?: string; supersedesReceipt?: string }): Promise<NotarizeResult> {
    const draft = await readDraft(draftFile);
    if (call.supersedesReceipt !== undefined) {
      const old = parseReceipt(await readFile(path.resolve(call.supersedesReceipt), 'utf8').catch((e: unknown) => {
        throw new NotariumError('NOT_FOUND', `Receipt not found: ${call.supersedesReceipt}`, { cause: e });
      }));
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
    if ((await chain.provider.getCode(author)) === '0x') return false;
    try {
      const wallet = new Contract(author, ['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)'], chain.provider);
      return ((await wallet.getFunction('isValidSignature').staticCall(digest, signature)) as string).toLowerCase() === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }

  /** Encrypts and stores the files, builds the manifest and root, records the dataset, returns the draft. */
  async #prepareDraft(
    req: { inputs: string[]; title: string; authors: ManifestAuthor[]; public: boolean; recipients: string[]; supersedes: string },
    call: { onProgress?: (p: Progress) => void; signal?: AbortSignal },
  ): Promise<{ draft: Draft; baseDir: string; bytesPerSecond: number; warnings: string[] }> {
    const { parseRecipient } = await import('./crypto/index.ts');
    for (const r of req.recipients) parseRecipient(r);
    const inputs = await collectInputs(req.inputs);
    const me = await this.#accounts.readPublic();
    // A remote chain is checked before hours of encryption (fail fast on a bad RPC or chain
    // id); the embedded devnet cannot fail that way and starts after the files are stored,
    // so its memory does not add to the encryption pipeline's peak.
    const early = this.#usesDevnet() ? null : await this.#chainContext();
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);

    const started = performance.now();
    const meter = new ProgressMeter('encrypting', inputs.files.length, inputs.totalBytes, call.onProgress);
    const recipients = [...new Set([me.recipient, ...req.recipients])];
    const prepared = await prepareDataset({
      files: inputs.files,
      title: req.title,
      authors: req.authors,
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
    const draft: Draft = {
      format: DRAFT_FORMAT,
      version: 1,
      network: { name: chain.name, chainId: chain.chainId.toString(), local: chain.local },
      contract: getAddress(chain.registry),
      root: prepared.root,
      title: req.title,
      authors: req.authors.map((a) => ({ ...a, address: getAddress(a.address) })),
      supersedes: req.supersedes,
      manifestDigest: prepared.manifestDigest,
      manifest: prepared.manifestText,
      storage: { manifestHeaderCid: prepared.manifestHeaderCid, manifestPayloadCid: prepared.manifestPayloadCid },
      summary: { fileCount: inputs.files.length, totalBytes: inputs.totalBytes },
    };
    this.#recordDraft(draft, 'prepared');
    return { draft, baseDir: inputs.baseDir, bytesPerSecond: seconds > 0 ? inputs.totalBytes / seconds : 0, warnings: inputs.warnings };
  }

  /** Inserts the draft's dataset into the ledger unless it is there already; returns its id. */
  #recordDraft(draft: Draft, status: 'prepared' | 'pending'): string {
    const ledger = this.#ledgerDb();
    const existing = ledger.getDataset(draft.root);
    if (existing !== undefined) return existing.id;
    const manifest = parseManifest(draft.manifest);
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
      files: manifest.files.map((f, i) => ({ leafIndex: i, ...f })),
      authors: draft.authors.map((a) => ({ address: a.address, name: a.name ?? null, orcid: a.orcid ?? null })),
    }).id;
  }

  /** Anchors a fully signed draft, waits for confirmations, writes and records the receipt. */
  async #anchorDraft(draft: Draft, signatures: string[], wallet: Wallet, opts: { confirmations: number; receiptPath: string; signal?: AbortSignal }): Promise<Omit<NotarizeResult, 'bytesPerSecond' | 'warnings'> & { bytesPerSecond: number; warnings: string[] }> {
    const chain = await this.#chainContext();
    const ledger = this.#ledgerDb();
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
      ...(chain.devnet === null ? {} : { mine: (n: number) => (chain.devnet as DevnetConnection).mine(n), pollIntervalMs: 50 }),
      ...(this.#opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#opts.pollIntervalMs }),
    });
    let anchored;
    try {
      anchored = await anchors.anchor(
        { root: draft.root, manifestDigest: draft.manifestDigest, title: draft.title, authors: draft.authors.map((a) => a.address), signatures, supersedes: draft.supersedes },
        wallet.connect(chain.provider),
        { confirmations: opts.confirmations, ...(opts.signal === undefined ? {} : { signal: opts.signal }) },
      );
    } catch (e) {
      if (!isNotariumError(e) || (e.code !== 'ANCHOR_PENDING' && e.code !== 'CANCELLED')) ledger.setDatasetStatus(datasetId, 'failed');
      throw e;
    }
    const submitter = anchored.alreadyAnchored ? ((await this.#registrySubmitter(chain, draft.root)) ?? wallet.address) : wallet.address;
    const manifest = parseManifest(draft.manifest);
    const { proofs } = buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256]));
    const receipt: Receipt = {
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
      files: manifest.files.map((f, i) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: proofs[i] ?? [] })),
    };
    const text = serializeReceipt(receipt);
    const bytes = new TextEncoder().encode(text);
    // The anchor is on-chain now: keep the receipt in the data folder first, so a failure
    // writing the user's copy can never lose it (`notarium receipt <root>` re-exports it).
    const keptPath = path.join(this.layout.receiptsDir, `${draft.root}.json`);
    await writeFileAtomic(keptPath, bytes, 'fsync');
    const warnings: string[] = [];
    let receiptPath: string;
    try {
      receiptPath = await freePath(path.resolve(opts.receiptPath));
      await writeFileAtomic(receiptPath, bytes, 'fsync');
    } catch (e) {
      receiptPath = keptPath;
      warnings.push(`could not write the receipt to ${opts.receiptPath} (${(e as Error).message}); it is kept at ${keptPath}`);
    }
    ledger.transaction(() => {
      ledger.recordAnchorConfirmed({ chainId: anchored.chainId, contract: anchored.contract, root: draft.root, blockNumber: anchored.blockNumber, blockHash: anchored.blockHash, blockTime: anchored.blockTime, confirmations: anchored.confirmations });
      ledger.setDatasetStatus(datasetId, 'anchored');
      ledger.addReceipt({ datasetId, path: receiptPath, json: text });
    });
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
          return { ...fail(isNotariumError(e) ? e.code : 'CHAIN_FAILED', `cannot reach the chain: ${(e as Error).message}`), unreachable: !isNotariumError(e) || e.code !== 'CHAIN_ID_MISMATCH' };
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
            const localHint = receipt.network.local && v.problems.some((x) => x.code === 'TX_NOT_FOUND' || x.code === 'NOT_ANCHORED')
              ? ' This receipt was anchored on a LOCAL devnet: only the data folder that made it holds that chain (run `notarium devnet` there and verify with --rpc).'
              : '';
            return { check: { status: 'fail', code: p?.code ?? 'CHAIN_FAILED', message: `${v.problems.map((x) => x.message).join(' ')}${localHint}` }, supersededBy: v.supersededBy, unreachable: v.problems.every((x) => x.code === 'RPC_FAILED') };
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
    if (asFile !== null && asFile.includes(`"${SHARE_TICKET_FORMAT}"`)) return this.#retrieveShared(asFile, req.out, call);
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

  /** Retrieval by a share ticket: the recipient's own identity opens the envelope. */
  async #retrieveShared(ticketText: string, out: string, call: NotarizeCallOptions): Promise<RetrieveResult> {
    const ticket = parseShareJson(shareTicketSchema, ticketText, 'share ticket');
    const account = await this.#accounts.unlock(call.passphrase);
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);
    const { openShareEnvelope } = await import('./notary/share.ts');
    const { manifest, headers } = await openShareEnvelope({ ...ticket.envelope, root: ticket.root }, [account.identity], cipher, storage);
    const result = await restoreFiles(manifest, out, [account.identity], cipher, storage, call.onProgress, headers);
    return { ...result, root: ticket.root };
  }

  // ---- share -----------------------------------------------------------------------

  /**
   * Shares a dataset with one age recipient: re-wraps every file key into a new header
   * (payloads untouched, CIDs unchanged) and stores one envelope only the recipient can
   * open; writes a ticket file to send them. With `purpose`, the consent check runs first.
   * Revocation is not possible: see docs/SHARING.md.
   * @throws NotariumError('NOT_FOUND' | 'INVALID_INPUT' | 'WRONG_PASSPHRASE' | 'AGE_DECRYPT_FAILED'),
   *   consent errors ('CONSENT_DENIED', 'CONSENT_REVIEW_REQUIRED').
   */
  async share(input: ShareRequest, call: { passphrase: string }): Promise<{ ticketPath: string; ticket: ShareTicket; seconds: number }> {
    const req = parseRequest(shareRequestSchema, input);
    const { parseRecipient, createRewrapper } = await import('./crypto/index.ts');
    parseRecipient(req.recipient);
    let root = req.dataset;
    const asFile = await readFile(path.resolve(req.dataset), 'utf8').then((t) => t, () => null);
    if (asFile !== null) root = parseReceipt(asFile).root;
    const ds = this.#ledgerDb().getDataset(root);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No dataset ${req.dataset} in this ledger: only datasets notarized here can be shared from here.`);
    // Sharing patient-derived data always runs the consent check (fail closed): a dataset
    // with linked data subjects cannot be shared without stating the purpose.
    if (req.purpose !== undefined) (await this.consent()).assertUseAllowed(ds.id, req.purpose, req.override, 'share');
    else {
      const subjects = (await this.consent()).linkedSubjectCount(ds.id);
      if (subjects > 0) throw new NotariumError('INVALID_INPUT', `This dataset is linked to ${subjects} data subject(s): state the purpose of the share (--purpose …) so their consent can be checked.`);
    }
    const account = await this.#accounts.unlock(call.passphrase);
    const started = performance.now();
    const [ipfs, pool] = await Promise.all([this.#ipfsNode(), this.#cipherPool()]);
    const { cipher, storage } = await this.#ports(pool, ipfs);
    const { fetchManifestText } = await import('./notary/retrieve.ts');
    const { createShareEnvelope } = await import('./notary/share.ts');
    const manifestText = await fetchManifestText({ manifestHeaderCid: ds.manifestHeaderCid, manifestPayloadCid: ds.manifestPayloadCid, manifestDigest: ds.manifestDigest }, [account.identity], cipher, storage);
    const env = await createShareEnvelope({ root: ds.root, manifestText, recipient: req.recipient, sharedBy: account.address, cipher, storage, rewrap: createRewrapper([account.identity], [req.recipient]) });
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
   * Writes the latest receipt of a dataset (id or root) from the ledger to `out`.
   * @throws NotariumError('NOT_FOUND') for an unknown dataset or one without a receipt (not anchored).
   */
  async exportReceipt(dataset: string, out: string): Promise<{ root: string; path: string }> {
    const ledger = this.#ledgerDb();
    const ds = ledger.getDataset(dataset);
    if (ds === undefined) throw new NotariumError('NOT_FOUND', `No dataset ${dataset} in this ledger (see \`notarium datasets\`).`);
    const r = ledger.latestReceipt(ds.id);
    if (r === undefined) throw new NotariumError('NOT_FOUND', `Dataset ${dataset} has no receipt yet (status ${ds.status}).`);
    const target = path.resolve(out);
    await assertWritableFolder(path.dirname(target), 'receipt');
    await writeFileAtomic(target, new TextEncoder().encode(r.json), 'fsync');
    return { root: ds.root, path: target };
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
