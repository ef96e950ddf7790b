/**
 * Offline checks of a full receipt entry by entry (ReceiptChecker, judgeReceipt): a proof
 * is accepted when it is the rebuilt tree's proof of its leaf, and otherwise judged by the
 * library (StandardMerkleTree.verify), so a damaged proof fails even in a large receipt
 * and another valid proof still passes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SALT, verifyLeafProof } from '../../../shared/notary/index.ts';
import { entrySha256, judgeReceipt, MAX_UNSETTLED, ReceiptChecker, verifyReceiptOffline, type ObservedFile, type Receipt } from '../../../shared/receipt/index.ts';
import { signedReceiptOf } from '../../helpers/signed-receipt.ts';

const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;
const sha256Hex = (s: string): string => `0x${createHash('sha256').update(s).digest('hex')}`;

/** A signed receipt over files of the given contents (paths f00000.txt…), salted unless `isPublic`. */
function receiptOf(contents: string[], isPublic = false): Receipt {
  const files = contents.map((c, i) => ({ path: `d/f${String(i).padStart(5, '0')}.txt`, size: c.length, sha256: sha256Hex(c), salt: isPublic ? PUBLIC_SALT : hex32() }));
  return signedReceiptOf(files, { title: 'checks', public: isPublic });
}

const observedOf = (r: Receipt): ObservedFile[] => r.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }));

