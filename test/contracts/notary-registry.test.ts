import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractFactory, Signature, TypedDataEncoder, Wallet, concat, getBytes, hexlify, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from 'ethers';
import type { BaseWallet, HDNodeWallet, TransactionReceipt } from 'ethers';
import type { Devnet } from '../../main/core/chain/devnet.ts';
import { NotaryRegistryClient, decodeRegistryLogs, encodeAnchorCall, registryError, titleHash } from '../../main/core/chain/registry.ts';
import { TEST_ERC1271_WALLET, TEST_MULTICALL } from '../../main/core/chain/artifacts.ts';
import type { AnchorRequest } from '../../main/core/chain/types.ts';
import { NOTARIZATION_TYPES, NOTARIZATION_TYPE_STRING, ZERO_BYTES32, notaryDomain } from '../../shared/notary/typed-data.ts';
import { closeDevnet, fundedWallet, message, openTempDevnet, signNotarization, signedRequest } from '../core/chain/helpers.ts';

let devnet: Devnet;
let submitter: HDNodeWallet;
let registry: NotaryRegistryClient;

beforeAll(async () => {
  devnet = await openTempDevnet();
  submitter = await fundedWallet(devnet);
  registry = new NotaryRegistryClient(await devnet.ensureRegistry(), submitter);
});

afterAll(async () => {
  await closeDevnet(devnet);
});

/** Sends raw calldata to the registry (bypassing the client's own input checks) and returns the contract error name. */
async function revertOf(data: string, from: BaseWallet = submitter): Promise<{ error: unknown; args: Record<string, unknown> }> {
  try {
    await from.call({ to: registry.address, data });
  } catch (e) {
    const mapped = registryError(e);
    return { error: mapped.details?.error, args: (mapped.details?.args ?? {}) as Record<string, unknown> };
  }
  throw new Error('expected a revert');
}

async function anchorErrorOf(request: AnchorRequest, from: BaseWallet = submitter): Promise<{ code: string; error: unknown; args: Record<string, unknown> }> {
  try {
    await new NotaryRegistryClient(registry.address, from).anchor(request, from);
  } catch (e) {
    const err = e as { code: string; details?: { error?: unknown; args?: Record<string, unknown> } };
    return { code: err.code, error: err.details?.error, args: err.details?.args ?? {} };
  }
  throw new Error('expected anchoring to fail');
}

async function deployWallet(owners: string[], threshold: number): Promise<string> {
  const factory = new ContractFactory(TEST_ERC1271_WALLET.abi, TEST_ERC1271_WALLET.bytecode, submitter);
  const wallet = await factory.deploy(owners, threshold);
  await wallet.waitForDeployment();
  return await wallet.getAddress();
}

describe('NotaryRegistry EIP-712 domain and digest', () => {
  it('uses the domain and struct hash computed off-chain by ethers', async () => {
    const domain = notaryDomain(31337n, registry.address);
    expect(await registry.domainSeparator()).toBe(TypedDataEncoder.hashDomain(domain));
    expect(await registry.contract.getFunction('NOTARIZATION_TYPEHASH').staticCall()).toBe(keccak256(toUtf8Bytes(NOTARIZATION_TYPE_STRING)));
    const msg = message([Wallet.createRandom().address, Wallet.createRandom().address], { supersedes: keccak256('0x01') });
    expect(await registry.notarizationDigest(msg)).toBe(TypedDataEncoder.hash(domain, NOTARIZATION_TYPES, msg));
  });

  it('anchors a root signed off-chain with ethers signTypedData and records block time and submitter', async () => {
    const author = Wallet.createRandom();
    const request = await signedRequest([author], registry.address);
    const receipt = await registry.anchor(request, submitter);
    const block = await devnet.provider.getBlock(receipt.blockNumber);
    expect(await registry.anchorOf(request.root)).toEqual({ timestamp: block?.timestamp, submitter: submitter.address });
    const [event] = decodeRegistryLogs(receipt.logs, registry.address).anchored;
    expect(event).toMatchObject({ root: request.root, manifestDigest: request.manifestDigest, titleHash: titleHash(request.title), authors: [author.address], supersedes: ZERO_BYTES32 });
  });

  it('reports a root that was never anchored as null', async () => {
    expect(await registry.anchorOf(keccak256('0x1234'))).toBeNull();
  });
});

