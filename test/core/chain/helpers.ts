/**
 * Test helpers for the chain service: a devnet in a temp folder, a JSON-file PendingAnchorStore
 * (the ledger implements the real one on SQLite), and EIP-712 signing of notarizations.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, hexlify, parseEther, randomBytes } from 'ethers';
import type { BaseWallet, HDNodeWallet } from 'ethers';
import { Devnet } from '../../../main/core/chain/devnet.ts';
import type { OpenDevnetOptions } from '../../../main/core/chain/devnet.ts';
import type { AnchorRequest, PendingAnchor, PendingAnchorStore } from '../../../main/core/chain/types.ts';
import { NOTARIZATION_TYPES, ZERO_BYTES32, notaryDomain } from '../../../shared/notary/typed-data.ts';
import type { NotarizationMessage } from '../../../shared/notary/typed-data.ts';

/** A fresh temp folder; remove it with `removeDir`. */
export function tempDir(prefix = 'notarium-chain-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Opens a devnet in a new temp folder (its `dir` is removed by `closeDevnet`). */
export async function openTempDevnet(options: Partial<OpenDevnetOptions> = {}): Promise<Devnet> {
  return await Devnet.open({ dir: join(tempDir(), 'devnet'), durable: false, ...options });
}

export async function closeDevnet(devnet: Devnet | undefined): Promise<void> {
  if (devnet === undefined) return;
  await devnet.close();
  removeDir(join(devnet.dir, '..'));
}

/** A random funded account on the devnet. */
export async function fundedWallet(devnet: Devnet, ether = '10'): Promise<HDNodeWallet> {
  const wallet = Wallet.createRandom(devnet.provider);
  await devnet.fund(wallet.address, parseEther(ether));
  return wallet;
}

export function randomBytes32(): string {
  return hexlify(randomBytes(32));
}

/** A notarization message for `authors` with random root and manifest digest. */
export function message(authors: string[], overrides: Partial<NotarizationMessage> = {}): NotarizationMessage {
  return { root: randomBytes32(), manifestDigest: randomBytes32(), title: 'Cohort A, wave 3 (2026) — ünïcode', authors, supersedes: ZERO_BYTES32, ...overrides };
}

/** EIP-712 signature of `signer` over `msg` for the registry at `registry` on chain 31337. */
export async function signNotarization(signer: BaseWallet, registry: string, msg: NotarizationMessage, chainId = 31337n): Promise<string> {
  return await signer.signTypedData(notaryDomain(chainId, registry), NOTARIZATION_TYPES, msg);
}

/** A signed AnchorRequest by `wallets` (all EOAs). */
export async function signedRequest(wallets: BaseWallet[], registry: string, overrides: Partial<NotarizationMessage> = {}): Promise<AnchorRequest> {
  const msg = message(wallets.map((w) => w.address), overrides);
  const signatures = await Promise.all(wallets.map((w) => signNotarization(w, registry, msg)));
  return { ...msg, signatures };
}

/**
 * PendingAnchorStore on a JSON file, re-read on every call, so a new instance on the same file
 * behaves like the store after a process restart. `crash` simulates the process dying at the
 * n-th save: `after` the record was written, or `before` (the save is lost).
 */
export class JsonFileAnchorStore implements PendingAnchorStore {
  readonly path: string;
  saves = 0;
  readonly #crash: { onSave: number; when: 'before' | 'after' } | undefined;

  constructor(path: string, options: { crash?: { onSave: number; when: 'before' | 'after' } } = {}) {
    this.path = path;
    this.#crash = options.crash;
  }

  #read(): PendingAnchor[] {
    return existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as PendingAnchor[]) : [];
  }

  getPendingAnchor(chainId: string, contract: string, root: string): PendingAnchor | undefined {
    return this.#read().find((a) => a.chainId === chainId && a.contract === contract && a.root === root);
  }

  savePendingAnchor(anchor: PendingAnchor): void {
    this.saves++;
    const crashing = this.saves === this.#crash?.onSave;
    if (crashing && this.#crash?.when === 'before') throw new Error('simulated crash before save');
    const all = this.#read().filter((a) => !(a.chainId === anchor.chainId && a.contract === anchor.contract && a.root === anchor.root));
    writeFileSync(this.path, JSON.stringify([...all, anchor]));
    if (crashing) throw new Error('simulated crash after save');
  }

  all(): PendingAnchor[] {
    return this.#read();
  }
}
