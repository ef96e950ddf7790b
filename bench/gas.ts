/**
 * Gas of NotaryRegistry anchoring, measured on the embedded devnet (EDR) in a temp folder.
 *
 *   node bench/gas.ts
 *
 * Prints one JSON line per figure: {"name": ..., "value": ..., "unit": "gas" | "ms" | "bytes" | "count"}.
 * Budget (the chain brief): one author <= 55,000 gas for the whole transaction, each extra author
 * <= +8,000, and no dependence on the dataset's file count. Exits 1 when a budget is exceeded.
 *
 * Calldata bytes are random (roots, signatures), and a zero byte costs 4 gas instead of 16, so
 * totals move by multiples of 12 between runs. Each author count is sampled several times and the
 * median reported; `execution` figures remove the intrinsic cost (21,000 + calldata) and are exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { ContractFactory, Wallet, getBytes, hexlify, parseEther, randomBytes, sha256 } from 'ethers';
import type { BaseWallet, TransactionReceipt } from 'ethers';
import { Devnet } from '../main/core/chain/devnet.ts';
import { NotaryRegistryClient, encodeAnchorCall } from '../main/core/chain/registry.ts';
import { TEST_ERC1271_WALLET } from '../main/core/chain/artifacts.ts';
import type { AnchorRequest } from '../main/core/chain/types.ts';
import { NOTARIZATION_TYPES, ZERO_BYTES32, notaryDomain } from '../shared/notary/typed-data.ts';
import type { NotarizationMessage } from '../shared/notary/typed-data.ts';

const SAMPLES = 5;

function print(name: string, value: number, unit: 'gas' | 'ms' | 'bytes' | 'count'): void {
  process.stdout.write(`${JSON.stringify({ name, value, unit })}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Intrinsic gas of a call: 21,000 + 16 per non-zero and 4 per zero calldata byte (EIP-2028). */
function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4 : 16;
  return gas;
}