describe('NotaryRegistry anchoring rules', () => {
  it('refuses a second anchoring of the same root with AlreadyAnchored, keeping the first', async () => {
    const request = await signedRequest([Wallet.createRandom()], registry.address);
    await registry.anchor(request, submitter);
    const first = await registry.anchorOf(request.root);
    const other = await fundedWallet(devnet);
    const failure = await anchorErrorOf(request, other);
    expect(failure).toMatchObject({ code: 'ALREADY_ANCHORED', error: 'AlreadyAnchored', args: { root: request.root } });
    expect(await registry.anchorOf(request.root)).toEqual(first);
  });

  it('rejects a signature by another key, naming the author index and address', async () => {
    const [a, b, forger] = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const request = await signedRequest([a, b], registry.address);
    request.signatures[1] = await signNotarization(forger, registry.address, { ...request, supersedes: ZERO_BYTES32 });
    expect(await anchorErrorOf(request)).toMatchObject({ code: 'SIGNATURE_INVALID', error: 'InvalidSignature', args: { index: '1', author: b.address } });
    expect(await registry.anchorOf(request.root)).toBeNull();
  });

  it('rejects a signature over another title (the title hash is part of the signed struct)', async () => {
    const author = Wallet.createRandom();
    const request = await signedRequest([author], registry.address);
    expect(await anchorErrorOf({ ...request, title: `${request.title}!` })).toMatchObject({ code: 'SIGNATURE_INVALID', error: 'InvalidSignature' });
  });

  it('rejects the malleated (high-s) twin of a valid signature', async () => {
    const author = Wallet.createRandom();
    const request = await signedRequest([author], registry.address);
    const sig = Signature.from(request.signatures[0]);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = concat([sig.r, toBeHex(n - BigInt(sig.s), 32), sig.v === 27 ? '0x1c' : '0x1b']);
    expect(await anchorErrorOf({ ...request, signatures: [twin] })).toMatchObject({ code: 'SIGNATURE_INVALID', error: 'InvalidSignature' });
  });

  it('rejects empty and duplicate author lists and short signature blobs', async () => {
    const a = Wallet.createRandom();
    const request = await signedRequest([a], registry.address);
    const iface = registry.contract.interface;
    const hash = titleHash(request.title);
    const sig = request.signatures[0] ?? '';
    expect(await revertOf(iface.encodeFunctionData('anchor', [request.root, request.manifestDigest, hash, [], '0x']))).toMatchObject({ error: 'NoAuthors' });
    // Signed over [a, a], so author 0 verifies and the duplicate is what fails.
    const twice = message([a.address, a.address]);
    const sigTwice = await signNotarization(a, registry.address, twice);
    expect(await revertOf(iface.encodeFunctionData('anchor', [twice.root, twice.manifestDigest, titleHash(twice.title), twice.authors, concat([sigTwice, sigTwice])])))
      .toEqual({ error: 'DuplicateAuthor', args: { index: '1', author: a.address } });
    expect(await revertOf(iface.encodeFunctionData('anchor', [request.root, request.manifestDigest, hash, [a.address], hexlify(getBytes(sig).subarray(0, 64))])))
      .toEqual({ error: 'SignaturesTooShort', args: { minLength: '65', length: '64' } });
    expect(await revertOf(iface.encodeFunctionData('anchor', [ZERO_BYTES32, request.manifestDigest, hash, [a.address], sig]))).toMatchObject({ error: 'ZeroRoot' });
  });

  it('keeps duplicate detection per anchoring: the same authors can anchor two roots in one transaction', async () => {
    const [a, b] = [Wallet.createRandom(), Wallet.createRandom()];
    const first = await signedRequest([a, b], registry.address);
    const second = await signedRequest([b, a], registry.address);
    const factory = new ContractFactory(TEST_MULTICALL.abi, TEST_MULTICALL.bytecode, submitter);
    const multicall = await factory.deploy();
    await multicall.waitForDeployment();
    const tx = await multicall.getFunction('multicall')(registry.address, [encodeAnchorCall(first), encodeAnchorCall(second)]);
    await tx.wait();
    expect(await registry.anchorOf(first.root)).not.toBeNull();
    expect(await registry.anchorOf(second.root)).not.toBeNull();
  });

  it('rejects a tail entry that points outside the blob', async () => {
    const a = Wallet.createRandom();
    const request = await signedRequest([a], registry.address);
    const slot = concat([zeroPadValue(toBeHex(65), 32), zeroPadValue(toBeHex(100), 32), '0x00']);
    const data = registry.contract.interface.encodeFunctionData('anchor', [request.root, request.manifestDigest, titleHash(request.title), [a.address], concat([slot, '0x1234'])]);
    expect(await revertOf(data)).toEqual({ error: 'InvalidSignature', args: { index: '0', author: a.address } });
  });
});

