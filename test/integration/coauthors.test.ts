/**
 * Co-authors sign offline (EIP-712, no gas) on their own machines; the submitter anchors
 * once. Includes an ERC-1271 contract-wallet author (a lab multisig stand-in) and a
 * supersession that verification of the old receipt reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ContractFactory, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { Notarium } from '../../main/core/notarium.ts';
import { TEST_ERC1271_WALLET } from '../../main/core/chain/index.ts';
import { parseReceipt } from '../../shared/receipt/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('co-authored notarization', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let submitter: Notarium;
  let bob: Notarium;
  let carol: Notarium;
  let folder: string;
  let addresses: { submitter: string; bob: string; carol: string };

  beforeAll(async () => {
    tmp = await tempDir();
    folder = path.join(tmp.dir, 'study');
    await mkdir(folder);
    await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\nS2,37\n');
    await writeFile(path.join(folder, 'protocol.txt'), 'v1');
    const open = async (name: string): Promise<Notarium> => {
      const n = await Notarium.open({ dataDir: path.join(tmp.dir, name), scryptN: TEST_SCRYPT_N });
      await n.init(TEST_PASSPHRASE);
      return n;
    };
    [submitter, bob, carol] = await Promise.all([open('lab'), open('bob'), open('carol')]);
    addresses = { submitter: (await submitter.account()).address, bob: (await bob.account()).address, carol: (await carol.account()).address };
  });

  afterAll(async () => {
    await Promise.all([submitter.close(), bob.close(), carol.close()]);
    await tmp.cleanup();
  });

  it('collects signatures offline, refuses to anchor while one is missing, then anchors once and verifies', async () => {
    const { draftPath, draft } = await submitter.draft({
      inputs: [folder],
      title: 'Multi-site cohort',
      authors: [
        { address: addresses.bob, name: 'Bob', orcid: '0000-0002-1825-0097' },
        { address: addresses.carol, name: 'Carol' },
      ],
      out: path.join(tmp.dir, 'cohort.notarium-draft.json'),
    });
    expect(draft.authors.map((a) => a.address)).toEqual([addresses.bob, addresses.carol]);
    const draftText = await readFile(draftPath, 'utf8');
    expect(draftText).not.toMatch(/subject,age/);

    const bobSig = await bob.signDraft(draftPath, { passphrase: TEST_PASSPHRASE });
    await expect(submitter.anchorDraft(draftPath, [bobSig.signaturePath], { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { missing: [addresses.carol] },
    });
    expect(submitter.datasets()[0]?.status).not.toBe('anchored');

    await expect(submitter.signDraft(draftPath, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    const carolSig = await carol.signDraft(draftPath, { passphrase: TEST_PASSPHRASE });
    const r = await submitter.anchorDraft(draftPath, [carolSig.signaturePath, bobSig.signaturePath], { passphrase: TEST_PASSPHRASE, receiptOut: path.join(tmp.dir, 'cohort.receipt.json') });
    const receipt = parseReceipt(await readFile(r.receiptPath, 'utf8'));
    expect(receipt.authors.map((a) => [a.name, a.orcid])).toEqual([['Bob', '0000-0002-1825-0097'], ['Carol', undefined]]);
    expect(receipt.anchor.submitter).toBe(addresses.submitter);

    const report = await submitter.verify({ inputs: [folder], receipt: r.receiptPath });
    expect(report.ok).toBe(true);
    expect(report.authors.map((a) => a.signature.status)).toEqual(['pass', 'pass']);
  });

  it('refuses a draft edited after it was made (title, author order, summary) at sign and at anchor, and sends nothing', async () => {
    await writeFile(path.join(folder, 'protocol.txt'), 'v-edit');
    const { draftPath } = await submitter.draft({ inputs: [folder], title: 'Edited later', authors: [{ address: addresses.bob, name: 'Bob' }, { address: addresses.carol }], out: path.join(tmp.dir, 'edit.notarium-draft.json') });
    const original = JSON.parse(await readFile(draftPath, 'utf8')) as { title: string; authors: unknown[]; summary: { fileCount: number; totalBytes: number } };
    const edits: Array<[string, object, RegExp]> = [
      ['title', { title: 'Another title' }, /title \("Another title" vs the manifest's "Edited later"\)/],
      ['authors', { authors: [...original.authors].reverse() }, /authors \(names, ORCID iDs or their order: 0x[0-9a-fA-F]{40}, Bob vs the manifest's Bob, 0x[0-9a-fA-F]{40}\)/],
      ['summary', { summary: { ...original.summary, totalBytes: original.summary.totalBytes + 1 } }, new RegExp(`file count or total size \\(${original.summary.fileCount} files, ${original.summary.totalBytes + 1} bytes vs the manifest's ${original.summary.fileCount} files, ${original.summary.totalBytes} bytes\\)`)],
    ];
    const txBefore = submitter.datasets().filter((d) => d.status === 'anchored').length;
    for (const [name, edit, message] of edits) {
      const edited = path.join(tmp.dir, `edited-${name}.notarium-draft.json`);
      await writeFile(edited, JSON.stringify({ ...original, ...edit }));
      await expect(bob.signDraft(edited, { passphrase: TEST_PASSPHRASE }), name).rejects.toThrow(message);
      await expect(submitter.anchorDraft(edited, [], { passphrase: TEST_PASSPHRASE }), name).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(submitter.datasets().filter((d) => d.status === 'anchored').length).toBe(txBefore);
  });

  it('rejects a signature file for another draft or by a non-author, and sends nothing', async () => {
    await writeFile(path.join(folder, 'protocol.txt'), 'v1b');
    const a = await submitter.draft({ inputs: [folder], title: 'A', authors: [{ address: addresses.bob }], out: path.join(tmp.dir, 'a.notarium-draft.json') });
    await writeFile(path.join(folder, 'protocol.txt'), 'v1c');
    const b = await submitter.draft({ inputs: [folder], title: 'B', authors: [{ address: addresses.bob }], out: path.join(tmp.dir, 'b.notarium-draft.json') });
    const sigForB = await bob.signDraft(b.draftPath, { passphrase: TEST_PASSPHRASE });
    await expect(submitter.anchorDraft(a.draftPath, [sigForB.signaturePath], { passphrase: TEST_PASSPHRASE })).rejects.toThrow(/signs another draft/);
  });

  it('accepts an ERC-1271 contract wallet as author (signed by its owner) and a supersession the old receipt then reports', async () => {
    const server = await submitter.serveDevnet(0);
    let walletAddress: string;
    try {
      const provider = new JsonRpcProvider(server.url, undefined, { staticNetwork: true });
      const deployer = Wallet.createRandom().connect(provider);
      await provider.send('hardhat_setBalance', [deployer.address, `0x${parseEther('1').toString(16)}`]);
      const factory = new ContractFactory(TEST_ERC1271_WALLET.abi, TEST_ERC1271_WALLET.bytecode, deployer);
      const wallet = await factory.deploy([addresses.carol], 1);
      await wallet.waitForDeployment();
      walletAddress = await wallet.getAddress();
      provider.destroy();
    } finally {
      await server.close();
    }
    await writeFile(path.join(folder, 'protocol.txt'), 'v1');
    const oldReceipt = path.join(tmp.dir, 'cohort.receipt.json');
    await writeFile(path.join(folder, 'protocol.txt'), 'v2');
    const v2 = await submitter.draft({
      inputs: [folder],
      title: 'Multi-site cohort v2',
      authors: [{ address: addresses.bob, name: 'Bob' }, { address: walletAddress, name: 'Lab multisig' }],
      supersedes: oldReceipt,
      out: path.join(tmp.dir, 'v2.notarium-draft.json'),
    });
    const s1 = await bob.signDraft(v2.draftPath, { passphrase: TEST_PASSPHRASE });
    const s2 = await carol.signDraft(v2.draftPath, { passphrase: TEST_PASSPHRASE, asWallet: walletAddress });
    const r = await submitter.anchorDraft(v2.draftPath, [s1.signaturePath, s2.signaturePath], { passphrase: TEST_PASSPHRASE, supersedesReceipt: oldReceipt });
    const v2Report = await submitter.verify({ inputs: [folder], receipt: r.receiptPath });
    expect(v2Report.ok).toBe(true);
    expect(v2Report.authors[1]?.signature.message).toMatch(/ERC-1271/);

    await writeFile(path.join(folder, 'protocol.txt'), 'v1');
    const oldReport = await submitter.verify({ inputs: [folder], receipt: oldReceipt });
    expect(oldReport.ok).toBe(true);
    expect(oldReport.supersededBy).toBe(r.root);
    expect(oldReport.summary).toMatch(/newer version exists/);
  });
});
