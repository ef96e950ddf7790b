/**
 * bench/consent: consent at cohort scale, on a real SQLite ledger file in a temp folder.
 *
 * Prints JSON lines {"name", "value", "unit"}:
 *   consent_import_100k_csv_s   import 100,000 CSV consent rows (parse, validate, store,
 *                               one audit entry per record), seconds (issue bar: < 10 s)
 *   consent_link_100k_s         link the 100,000 subjects to a dataset from a CSV column, seconds
 *   consent_check_100k_s        check a purpose for a dataset of 100,000 subjects (decide
 *                               per subject, aggregate, log the decision), seconds (bar: < 1 s)
 *   consent_check_100k_denied   subjects denied in that check (a sanity figure)
 *   consent_log_verify_100k_s   verify the audit log (~100,000 entries) and cross-check the records, seconds
 * Usage: node bench/consent.ts [--subjects N]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ConsentService } from '../main/core/consent/index.ts';

function line(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit })}\n`);
}

const at = process.argv.indexOf('--subjects');
const count = at > 0 ? Number(process.argv[at + 1]) : 100_000;
const work = await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-consent-'));
try {
  // A realistic mix of scopes: mostly GRU/HMB, some DS with diseases, modifiers with values,
  // limited validity, and a few withdrawn.
  const scopes = [
    'GRU,,,',
    'HMB,,NCU,',
    'HMB,,IRB;PUB,',
    'DS,DOID:162,,',
    'DS,DOID:9351|DOID:1324,NPU,',
    'GRU,,US=alice|bob;TS=60,',
    'HMB,,GS=EU|CH;MOR=2027-01-31,2030-12-31',
    'POA,,,',
  ];
  const rows = ['subject_id,permission,diseases,modifiers,valid_until,given_date,status,withdrawn_date'];
  for (let i = 0; i < count; i++) {
    const withdrawn = i % 97 === 0;
    rows.push(`SUBJ-${String(i).padStart(7, '0')},${scopes[i % scopes.length]},2025-0${(i % 9) + 1}-15,${withdrawn ? 'withdrawn,2026-01-02' : ','}`);
  }
  const consentCsv = path.join(work, 'consents.csv');
  await writeFile(consentCsv, `${rows.join('\n')}\n`);
  const dataCsv = path.join(work, 'cohort.csv');
  await writeFile(dataCsv, `subject,value\n${Array.from({ length: count }, (_v, i) => `SUBJ-${String(i).padStart(7, '0')},${i}`).join('\n')}\n`);

  const svc = ConsentService.open(path.join(work, 'ledger.sqlite'), { headFile: path.join(work, 'head.json'), actor: 'bench' });
  try {
    let t = performance.now();
    const imported = await svc.importFile({ file: consentCsv });
    line('consent_import_100k_csv_s', (performance.now() - t) / 1000, 's');
    if (imported.imported !== count) throw new Error(`imported ${imported.imported}, expected ${count}`);

    t = performance.now();
    await svc.link({ datasetId: 'cohort', csv: { file: dataCsv, column: 'subject' } });
    line('consent_link_100k_s', (performance.now() - t) / 1000, 's');

    t = performance.now();
    const d = svc.check({ datasetId: 'cohort', request: { purpose: 'DS', diseases: ['DOID:3908'], attestations: { irbApproval: true, willPublish: true }, user: 'alice', region: 'EU', date: '2026-06-15' } });
    line('consent_check_100k_s', (performance.now() - t) / 1000, 's');
    line('consent_check_100k_denied', d.counts.DENY, 'subjects');

    t = performance.now();
    const v = svc.verifyLog();
    line('consent_log_verify_100k_s', (performance.now() - t) / 1000, 's');
    if (!v.ok) throw new Error('log does not verify');
  } finally {
    svc.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