const dir = mkdtempSync(join(tmpdir(), 'notarium-bench-gas-'));
let devnet: Devnet | undefined;
let failed = false;
try {
  let started = performance.now();
  devnet = await Devnet.open({ dir: join(dir, 'devnet') });
  print('devnet.open_new', Math.round(performance.now() - started), 'ms');
  const address = await devnet.ensureRegistry();
  const deployReceipt = await devnet.provider.getTransactionReceipt(devnet.registryRecord?.txHash ?? '');
  print('registry.deploy', Number(deployReceipt?.gasUsed ?? 0n), 'gas');

  const submitter = Wallet.createRandom(devnet.provider);
  await devnet.fund(submitter.address, parseEther('100'));
  const registry = new NotaryRegistryClient(address, submitter);
  const domain = notaryDomain(devnet.chainId, address);

  const sign = async (signers: BaseWallet[], msg: NotarizationMessage): Promise<string[]> => await Promise.all(signers.map((s) => s.signTypedData(domain, NOTARIZATION_TYPES, msg)));
  const anchor = async (request: AnchorRequest): Promise<{ receipt: TransactionReceipt; execution: number }> => {
    const receipt = await registry.anchor(request, submitter);
    return { receipt, execution: Number(receipt.gasUsed) - intrinsicGas(encodeAnchorCall(request)) };
  };
  const randomMessage = (authors: string[], root = hexlify(randomBytes(32))): NotarizationMessage => ({
    root, manifestDigest: hexlify(randomBytes(32)), title: 'Benchmark dataset', authors, supersedes: ZERO_BYTES32,
  });

  // Authors.
  const byAuthors = new Map<number, { gas: number; execution: number }>();
  for (const count of [1, 2, 3, 5]) {
    const gas: number[] = [];
    const execution: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const signers = Array.from({ length: count }, () => Wallet.createRandom());
      const msg = randomMessage(signers.map((s) => s.address));
      const result = await anchor({ ...msg, signatures: await sign(signers, msg) });
      gas.push(Number(result.receipt.gasUsed));
      execution.push(result.execution);
    }
    byAuthors.set(count, { gas: median(gas), execution: median(execution) });
    print(`anchor.authors_${count}`, median(gas), 'gas');
    print(`anchor.authors_${count}.execution`, median(execution), 'gas');
  }
  const one = byAuthors.get(1);
  const five = byAuthors.get(5);
  const perExtraAuthor = one !== undefined && five !== undefined ? Math.round((five.gas - one.gas) / 4) : Number.NaN;
  print('anchor.per_extra_author', perExtraAuthor, 'gas');
  if ((one?.gas ?? Infinity) > 55_000 || !(perExtraAuthor <= 8_000)) failed = true;

  // File count: a 1-file tree and a 10,000-file tree, leaves (sha256 of content, salt).
  const leaf = (i: number): [string, string] => [sha256(new TextEncoder().encode(`file ${i}`)), hexlify(randomBytes(32))];
  started = performance.now();
  const big = StandardMerkleTree.of(Array.from({ length: 10_000 }, (_, i) => leaf(i)), ['bytes32', 'bytes32']);
  print('merkle.tree_10000_build', Math.round(performance.now() - started), 'ms');
  const small = StandardMerkleTree.of([leaf(0)], ['bytes32', 'bytes32']);
  const author = Wallet.createRandom();
  const results: Record<string, { gas: number; execution: number; calldata: number }> = {};
  for (const [name, tree] of [['files_1', small], ['files_10000', big]] as const) {
    const msg = randomMessage([author.address], tree.root);
    const request = { ...msg, signatures: await sign([author], msg) };
    const { receipt, execution } = await anchor(request);
    results[name] = { gas: Number(receipt.gasUsed), execution, calldata: getBytes(encodeAnchorCall(request)).length };
    print(`anchor.${name}`, Number(receipt.gasUsed), 'gas');
    print(`anchor.${name}.execution`, execution, 'gas');
    print(`anchor.${name}.calldata`, results[name].calldata, 'bytes');
  }
  const delta = (results.files_10000?.execution ?? 0) - (results.files_1?.execution ?? 0);
  print('anchor.file_count_execution_delta', delta, 'gas');
  if (delta !== 0 || results.files_10000?.calldata !== results.files_1?.calldata) failed = true;

  // Contract wallets (ERC-1271): a 1-of-1 wallet (65-byte inline slot) and a 2-of-2 (130-byte tail).
  for (const [name, threshold] of [['erc1271_1of1', 1], ['erc1271_2of2', 2]] as const) {
    const owners = Array.from({ length: threshold }, () => Wallet.createRandom());
    const factory = new ContractFactory(TEST_ERC1271_WALLET.abi, TEST_ERC1271_WALLET.bytecode, submitter);
    const wallet = await factory.deploy(owners.map((o) => o.address), threshold);
    await wallet.waitForDeployment();
    const msg = randomMessage([await wallet.getAddress()]);
    const ownerSigs = await sign(owners, msg);
    const { receipt } = await anchor({ ...msg, signatures: [hexlify(new Uint8Array(ownerSigs.flatMap((s) => [...getBytes(s)])))] });
    print(`anchor.${name}`, Number(receipt.gasUsed), 'gas');
  }

  // Supersession of an anchored root (one author).
  const supersedingAuthor = Wallet.createRandom();
  const v1 = randomMessage([supersedingAuthor.address]);
  await anchor({ ...v1, signatures: await sign([supersedingAuthor], v1) });
  const v2 = { ...randomMessage([supersedingAuthor.address]), supersedes: v1.root };
  const { receipt: supersede } = await anchor({ ...v2, signatures: await sign([supersedingAuthor], v2) });
  print('supersede.authors_1', Number(supersede.gasUsed), 'gas');

  // Persistence: reopening replays the journal.
  const entries = devnet.journalLength;
  await devnet.close();
  started = performance.now();
  devnet = await Devnet.open({ dir: join(dir, 'devnet') });
  print('devnet.reopen', Math.round(performance.now() - started), 'ms');
  print('devnet.replay_entries', entries, 'count');
  print('devnet.replay', devnet.replay.ms, 'ms');
} finally {
  await devnet?.close();
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  process.stderr.write('gas budget exceeded or file count changed the gas\n');
  process.exitCode = 1;
}