describe('ReceiptChecker and judgeReceipt', () => {
  const N = 2000;
  const receipt = receiptOf(Array.from({ length: N }, (_, i) => `file ${i}\n`));

  it('passes every file of an intact large receipt, with the manifest, the whole-tree root and the signature', () => {
    const v = verifyReceiptOffline(receipt, observedOf(receipt), 'path');
    expect(v.receipt.manifest.status).toBe('pass');
    expect(v.receipt.root.status).toBe('pass');
    expect(v.computed.root).toBe(receipt.root);
    expect(v.authors[0]?.signature.status).toBe('pass');
    expect(v.files).toHaveLength(N);
    expect(v.files.every((f) => f.status === 'pass')).toBe(true);
  });

  it('fails exactly the file whose proof was damaged, whatever the damage, as the library does', () => {
    const victim = 1234;
    const original = receipt.files[victim]?.proof as string[];
    const other = receipt.files[victim + 1]?.proof as string[];
    const flip = (h: string): string => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`;
    const damages: Array<[string, string[]]> = [
      ['a sibling with one digit changed', original.map((h, i) => (i === 5 ? flip(h) : h))],
      ['the last sibling dropped', original.slice(0, -1)],
      ['a sibling added', [...original, original[0] as string]],
      ['two siblings swapped', [original[1] as string, original[0] as string, ...original.slice(2)]],
      ["another file's proof", other],
      ['no proof at all', []],
    ];
    for (const [what, proof] of damages) {
      const damaged = structuredClone(receipt);
      (damaged.files[victim] as { proof: string[] }).proof = proof;
      const v = verifyReceiptOffline(damaged, observedOf(damaged), 'path');
      const failed = v.files.filter((f) => f.status !== 'pass');
      expect(failed.map((f) => [f.path, f.proof.code]), what).toEqual([[receipt.files[victim]?.path, 'PROOF_INVALID']]);
      const entry = damaged.files[victim] as Receipt['files'][number];
      expect(verifyLeafProof(damaged.root, [entry.salt, entry.sha256], entry.proof), `${what}: the library agrees`).toBe(false);
      // The proofs are not part of the manifest: the receipt is otherwise consistent.
      expect(v.receipt.manifest.status, what).toBe('pass');
      expect(v.receipt.root.status, what).toBe('pass');
    }
  });

  it('still passes a valid proof other than the rebuilt tree’s: two equal leaves of a public dataset', () => {
    // Three files alike: their leaves are equal, so at least two sit in different pairs of the tree.
    const pub = receiptOf(['same content\n', 'other\n', 'same content\n', 'third\n', 'same content\n', 'fourth\n'], true);
    const alike = pub.files.filter((f) => f.sha256 === sha256Hex('same content\n'));
    const [a, b] = [alike[0], alike.find((f) => JSON.stringify(f.proof) !== JSON.stringify(alike[0]?.proof))] as [Receipt['files'][number], Receipt['files'][number]];
    expect([a.salt, a.sha256]).toEqual([b.salt, b.sha256]);
    [a.proof, b.proof] = [b.proof, a.proof];
    const v = verifyReceiptOffline(pub, observedOf(pub), 'path');
    expect(v.files.map((f) => f.status)).toEqual(Array(6).fill('pass'));
    expect(v.receipt.manifest.status).toBe('pass');
  });

  it('judges proofs with the library when the receipt’s root is not the manifest’s', () => {
    const other = receiptOf(['x\n', 'y\n']);
    const wrongRoot = { ...receipt, root: other.root };
    const v = verifyReceiptOffline(wrongRoot, observedOf(receipt).slice(0, 3), 'content');
    expect(v.receipt.root).toMatchObject({ status: 'fail', code: 'PROOF_INVALID' });
    expect(v.files.map((f) => f.proof.code)).toEqual(['PROOF_INVALID', 'PROOF_INVALID', 'PROOF_INVALID']);
  });

  it('reports an entry that differs from the manifest, and judges its proof by its own leaf', () => {
    const altered = structuredClone(receipt);
    const entry = altered.files[10] as Receipt['files'][number];
    entry.sha256 = sha256Hex('something else');
    const v = verifyReceiptOffline(altered, [{ path: entry.path, size: entry.size, sha256: entry.sha256 }], 'path');
    expect(v.receipt.manifest).toMatchObject({ status: 'fail', code: 'RECEIPT_INVALID' });
    expect(v.receipt.manifest.message).toContain(`file #10 (${entry.path}) differs from the manifest`);
    const file = v.files.find((f) => f.path === entry.path);
    expect(file?.content.status).toBe('pass');
    expect(file?.proof.code).toBe('PROOF_INVALID');
  });

  it('checks entries as they are added and keeps no proof it settled: the result is plain, cloneable data', () => {
    const { files, ...head } = receipt;
    const checker = new ReceiptChecker(head);
    for (const f of files) checker.add(f);
    const checked = checker.result();
    expect(checked.unsettled.size).toBe(0);
    expect(checked.paths).toHaveLength(N);
    expect(checked.sha256.length, 'the hashes packed, 32 bytes each').toBe(32 * N);
    expect(Array.from({ length: N }, (_, i) => entrySha256(checked, i))).toEqual(files.map((f) => f.sha256));
    const copy = structuredClone(checked);
    expect(judgeReceipt(copy, observedOf(receipt), 'path')).toEqual(verifyReceiptOffline(receipt, observedOf(receipt), 'path'));
  });

  it('gives the files that match one shared, frozen check each, and one string for both hashes', () => {
    const observed = observedOf(receipt);
    // One file altered: its verdict keeps its own message and both hashes.
    const altered = sha256Hex('altered\n');
    observed[7] = { ...(observed[7] as ObservedFile), sha256: altered };
    const v = verifyReceiptOffline(receipt, observed, 'path');
    const [a, b] = [v.files[0], v.files[1]];
    expect(a?.status).toBe('pass');
    expect(a?.content).toBe(b?.content);
    expect(a?.proof).toBe(b?.proof);
    expect(Object.isFrozen(a?.content)).toBe(true);
    expect(a?.observedSha256).toBe(receipt.files[0]?.sha256);
    expect(a?.expectedSha256).toBe(a?.observedSha256);
    const bad = v.files[7];
    expect(bad?.status).toBe('fail');
    expect(bad?.content.code).toBe('HASH_MISMATCH');
    expect(bad?.content.message).toContain(altered);
    expect(bad?.observedSha256).toBe(altered);
    expect(bad?.expectedSha256).toBe(receipt.files[7]?.sha256);
    expect(bad?.proof.status, 'the proof is of the notarized file, and still leads to the root').toBe('pass');
  });

  it('keeps at most MAX_UNSETTLED entries for later when the manifest is altered, and still judges every proof', () => {
    expect(N).toBeGreaterThan(MAX_UNSETTLED);
    // The manifest text altered: it no longer hashes to the signed digest, so no proof can be settled from it.
    const altered = structuredClone(receipt);
    altered.manifest = altered.manifest.replace('"title":"checks"', '"title":"checkz"');
    expect(altered.manifest).not.toBe(receipt.manifest);
    const flip = (h: string): string => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`;
    // One proof damaged among the entries kept for later, one among those folded as read.
    for (const victim of [10, N - 10]) {
      const proof = altered.files[victim]?.proof as string[];
      proof[0] = flip(proof[0] as string);
    }
    const { files, ...head } = altered;
    const checker = new ReceiptChecker(head);
    for (const f of files) checker.add(f);
    const checked = checker.result();
    expect(checked.manifest.status).toBe('fail');
    expect(checked.unsettled.size).toBe(MAX_UNSETTLED);
    const v = judgeReceipt(checked, observedOf(altered), 'path');
    const failed = v.files.filter((f) => f.proof.status === 'fail').map((f) => f.path);
    expect(failed).toEqual([altered.files[10]?.path, altered.files[N - 10]?.path]);
    expect(v.files.filter((f) => f.proof.status === 'pass')).toHaveLength(N - 2);
  });
});
