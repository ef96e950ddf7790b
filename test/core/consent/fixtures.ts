/** Shared set-up of the consent tests: a ConsentService over a real SQLite ledger file in a temp folder. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ConsentService, type ConsentServiceOptions } from '../../../main/core/consent/index.ts';
import { Ledger } from '../../../main/core/ledger/index.ts';
import { tempDir } from '../../helpers/tmp.ts';

/** The 1000 Genomes VCF (629 samples) of Debian's python-pyvcf-examples. */
export const KG_VCF = '/usr/share/doc/python3-vcf/test/1kg.vcf.gz';

export function requireKgVcf(): string {
  if (!existsSync(KG_VCF)) throw new Error(`${KG_VCF} is missing: install the Debian package python-pyvcf-examples (apt-get install -y python-pyvcf-examples).`);
  return KG_VCF;
}

/** A fixed clock: 2026-06-15 noon UTC. */
export const NOW = new Date('2026-06-15T12:00:00Z');
export const TODAY = '2026-06-15';

export interface Harness {
  dir: string;
  ledgerFile: string;
  headFile: string;
  service: ConsentService;
  /** Reopens the service on the same files (as a new process would). */
  reopen(opts?: ConsentServiceOptions): ConsentService;
  write(name: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function harness(opts: ConsentServiceOptions = {}): Promise<Harness> {
  const tmp = await tempDir('notarium-consent-');
  const ledgerFile = path.join(tmp.dir, 'ledger.sqlite');
  const headFile = path.join(tmp.dir, 'consent-log-head.json');
  const open = (o: ConsentServiceOptions = {}): ConsentService => ConsentService.open(ledgerFile, { headFile, now: () => NOW, actor: 'tester', ...opts, ...o });
  const h: Harness = {
    dir: tmp.dir,
    ledgerFile,
    headFile,
    service: open(),
    reopen(o) {
      h.service.close();
      h.service = open(o);
      return h.service;
    },
    async write(name, text) {
      const f = path.join(tmp.dir, name);
      await writeFile(f, text);
      return f;
    },
    async cleanup() {
      h.service.close();
      await tmp.cleanup();
    },
  };
  return h;
}

/** Records a dataset in a real Ledger file with the given files' SHA-256 (no IPFS or chain needed). */
export function insertLedgerDataset(ledgerFile: string, title: string, files: { path: string; sha256: string }[]): string {
  const ledger = Ledger.open(ledgerFile);
  try {
    const hex = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
    const seed = Math.floor(Math.random() * 1e9);
    const ds = ledger.insertDataset({
      dataset: { title, root: hex(seed), manifestDigest: hex(seed + 1), manifestHeaderCid: 'bafyheader', manifestPayloadCid: 'bafypayload', public: false, status: 'anchored' },
      files: files.map((f, i) => ({ leafIndex: i, path: f.path, size: 1, sha256: f.sha256, salt: hex(i + 7), headerCid: `bafyh${i}`, payloadCid: `bafyp${i}` })),
      authors: [{ address: '0x000000000000000000000000000000000000dEaD' }],
    });
    return ds.id;
  } finally {
    ledger.close();
  }
}

/** The Ledger as the DatasetLookup of the service. */
export function ledgerLookup(ledgerFile: string): { getDataset: (id: string) => { id: string; root: string; title: string } | undefined; getFiles: (id: string) => { path: string; sha256: string }[] } {
  return {
    getDataset: (id) => {
      const l = Ledger.open(ledgerFile);
      try {
        return l.getDataset(id);
      } finally {
        l.close();
      }
    },
    getFiles: (id) => {
      const l = Ledger.open(ledgerFile);
      try {
        return l.getFiles(id);
      } finally {
        l.close();
      }
    },
  };
}

/** Eight subjects covering the permissions, modifiers and statuses. */
export const CONSENT_CSV = `subject_id,permission,diseases,modifiers,given_date,valid_from,valid_until,status,withdrawn_date,withdrawal_scope,form_version,document_sha256
S1,GRU,,,2025-01-10,,,,,,v2,${'ab'.repeat(32)}
S2,HMB,,NCU,2025-02-01,,,,,,v2,
S3,DS,DOID:162,,2025-03-01,,2027-12-31,,,,v2,
S4,DS,DOID:1324,IRB,2025-03-01,,,,,,v2,
S5,POA,,,2025-01-01,,,,,,v1,
S6,GRU,,,2025-01-01,,2025-12-31,,,,v1,
S7,HMB,,RS=pediatric only,2025-01-01,,,,,,v1,
S8,GRU,,,2025-01-01,,,withdrawn,2026-01-05,destroy,v1,
`;

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details: { problems: { location: string; message: string }[] } }> {
  try {
    await p;
  } catch (e) {
    return e as Awaited<ReturnType<typeof rejection>>;
  }
  throw new Error('expected the call to fail');
}
