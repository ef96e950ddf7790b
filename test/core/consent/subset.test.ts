/** Eligible subsets of CSV and VCF files: only the allowed subjects' rows or samples, recorded in the audit log. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { recomputeInfo } from '../../../main/core/consent/subset.ts';
import { vcfSamples } from '../../../main/core/consent/sources.ts';
import { harness, insertLedgerDataset, ledgerLookup, requireKgVcf, type Harness } from './fixtures.ts';

const sha = (b: Buffer | string): string => `0x${createHash('sha256').update(b).digest('hex')}`;

const DATA_CSV = 'subject,visit,note\nS1,1,"fine, thanks"\nS2,1,"two\nlines"\nS3,1,x\nS1,2,"said ""hi"""\nS4,1,y\n';

describe('eligible subsets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function csvDataset(): Promise<{ id: string; file: string }> {
    const file = await h.write('visits.csv', DATA_CSV);
    const id = insertLedgerDataset(h.ledgerFile, 'Visits', [{ path: 'visits.csv', sha256: sha(DATA_CSV) }]);
    h.reopen({ datasets: ledgerLookup(h.ledgerFile) });
    await h.service.importFile({ file: await h.write('c.csv', 'subject_id,permission,modifiers,given_date\nS1,GRU,,2025-01-01\nS2,HMB,,2025-01-01\nS3,HMB,NCU,2025-01-01\n') });
    await h.service.link({ datasetId: id, csv: { file, column: 'subject' } });
    return { id, file };
  }

  it('CSV: keeps the header and the allowed subjects\' rows, field values intact', async () => {
    const { id, file } = await csvDataset();
    const out = path.join(h.dir, 'eligible.csv');
    const r = await h.service.deriveSubset({ datasetId: id, request: { purpose: 'HMB', commercial: true }, format: 'csv', input: file, column: 'subject', out });
    expect(r.decision).toMatchObject({ decision: 'DENY', eligible: ['S1', 'S2'], denied: ['S3', 'S4'] });
    expect(r.subset).toMatchObject({ out, kept: 3, dropped: 2, keptSubjects: ['S1', 'S2'] });
    const text = await readFile(out, 'utf8');
    expect(r.subset.sha256).toBe(sha(text));
    expect(parse(text)).toEqual([
      ['subject', 'visit', 'note'],
      ['S1', '1', 'fine, thanks'],
      ['S2', '1', 'two\nlines'],
      ['S1', '2', 'said "hi"'],
    ]);
    expect(r.dataset).toBeNull();
    expect(h.service.logEntries(1)[0]).toMatchObject({ kind: 'subset.derived', data: { parentId: id, decisionSeq: r.decision.logSeq, kept: 3, dropped: 2, sha256: r.subset.sha256, datasetId: null } });
  });

  it('refuses a file that is not part of the dataset, an existing output, and a use no subject allows', async () => {
    const { id } = await csvDataset();
    const other = await h.write('other.csv', 'subject\nS1\n');
    const out = path.join(h.dir, 'o.csv');
    await expect(h.service.deriveSubset({ datasetId: id, request: { purpose: 'HMB' }, format: 'csv', input: other, column: 'subject', out })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not one of the files notarized') });
    const existing = await h.write('exists.csv', 'keep me');
    await expect(h.service.deriveSubset({ datasetId: id, request: { purpose: 'HMB' }, format: 'csv', input: path.join(h.dir, 'visits.csv'), column: 'subject', out: existing })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    await expect(h.service.deriveSubset({ datasetId: id, request: { purpose: 'HMB', date: '2024-12-31' }, format: 'csv', input: path.join(h.dir, 'visits.csv'), column: 'subject', out })).rejects.toMatchObject({ code: 'CONSENT_DENIED' });
    await expect(h.service.deriveSubset({ datasetId: 'no-such', request: { purpose: 'HMB' }, format: 'csv', input: other, column: 'subject', out })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.service.deriveSubset({ datasetId: id, request: { purpose: 'HMB' }, format: 'csv', input: other, out })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('VCF (1000 Genomes, 629 samples): keeps only allowed samples and recomputes AF and DP over them', async () => {
    const vcf = requireKgVcf();
    const id = insertLedgerDataset(h.ledgerFile, '1000 Genomes chr2 extract', [{ path: '1kg.vcf.gz', sha256: sha(await readFile(vcf)) }]);
    h.reopen({ datasets: ledgerLookup(h.ledgerFile) });
    const { subjects } = await vcfSamples(vcf);
    const consenting = subjects.filter((_s, i) => i % 3 !== 0);
    await h.service.importFile({ file: await h.write('c.csv', `subject_id,permission,given_date\n${consenting.map((s) => `${s},GRU,2024-05-01`).join('\n')}\n`) });
    await h.service.link({ datasetId: id, vcf: { file: vcf } });
    const out = path.join(h.dir, 'eligible.vcf.gz');
    const r = await h.service.deriveSubset({ datasetId: id, request: { purpose: 'POA' }, format: 'vcf', input: vcf, out });
    expect(r.decision).toMatchObject({ decision: 'DENY', total: 629, counts: { ALLOW: consenting.length, DENY: 629 - consenting.length } });
    expect(r.subset).toMatchObject({ kept: consenting.length, dropped: 629 - consenting.length, keptSubjects: consenting });

    const text = gunzipSync(await readFile(out)).toString('utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines[0]).toBe('##fileformat=VCFv4.0');
    expect(lines).toContain(`##samples=${consenting.length}`);
    expect(lines.find((l) => l.startsWith('##notarium_subset='))).toContain(`parent=${id},decision=${r.decision.logSeq},purpose=POA`);
    const header = lines.find((l) => l.startsWith('#CHROM'))?.split('\t') ?? [];
    expect(header.slice(9)).toEqual(consenting);
    const data = lines.filter((l) => !l.startsWith('#'));
    expect(data).toHaveLength(381);
    for (const line of data) {
      const cols = line.split('\t');
      expect(cols).toHaveLength(9 + consenting.length);
      const gts = cols.slice(9).map((s) => s.split(':')[0] ?? '.');
      const alleles = gts.flatMap((g) => g.split(/[|/]/)).filter((a) => a !== '.');
      const ac = alleles.filter((a) => a === '1').length;
      const af = /(?:^|;)AF=([^;]+)/.exec(cols[7] ?? '')?.[1];
      expect(af).toBe(alleles.length === 0 ? '.' : String(Number((ac / alleles.length).toPrecision(6))));
    }
    expect(h.service.verifyLog().ok).toBe(true);
  });

  it('recomputes AC, AN, AF, NS and DP from the kept genotypes; drops them when FORMAT cannot give them', () => {
    expect(recomputeInfo('NS=3;DP=14;AF=0.5;AC=3;AN=6;DB;H2', 'GT:GQ:DP', ['0|1:48:1', '1/1:43:5', './.:.:.'], 1)).toBe('NS=2;DP=6;AF=0.75;AC=3;AN=4;DB;H2');
    expect(recomputeInfo('AC=1,2;AF=0.1,0.2;AN=6', 'GT', ['1|2', '2|2'], 2)).toBe('AC=1,3;AF=0.25,0.75;AN=4');
    expect(recomputeInfo('AF=0.5;DP=7;SOMATIC', 'GQ', ['1'], 1)).toBe('SOMATIC');
    expect(recomputeInfo('AF=0.5', 'GT', [], 1)).toBe('AF=.');
  });
});