describe('NotaryRegistry with ERC-1271 contract wallets', () => {
  it('accepts a 1-of-1 wallet author whose signature is its owner\'s 65-byte ECDSA signature (inline slot)', async () => {
    const owner = Wallet.createRandom();
    const walletAddress = await deployWallet([owner.address], 1);
    const eoa = Wallet.createRandom();
    const msg = message([eoa.address, walletAddress]);
    const signatures = [await signNotarization(eoa, registry.address, msg), await signNotarization(owner, registry.address, msg)];
    const receipt = await registry.anchor({ ...msg, signatures }, submitter);
    expect(decodeRegistryLogs(receipt.logs, registry.address).anchored[0]?.authors).toEqual([eoa.address, walletAddress]);
  });

  it('accepts a 2-of-2 wallet author with a 130-byte signature passed in the blob tail', async () => {
    const owners = [Wallet.createRandom(), Wallet.createRandom()];
    const walletAddress = await deployWallet(owners.map((o) => o.address), 2);
    const msg = message([walletAddress]);
    const ownerSigs = await Promise.all(owners.map((o) => signNotarization(o, registry.address, msg)));
    const receipt = await registry.anchor({ ...msg, signatures: [concat(ownerSigs)] }, submitter);
    expect(receipt.status).toBe(1);
    expect(await registry.anchorOf(msg.root)).not.toBeNull();
  });

  it('rejects a wallet author when the wallet refuses the signature', async () => {
    const owners = [Wallet.createRandom(), Wallet.createRandom()];
    const walletAddress = await deployWallet(owners.map((o) => o.address), 2);
    const msg = message([walletAddress]);
    const oneOwner = await signNotarization(owners[0] ?? Wallet.createRandom(), registry.address, msg);
    expect(await anchorErrorOf({ ...msg, signatures: [concat([oneOwner, oneOwner])] })).toMatchObject({ code: 'SIGNATURE_INVALID', args: { index: '0', author: walletAddress } });
  });
});

