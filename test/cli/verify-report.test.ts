/**
 * The terminal rendering of a verification report (main/cli/verify-report.ts): above 40
 * files only the problems are listed, under a count that separates the files of the
 * receipt from other files found.
 */
import { describe, expect, it } from 'vitest';
import { formatVerifyReport } from '../../main/cli/verify-report.ts';
import type { VerifyReport } from '../../main/core/notary/verify.ts';

const PASS = { status: 'pass', message: 'ok' } as const;
const hex = `0x${'ab'.repeat(32)}`;

function report(files: VerifyReport['files']): VerifyReport {
  return {
    ok: false,
    incomplete: false,
    offline: true,
    summary: '1 file does not match.',
    receipt: { path: '/r.json', kind: 'full', sha256: hex, title: 't', root: hex, network: 'devnet', chainId: '31337', local: true, contract: `0x${'11'.repeat(20)}`, txHash: hex, blockNumber: 4, blockTime: 1_700_000_000 },
    checks: { manifest: PASS, root: PASS, chain: { status: 'skipped', message: 'offline' } },
    supersededBy: null,
    authors: [],
    files,
    digest: hex,
    computed: { manifestDigest: hex, root: hex },
  };
}

const file = (path: string, status: VerifyReport['files'][number]['status']): VerifyReport['files'][number] => ({
  path,
  status,
  content: status === 'pass' ? PASS : { status: 'fail', code: 'HASH_MISMATCH', message: `${path} differs` },
  proof: PASS,
});

describe('formatVerifyReport', () => {
  it('counts the receipt\'s files apart from other files found, and lists only the problems above 40 files', () => {
    const files = [...Array.from({ length: 41 }, (_, i) => file(`f${i}`, 'pass')), file('changed', 'fail'), file('gone', 'missing'), file('extra', 'unlisted')];
    const text = formatVerifyReport(report(files));
    expect(text.startsWith('NOT VERIFIED: 1 file does not match.')).toBe(true);
    expect(text).toContain('\n41 of 43 files OK; 1 other file found that is not in the receipt.\n');
    expect(text).toContain('[FAIL] changed — changed differs');
    expect(text).not.toContain('[OK  ] f0');
    const two = formatVerifyReport(report([...files, file('extra2', 'unlisted')]));
    expect(two).toContain('\n41 of 43 files OK; 2 other files found that are not in the receipt.\n');
    expect(formatVerifyReport(report(files.slice(0, 42)))).toContain('\n41 of 42 files OK.\n');
  });
});
