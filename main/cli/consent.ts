/**
 * `notarium consent …`: consent records, links, purpose checks, eligible subsets,
 * withdrawal, FHIR export and the audit log (docs/CONSENT.md §6). Arguments are parsed
 * with the shared zod schemas (shared/api/consent-schemas.ts) before anything is read or
 * written; errors print as "notarium: message [CODE]" (or JSON with --json) with the
 * exit statuses of output.ts. `check` and `log verify` exit 1 when the answer is no.
 */
import type { Command } from 'commander';

import {
  consentCheckRequestSchema,
  consentExportRequestSchema,
  consentImportRequestSchema,
  consentLinkRequestSchema,
  consentListRequestSchema,
  consentSubsetRequestSchema,
  consentWithdrawRequestSchema,
  overrideSchema,
} from '../../shared/api/consent-schemas.ts';
import { parseRequest } from '../../shared/api/schemas.ts';
import type { DatasetDecision } from '../../shared/consent/dataset.ts';
import { NotariumError } from '../../shared/errors.ts';
import type { Notarium } from '../core/notarium.ts';
import { EXIT, exitCodeFor, printError, printResult } from './output.ts';
import { readPassphrase } from './passphrase.ts';

interface Globals {
  json?: boolean;
}

type Opts = Record<string, unknown>;
const collect = (v: string, prev: string[]): string[] => [...prev, v];

async function run(cmd: Command, open: () => Promise<Notarium>, fn: (n: Notarium, json: boolean) => Promise<number | undefined>): Promise<void> {
  const json = cmd.optsWithGlobals<Globals>().json === true;
  let n: Notarium | undefined;
  try {
    n = await open();
    process.exitCode = (await fn(n, json)) ?? EXIT.ok;
  } catch (e) {
    printError(e, json);
    process.exitCode = exitCodeFor(e);
  } finally {
    await n?.close();
  }
}

/**
 * Adds the use-request options (purpose, diseases, requester, attestations) to `cmd`.
 * With `optional`, --purpose may be left out (then no consent check runs).
 */
export function addUseRequestOptions(cmd: Command, optional = false): Command {
  const purpose = '--purpose <term>';
  const purposeHelp = 'research purpose: GRU, HMB, DS (with --disease) or POA (or its DUO id)';
  if (optional) cmd.option(purpose, `${purposeHelp}; runs the consent check first`);
  else cmd.requiredOption(purpose, purposeHelp);
  return cmd
    .option('--disease <curie>', 'disease studied, e.g. DOID:1324 or MONDO:0005061 (repeatable; DS only)', collect, [])
    .option('--methods', 'the work includes methods development (software, algorithms)')
    .option('--commercial', 'the use is commercial')
    .option('--for-profit', 'the requester is a for-profit organisation')
    .option('--genetic', 'the study includes genotype research')
    .option('--user <name>', 'requesting user (checked against DUO US)')
    .option('--institution <name>', 'requesting institution (DUO IS)')
    .option('--project <name>', 'project (DUO PS)')
    .option('--region <name>', 'where the data is used, e.g. EU or CH (DUO GS)')
    .option('--use-date <YYYY-MM-DD>', 'date of use (default today)')
    .option('--irb', 'attest local IRB/ERB approval')
    .option('--publish', 'attest results will be published')
    .option('--collaborate', 'attest collaboration with the primary investigators')
    .option('--return-data', 'attest derived data will be returned')
    .option('--sensitive <topic>', 'sensitive research area (repeatable): controls, population, gender, pediatric, vulnerable-populations, illegal-behavior, sexual-diseases, psychological-traits, not-health, stigmatized-diseases', collect, []);
}