describe('NotaryRegistry supersession', () => {
  async function anchorV1(authors: BaseWallet[], from: BaseWallet = submitter): Promise<AnchorRequest> {
    const v1 = await signedRequest(authors, registry.address);
    await new NotaryRegistryClient(registry.address, from).anchor(v1, from);
    return v1;
  }

  it('links a new version to the old root, keeps the old anchor, and emits Anchored + Superseded', async () => {
    const author = Wallet.createRandom();
    const v1 = await anchorV1([author]);
    const before = await registry.anchorOf(v1.root);
    const v2 = await signedRequest([author], registry.address, { supersedes: v1.root });
    const receipt: TransactionReceipt = await registry.anchor(v2, submitter);
    expect(await registry.supersededBy(v1.root)).toBe(v2.root);
    expect(await registry.supersededBy(v2.root)).toBeNull();
    expect(await registry.anchorOf(v1.root)).toEqual(before);
    const events = decodeRegistryLogs(receipt.logs, registry.address);
    expect(events.superseded).toEqual([{ oldRoot: v1.root, newRoot: v2.root }]);
    expect(events.anchored[0]).toMatchObject({ root: v2.root, supersedes: v1.root });
  });

  it('refuses to supersede a root twice, a root never anchored, or with signatures over supersedes = 0', async () => {
    const author = Wallet.createRandom();
    const v1 = await anchorV1([author]);
    await registry.anchor(await signedRequest([author], registry.address, { supersedes: v1.root }), submitter);
    const again = await signedRequest([author], registry.address, { supersedes: v1.root });
    expect(await anchorErrorOf(again)).toMatchObject({ code: 'ALREADY_EXISTS', error: 'AlreadySuperseded' });
    const ghost = keccak256('0xdead');
    expect(await anchorErrorOf(await signedRequest([author], registry.address, { supersedes: ghost }))).toMatchObject({ code: 'NOT_FOUND', error: 'NotAnchored' });
    const other = await anchorV1([author]);
    const unsigned = await signedRequest([author], registry.address);
    expect(await anchorErrorOf({ ...unsigned, supersedes: other.root })).toMatchObject({ code: 'SIGNATURE_INVALID', error: 'InvalidSignature' });
  });

  it('lets only the old submitter send it or co-sign it (a stranger cannot mark a dataset superseded)', async () => {
    const author = Wallet.createRandom();
    const v1 = await anchorV1([author]);
    const stranger = await fundedWallet(devnet);
    const byStranger = await signedRequest([stranger], registry.address, { supersedes: v1.root });
    expect(await anchorErrorOf(byStranger, stranger)).toMatchObject({ code: 'SIGNATURE_INVALID', error: 'SupersessionNotAuthorized', args: { oldSubmitter: submitter.address } });
    // The old submitter co-signs as an author; anyone may then send it.
    const coSigned = await signedRequest([stranger, submitter], registry.address, { supersedes: v1.root });
    await new NotaryRegistryClient(registry.address, stranger).anchor(coSigned, stranger);
    expect(await registry.supersededBy(v1.root)).toBe(coSigned.root);
  });
});

describe('NotaryRegistry gas (budget: 55,000 for one author, +8,000 per extra author)', () => {
  it('stays within budget for 1, 2, 3 and 5 EOA authors', async () => {
    const gas: number[] = [];
    for (const count of [1, 2, 3, 5]) {
      const authors = Array.from({ length: count }, () => Wallet.createRandom());
      const receipt = await registry.anchor(await signedRequest(authors, registry.address), submitter);
      gas.push(Number(receipt.gasUsed));
    }
    const [one, two, three, five] = gas as [number, number, number, number];
    expect(one).toBeLessThanOrEqual(55_000);
    expect(two - one).toBeLessThanOrEqual(8_000);
    expect(three - two).toBeLessThanOrEqual(8_000);
    expect((five - three) / 2).toBeLessThanOrEqual(8_000);
  });

  it('keeps the per-author cost flat for long author lists (10 vs 20 authors)', async () => {
    const gasFor = async (count: number): Promise<number> => {
      const authors = Array.from({ length: count }, () => Wallet.createRandom());
      return Number((await registry.anchor(await signedRequest(authors, registry.address), submitter)).gasUsed);
    };
    const ten = await gasFor(10);
    const twenty = await gasFor(20);
    expect((twenty - ten) / 10).toBeLessThanOrEqual(8_000);
  });

  it('costs the same calldata whatever the dataset size: only the root is sent', () => {
    const request: AnchorRequest = { ...message([Wallet.createRandom().address]), signatures: [`0x${'11'.repeat(64)}1b`] };
    expect(getBytes(encodeAnchorCall(request)).length).toBe(4 + 32 * 5 + 32 * 2 + 32 + 96);
  });
});