/** The raw use request of the options of {@link addUseRequestOptions} (validated by the caller's schema), or undefined without --purpose. */
export function useRequestFrom(o: Opts): Record<string, unknown> | undefined {
  if (o['purpose'] === undefined) return undefined;
  const str = (k: string): Record<string, unknown> => (o[k] === undefined ? {} : { [k === 'useDate' ? 'date' : k]: o[k] });
  return {
    purpose: o['purpose'],
    diseases: o['disease'] ?? [],
    methods: o['methods'] === true,
    commercial: o['commercial'] === true,
    forProfit: o['forProfit'] === true,
    genetic: o['genetic'] === true,
    ...str('user'),
    ...str('institution'),
    ...str('project'),
    ...str('region'),
    ...str('useDate'),
    attestations: { irbApproval: o['irb'] === true, willPublish: o['publish'] === true, collaboration: o['collaborate'] === true, willReturnData: o['returnData'] === true },
    sensitive: o['sensitive'] ?? [],
  };
}

/** Adds --override-by/--override-reason (a named person's decision on a REVIEW). */
export function addOverrideOptions(cmd: Command): Command {
  return cmd
    .option('--override-by <name>', 'when consent asks for review: the person who decides to go ahead (recorded in the audit log)')
    .option('--override-reason <text>', 'why they decide so (recorded in the audit log)');
}

/** The override of the options of {@link addOverrideOptions}, validated; both or neither must be given. */
export function overrideFrom(o: Opts): { by: string; reason: string } | undefined {
  const by = o['overrideBy'];
  const reason = o['overrideReason'];
  if (by === undefined && reason === undefined) return undefined;
  if (by === undefined || reason === undefined) throw new NotariumError('INVALID_INPUT', 'Give both --override-by <name> and --override-reason <text>.');
  return parseRequest(overrideSchema, { by, reason });
}

function decisionText(d: DatasetDecision & { logSeq: number }, subjects: boolean): string {
  const lines = [
    `${d.decision} for dataset ${d.datasetId} on ${d.date}: ${d.counts.ALLOW} allow, ${d.counts.DENY} deny, ${d.counts.REVIEW} review (of ${d.total} subjects)`,
    ...d.summary.map((s) => `  ${s.effect.padEnd(6)} ${s.code} ×${s.count}: ${s.example}`),
    ...d.obligations.map((o) => `  obligation ${o.code}: ${o.message}`),
  ];
  if (d.decision !== 'ALLOW' && d.total > 0) lines.push(`Eligible subset: ${d.eligible.length} subject(s)${d.eligible.length > 0 ? ' (notarium consent subset … derives it)' : ''}.`);
  if (subjects) for (const s of d.subjects) lines.push(`${s.subjectId}\t${s.decision}\t${s.reasons.filter((r) => s.decision === 'ALLOW' || r.effect !== 'ALLOW').map((r) => r.code).join(',')}`);
  lines.push(`Decision logged as audit entry ${d.logSeq}.`);
  return lines.join('\n');
}

/** Adds `notarium consent …` to `program`; `open` opens the Notarium of the global options. */
export function registerConsentCommands(program: Command, open: () => Promise<Notarium>): void {
  const consent = program.command('consent').description('consent of data subjects: DUO-coded records, purpose checks, withdrawal, FHIR, audit log (docs/CONSENT.md)');

  consent
    .command('import')
    .description('import consent records (CSV, or FHIR R4 Consent/Bundle JSON) or a disease hierarchy (TSV); all or nothing')
    .argument('<file>')
    .option('--format <format>', 'csv, fhir or diseases (default: .json is fhir, else csv)')
    .action(async (file: string, o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const req = parseRequest(consentImportRequestSchema, { file, ...(o['format'] === undefined ? {} : { format: o['format'] }) });
        const r = await (await n.consent()).importFile(req);
        printResult(json, r, () =>
          r.format === 'diseases'
            ? `Loaded a disease hierarchy of ${r.terms ?? 0} terms from ${r.file}.`
            : `Imported ${r.imported} consent record(s) for ${r.subjects} subject(s) from ${r.file} (${r.unchanged} already stored, ${r.superseded} earlier record(s) superseded).`,
        );
        return undefined;
      });
    });

  consent
    .command('link')
    .description('link data subjects to a dataset: ids, a list file, a CSV column or a VCF\'s sample ids')
    .argument('<dataset>', 'dataset id or Merkle root')
    .option('--subject <id>', 'a subject id (repeatable)', collect, [])
    .option('--subjects-file <file>', 'text file, one subject id per line')
    .option('--csv <file>', 'CSV file whose --column holds subject ids')
    .option('--column <name>', 'subject id column of --csv')
    .option('--vcf <file>', 'VCF file (plain or .gz): its sample ids')
    .action(async (dataset: string, o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const subjects = o['subject'] as string[];
        const req = parseRequest(consentLinkRequestSchema, {
          datasetId: dataset,
          ...(subjects.length > 0 ? { subjects } : {}),
          ...(o['subjectsFile'] === undefined ? {} : { subjectsFile: o['subjectsFile'] }),
          ...(o['csv'] === undefined ? {} : { csv: { file: o['csv'], column: o['column'] ?? '' } }),
          ...(o['vcf'] === undefined ? {} : { vcf: { file: o['vcf'] } }),
        });
        const r = await (await n.consent()).link(req);
        printResult(json, r, () => `Linked ${r.added} new subject(s) to dataset ${r.datasetId} from ${r.source} (${r.read} read; ${r.total} linked in all).`);
        return undefined;
      });
    });

  consent
    .command('list')
    .description('list consent records (each subject\'s current one; --history for all), or datasets flagged by withdrawals')
    .option('--status <status>', 'active, withdrawn, expired, superseded or not-yet-valid (today)')
    .option('--term <term>', 'DUO term (e.g. NCU) or disease CURIE the scope contains')
    .option('--subject <id>')
    .option('--dataset <id>', 'subjects linked to this dataset')
    .option('--history', 'include superseded records')
    .option('--flagged', 'list datasets flagged by withdrawals instead')
    .option('--limit <n>', 'at most n records', '1000')
    .option('--offset <n>', 'skip n records', '0')
    .action(async (o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const svc = await n.consent();
        if (o['flagged'] === true) {
          const flags = svc.flaggedDatasets();
          printResult(json, flags, () => (flags.length === 0 ? 'No flagged datasets.' : flags.map((f) => `${f.datasetId}\t${f.subjectId}\t${f.reason}\t${new Date(f.flaggedAt * 1000).toISOString()}`).join('\n')));
          return undefined;
        }
        const req = parseRequest(consentListRequestSchema, {
          ...(o['status'] === undefined ? {} : { status: o['status'] }),
          ...(o['term'] === undefined ? {} : { term: o['term'] }),
          ...(o['subject'] === undefined ? {} : { subjectId: o['subject'] }),
          ...(o['dataset'] === undefined ? {} : { datasetId: o['dataset'] }),
          history: o['history'] === true,
          limit: Number(o['limit']),
          offset: Number(o['offset']),
        });
        const list = svc.list(req);
        printResult(json, list, () =>
          list.length === 0
            ? 'No consent records match.'
            : list.map((r) => `${r.subjectId}\t${r.effectiveStatus}${r.current ? '' : ' (history)'}\t${r.summary}\t${r.validFrom}..${r.validUntil ?? ''}\t${r.formVersion ?? '-'}\t${r.id}`).join('\n'),
        );
        return undefined;
      });
    });

  addUseRequestOptions(
    consent
      .command('check')
      .description('check a use request against every subject linked to a dataset (exit 0 ALLOW, 1 DENY/REVIEW); the decision is logged')
      .argument('<dataset>', 'dataset id or Merkle root')
      .option('--subjects', 'print the decision of every subject'),
  ).action(async (dataset: string, o: Opts, cmd: Command) => {
    await run(cmd, open, async (n, json) => {
      const req = parseRequest(consentCheckRequestSchema, { datasetId: dataset, request: useRequestFrom(o) });
      const r = (await n.consent()).check(req);
      printResult(json, r, () => decisionText(r, o['subjects'] === true));
      return r.decision === 'ALLOW' ? EXIT.ok : EXIT.verifyFailed;
    });
  });

  addUseRequestOptions(
    consent
      .command('subset')
      .description('write the eligible subset of a dataset\'s CSV or VCF file (only subjects who allow the use); --notarize makes it a new dataset linked to its parent')
      .argument('<dataset>', 'the parent dataset id or Merkle root')
      .option('--csv <file>', 'the dataset\'s CSV file')
      .option('--column <name>', 'subject id column of --csv')
      .option('--vcf <file>', 'the dataset\'s VCF file (plain or .gz)')
      .requiredOption('-o, --out <file>', 'where to write the subset (.gz for a gzip VCF); must not exist')
      .option('--notarize', 'notarize the subset as a new dataset (asks for the passphrase)')
      .option('--title <title>', 'title of the new dataset'),
  ).action(async (dataset: string, o: Opts, cmd: Command) => {
    await run(cmd, open, async (n, json) => {
      if ((o['csv'] === undefined) === (o['vcf'] === undefined)) throw new NotariumError('INVALID_INPUT', 'Give exactly one of --csv <file> --column <name>, or --vcf <file>.');
      const req = parseRequest(consentSubsetRequestSchema, {
        datasetId: dataset,
        request: useRequestFrom(o),
        format: o['csv'] === undefined ? 'vcf' : 'csv',
        input: o['csv'] ?? o['vcf'],
        ...(o['column'] === undefined ? {} : { column: o['column'] }),
        out: o['out'],
        notarize: o['notarize'] === true,
        ...(o['title'] === undefined ? {} : { title: o['title'] }),
      });
      const passphrase = req.notarize ? await readPassphrase('Passphrase: ') : undefined;
      const r = await (await n.consent()).deriveSubset(req, passphrase);
      printResult(json, r, () =>
        [
          `Wrote ${r.subset.out}: kept ${r.subset.kept}, dropped ${r.subset.dropped} ${req.format === 'csv' ? 'rows' : 'samples'} (${r.subset.keptSubjects.length} eligible subjects of ${r.decision.total}); SHA-256 ${r.subset.sha256}.`,
          r.dataset === null ? 'Not notarized (add --notarize to make it a dataset linked to its parent).' : `Notarized as dataset ${r.dataset.datasetId} (root ${r.dataset.root}); receipt: ${r.dataset.receiptPath}`,
          `Logged as audit entries ${r.decision.logSeq} (decision) and ${r.logSeq} (subset).`,
        ].join('\n'),
      );
      return undefined;
    });
  });

  consent
    .command('withdraw')
    .description('withdraw a subject\'s consent: later checks deny, linked datasets are flagged')
    .argument('<subject>', 'pseudonymous subject id')
    .option('--date <YYYY-MM-DD>', 'date the withdrawal takes effect (default today)')
    .option('--scope <scope>', 'no-further-use or destroy', 'no-further-use')
    .option('--note <text>', 'note for the audit log (no identifying details)')
    .action(async (subject: string, o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const req = parseRequest(consentWithdrawRequestSchema, {
          subjectId: subject,
          scope: o['scope'],
          ...(o['date'] === undefined ? {} : { date: o['date'] }),
          ...(o['note'] === undefined ? {} : { note: o['note'] }),
        });
        const r = (await n.consent()).withdraw(req);
        printResult(json, r, () =>
          `Withdrew consent ${r.recordId} of subject ${r.subjectId} from ${r.date} (${r.scope}).\n${r.flaggedDatasets.length === 0 ? 'No linked datasets.' : `Flagged datasets: ${r.flaggedDatasets.join(', ')}${r.scope === 'destroy' ? ' — the subject asks that their data be destroyed: derive eligible subsets and retire these datasets.' : ''}`}`,
        );
        return undefined;
      });
    });

  consent
    .command('export')
    .description('export consent records (with history) as a FHIR R4 Bundle of Consent resources')
    .option('-o, --out <file>', 'write the bundle here (default: stdout)')
    .option('--subject <id>', 'only this subject (repeatable)', collect, [])
    .action(async (o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const subjects = o['subject'] as string[];
        const req = parseRequest(consentExportRequestSchema, { ...(o['out'] === undefined ? {} : { out: o['out'] }), ...(subjects.length > 0 ? { subjects } : {}) });
        const r = await (await n.consent()).exportFhir(req);
        if (r.out === null) process.stdout.write(`${JSON.stringify(r.bundle, null, json ? undefined : 2)}\n`);
        else printResult(json, { count: r.count, out: r.out }, () => `Exported ${r.count} consent record(s) to ${r.out} (FHIR R4 Bundle).`);
        return undefined;
      });
    });

  consent
    .command('terms')
    .description('list the DUO terms (GA4GH Data Use Ontology, EBISPOT/DUO, CC BY 4.0) usable in consent scopes')
    .action(async (_o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const terms = (await n.consent()).duoTerms().filter((t) => t.kind !== 'class').sort((a, b) => a.kind.localeCompare(b.kind) * -1 || a.shorthand.localeCompare(b.shorthand));
        printResult(json, terms, () => terms.map((t) => `${t.shorthand.padEnd(7)} ${t.id}  ${t.kind.padEnd(10)} ${t.label}`).join('\n'));
        return undefined;
      });
    });

  const log = consent.command('log').description('the hash-chained consent audit log');

  log
    .command('verify')
    .description('check every entry, the chain, the head checkpoints and the consent records against the log (exit 1 when tampered)')
    .action(async (_o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const r = (await n.consent()).verifyLog();
        printResult(json, r, () =>
          [
            `Consent audit log: ${r.ok ? 'VERIFIED' : 'NOT VERIFIED'} — ${r.entries} entries${r.head === null ? '' : `, head #${r.head.seq} ${r.head.hash}`}; ${r.records} consent records cross-checked; ${r.checkpoints.length} checkpoint(s) (${r.checkpoints.filter((c) => c.source === 'anchor').length} notarized).`,
            ...r.problems.map((p) => `  [FAIL] ${p.code}${p.seq === null ? '' : ` at entry ${p.seq}`}: ${p.message}`),
          ].join('\n'),
        );
        return r.ok ? EXIT.ok : EXIT.verifyFailed;
      });
    });

  log
    .command('anchor')
    .description('notarize the current head hash of the log (only the hash goes on-chain, never subject ids)')
    .action(async (_o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const svc = await n.consent();
        const passphrase = await readPassphrase('Passphrase: ');
        const r = await svc.anchorLog(passphrase, n.consentAnchorsDir);
        printResult(json, r, () =>
          `Anchored consent log head #${r.seq} (${r.hash})\n  dataset: ${r.datasetId} (root ${r.root})\n  tx:      ${r.txHash} on ${r.network}${r.local ? ' (LOCAL devnet)' : ''}\n  receipt: ${r.receiptPath}`,
        );
        return undefined;
      });
    });

  log
    .command('show')
    .description('print the newest log entries')
    .option('--limit <n>', 'entries', '20')
    .action(async (o: Opts, cmd: Command) => {
      await run(cmd, open, async (n, json) => {
        const entries = (await n.consent()).logEntries(Number(o['limit']), 0);
        printResult(json, entries, () => entries.map((e) => `#${e.seq}\t${new Date(e.at * 1000).toISOString()}\t${e.kind}\t${e.actor ?? ''}\t${e.hash.slice(0, 18)}…`).join('\n'));
        return undefined;
      });
    });
}
