/**
 * FHIR R4 Consent ↔ consent records (docs/CONSENT.md §5.2).
 *
 * Import reads `scope` = research (http://terminology.hl7.org/CodeSystem/consentscope),
 * the patient, `dateTime`, `provision.period`, DUO codings in `category` or
 * `provision.code` (DUO ids, or the NIH consent codes of the NCPI FHIR IG), research
 * purposes from v3 ActReason in `provision.purpose` (HRESCH/BIORCH → HMB, DSRCH → DS,
 * POARCH → POA) and nested exception provisions (deny POARCH → NPOA; a deny naming a
 * DUO modifier → that modifier). Anything that narrows consent in a way Notarium cannot
 * evaluate becomes an RS ("research specific restrictions") modifier, so checks ask for
 * a person's review rather than allow.
 *
 * Export writes the same shape, with Notarium's own facts (stored status, withdrawal,
 * supersession, form version, document hash, modifier values) in extensions, so an
 * exported Bundle re-imports to the same state. Run {@link validateFhirResource} first:
 * the mapping assumes schema-valid JSON.
 */
import { NotariumError } from '../../../shared/errors.ts';
import { dateOf } from '../../../shared/consent/dates.ts';
import { normalizeDiseaseId } from '../../../shared/consent/disease.ts';
import { DUO_TERMS, lookupDuoTerm, type DuoModifierCode, type DuoPermission } from '../../../shared/consent/duo.ts';
import { consentScopeSchema } from '../../../shared/consent/scope.ts';
import { CONSENT_STATUSES, WITHDRAWAL_SCOPES, type ConsentStatus } from '../../../shared/consent/subject.ts';
import { consentRecordInputSchema, zodProblems, type ConsentRecord, type ImportProblem, type NewConsentRecord } from './record.ts';

export const DUO_SYSTEM = 'http://purl.obolibrary.org/obo/duo.owl';
export const NIH_CONSENT_SYSTEM = 'https://nih-ncpi.github.io/ncpi-fhir-ig/CodeSystem/nih-consent';
export const CONSENT_SCOPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const CONSENT_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/consentcategorycodes';
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const SUBJECT_SYSTEM = 'urn:notarium:subject';
const NCPI_DISEASE_EXT = 'https://nih-ncpi.github.io/ncpi-fhir-ig/StructureDefinition/research-disease-use-limitation';
const MESH_OID = 'urn:oid:2.16.840.1.113883.6.177';

/** Notarium's extension URLs. */
export const EXT = {
  status: 'urn:notarium:fhir:consent-status',
  withdrawal: 'urn:notarium:fhir:withdrawal',
  supersedes: 'urn:notarium:fhir:supersedes',
  formVersion: 'urn:notarium:fhir:form-version',
  documentSha256: 'urn:notarium:fhir:document-sha256',
  duoValue: 'urn:notarium:fhir:duo-value',
} as const;

const PURPOSE_TO_PERMISSION: Record<string, DuoPermission> = { HRESCH: 'HMB', BIORCH: 'HMB', DSRCH: 'DS', POARCH: 'POA' };
const PERMISSION_TO_PURPOSE: Partial<Record<DuoPermission, string>> = { HMB: 'HRESCH', DS: 'DSRCH', POA: 'POARCH' };
/** NIH consent codes (NCPI FHIR IG) that are DUO terms; MDS ("methods research allowed") restricts nothing. */
const NIH_TO_DUO: Record<string, string | null> = { GRU: 'GRU', HMB: 'HMB', DS: 'DS', IRB: 'IRB', PUB: 'PUB', COL: 'COL', NPU: 'NPU', GSO: 'GSO', MDS: null };

type Json = Record<string, unknown>;
interface Coding {
  system?: string;
  code?: string;
  display?: string;
  extension?: Json[];
}

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const codings = (cc: unknown): Coding[] => arr(obj(cc)?.['coding']).map((c) => obj(c) as Coding).filter((c) => c !== undefined);
const ext = (e: Json | undefined, url: string): Json | undefined => arr(e?.['extension']).map(obj).find((x) => x?.['url'] === url);

type Term = { kind: 'duo'; code: string; values: string[] } | { kind: 'disease'; id: string } | { kind: 'ignore' } | { kind: 'unknown' };

function classify(c: Coding): Term {
  const code = str(c.code) ?? '';
  const values = arr(c.extension)
    .map(obj)
    .filter((x) => x?.['url'] === EXT.duoValue)
    .map((x) => str(x?.['valueString']) ?? '');
  if (c.system === NIH_CONSENT_SYSTEM) {
    const duo = NIH_TO_DUO[code.toUpperCase()];
    if (duo === null) return { kind: 'ignore' };
    return duo === undefined ? { kind: 'unknown' } : { kind: 'duo', code: duo, values };
  }
  if (/duo/i.test(c.system ?? '') || /^DUO[:_]\d{7}$/.test(code)) {
    const t = lookupDuoTerm(code);
    return t === undefined ? { kind: 'unknown' } : { kind: 'duo', code: t.code, values };
  }
  if (c.system === MESH_OID || /mesh/i.test(c.system ?? '')) return /^[A-Z]\d+$/.test(code) ? { kind: 'disease', id: `MESH:${code}` } : { kind: 'unknown' };
  const prefixFromSystem = /purl\.obolibrary\.org\/obo\/([a-z]+)\.owl$/i.exec(c.system ?? '')?.[1];
  const id = normalizeDiseaseId(code.includes(':') || code.includes('_') || prefixFromSystem === undefined ? code : `${prefixFromSystem.toUpperCase()}:${code}`);
  return id !== undefined && !id.startsWith('DUO:') ? { kind: 'disease', id } : { kind: 'unknown' };
}

interface Collected {
  permissions: Set<string>;
  diseases: Set<string>;
  modifiers: Map<string, Set<string>>;
}

function collect(into: Collected, cs: Coding[], where: string, problems: ImportProblem[], allowDiseases: boolean): void {
  cs.forEach((c, i) => {
    const t = classify(c);
    if (t.kind === 'duo') {
      const term = DUO_TERMS[t.code as keyof typeof DUO_TERMS];
      if (term.kind === 'permission') into.permissions.add(term.code);
      else {
        const set = into.modifiers.get(term.code) ?? new Set<string>();
        for (const v of t.values) set.add(v);
        into.modifiers.set(term.code, set);
      }
    } else if (t.kind === 'disease' && allowDiseases) {
      into.diseases.add(t.id);
    } else if (t.kind !== 'ignore' && !(c.system === CONSENT_CATEGORY_SYSTEM || c.system === 'http://loinc.org')) {
      problems.push({ location: `${where}/${i}`, message: `cannot interpret coding ${c.system ?? '(no system)'}|${c.code ?? '(no code)'} as a DUO term${allowDiseases ? ' or disease' : ''}` });
    }
  });
}

/** Maps one schema-valid Consent resource to a record; `at` is its JSON pointer, `today` the import date. */
export function consentFromFhir(resource: Json, at: string, today: string): { record?: NewConsentRecord; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const say = (where: string, message: string): void => {
    problems.push({ location: `${at}${where}`, message });
  };

  const scopeCodes = codings(resource['scope']).map((c) => c.code);
  if (!scopeCodes.includes('research')) say('/scope', `only research consents are imported; scope is ${scopeCodes.join(', ') || 'missing'}`);

  const patient = obj(resource['patient']);
  const subjectId = str(obj(patient?.['identifier'])?.['value']) ?? /^(?:.*\/)?Patient\/([^/]+)$/.exec(str(patient?.['reference']) ?? '')?.[1];
  if (subjectId === undefined) say('/patient', 'the data subject is missing: give patient.identifier.value (a pseudonymous id) or patient.reference Patient/<id>');

  const statusExt = str(ext(resource, EXT.status)?.['valueCode']);
  const withdrawalExt = ext(resource, EXT.withdrawal);
  const fhirStatus = str(resource['status']) ?? '';
  let status: ConsentStatus | undefined;
  if (statusExt !== undefined) {
    if ((CONSENT_STATUSES as readonly string[]).includes(statusExt)) status = statusExt as ConsentStatus;
    else say('/extension', `unknown Notarium consent status ${statusExt}`);
  } else if (fhirStatus === 'active') status = 'active';
  else if (fhirStatus === 'inactive' || fhirStatus === 'rejected') status = 'withdrawn';
  else say('/status', `a ${fhirStatus} consent is not in force and is not imported (active, inactive or rejected only)`);

  let withdrawnDate: string | undefined;
  let withdrawalScope: string | undefined;
  if (status === 'withdrawn') {
    withdrawnDate = dateOf(str(ext(withdrawalExt, 'date')?.['valueDate']) ?? '') ?? dateOf(str(obj(resource['meta'])?.['lastUpdated']) ?? '') ?? today;
    withdrawalScope = str(ext(withdrawalExt, 'scope')?.['valueCode']) ?? 'no-further-use';
    if (!(WITHDRAWAL_SCOPES as readonly string[]).includes(withdrawalScope)) say('/extension', `unknown withdrawal scope ${withdrawalScope}`);
  }

  const root = obj(resource['provision']);
  const c: Collected = { permissions: new Set(), diseases: new Set(), modifiers: new Map() };
  arr(resource['category']).forEach((cc, i) => collect(c, codings(cc), `/category/${i}/coding`, problems, false));

  const rs = new Set<string>();
  let permit: Json | undefined = root;
  let permitAt = '/provision';
  const nested = arr(root?.['provision']).map(obj);
  if (root?.['type'] === 'deny') {
    const i = nested.findIndex((p) => p?.['type'] === 'permit');
    if (i < 0) say('/provision', 'the consent denies everything: a deny provision needs a nested permit to be usable for research');
    permit = nested[i];
    permitAt = `/provision/provision/${i}`;
  }
  if (permit !== undefined) {
    arr(permit['code']).forEach((cc, i) => collect(c, codings(cc), `${permitAt}/code/${i}/coding`, problems, true));
    const dx = ext(permit, NCPI_DISEASE_EXT);
    if (dx !== undefined) collect(c, codings(dx['valueCodeableConcept']), `${permitAt}/extension`, problems, true);
    if (c.permissions.size === 0) {
      // Outside input: a purpose that is not a Coding object is skipped, never dereferenced.
      for (const p of arr(permit['purpose']).map(obj).filter((x) => x !== undefined) as Coding[]) {
        const key = str(p.code) ?? '';
        const perm = (p.system === ACT_REASON_SYSTEM || p.system === undefined) && Object.hasOwn(PURPOSE_TO_PERMISSION, key) ? PURPOSE_TO_PERMISSION[key] : undefined;
        if (perm !== undefined) c.permissions.add(perm);
      }
    }
    for (const field of ['actor', 'data', 'class', 'securityLabel', 'dataPeriod', 'action']) {
      if (permit[field] !== undefined) rs.add(`FHIR ${permitAt.slice(1)}.${field}`);
    }
  }
  nested.forEach((p, i) => {
    if (p === undefined || p === permit) return;
    const purposes = arr(p['purpose']).map((x) => str(obj(x)?.['code']));
    const inner: Collected = { permissions: new Set(), diseases: new Set(), modifiers: new Map() };
    arr(p['code']).forEach((cc, j) => collect(inner, codings(cc), `/provision/provision/${i}/code/${j}/coding`, problems, true));
    const extra = Object.keys(p).filter((k) => !['type', 'purpose', 'code', 'id', 'extension'].includes(k));
    if (p['type'] === 'deny' && extra.length === 0 && (purposes.includes('POARCH') || inner.permissions.has('POA')) && inner.modifiers.size === 0 && inner.diseases.size === 0) {
      c.modifiers.set('NPOA', c.modifiers.get('NPOA') ?? new Set());
    } else if (p['type'] === 'deny' && extra.length === 0 && purposes.length === 0 && inner.permissions.size === 0 && inner.diseases.size === 0 && inner.modifiers.size > 0) {
      for (const [code, values] of inner.modifiers) c.modifiers.set(code, new Set([...(c.modifiers.get(code) ?? []), ...values]));
    } else {
      rs.add(`FHIR exception provision.provision[${i}]`);
    }
  });
  if (rs.size > 0) c.modifiers.set('RS', new Set([...(c.modifiers.get('RS') ?? []), ...rs]));

  if (c.permissions.size === 0) say('/provision', 'no DUO permission (NRES, GRU, HMB, DS, POA) in category or provision.code, and no research purpose (HRESCH, BIORCH, DSRCH, POARCH) in provision.purpose');
  if (c.permissions.size > 1) say('/provision', `more than one DUO permission: ${[...c.permissions].join(', ')}`);
  const period = obj(permit?.['period']) ?? obj(root?.['period']);
  const givenDate = dateOf(str(resource['dateTime']) ?? '') ?? dateOf(str(period?.['start']) ?? '');
  if (givenDate === undefined) say('/dateTime', 'the date consent was given is missing (dateTime)');
  if (problems.length > 0 || subjectId === undefined || status === undefined || givenDate === undefined) return { problems };

  const scope = consentScopeSchema.safeParse({
    permission: [...c.permissions][0],
    diseases: [...c.diseases],
    modifiers: [...c.modifiers].map(([code, values]) => ({ code, values: [...values] })),
  });
  if (!scope.success) return { problems: zodProblems(scope.error, `${at}/provision`) };
  const parsed = consentRecordInputSchema.safeParse({
    ...(str(resource['id']) === undefined ? {} : { id: str(resource['id']) }),
    subjectId,
    status,
    scope: scope.data,
    givenDate,
    ...(period?.['start'] === undefined ? {} : { validFrom: dateOf(str(period['start']) ?? '') ?? 'invalid' }),
    validUntil: period?.['end'] === undefined ? null : (dateOf(str(period['end']) ?? '') ?? 'invalid'),
    withdrawnDate: withdrawnDate ?? null,
    withdrawalScope: withdrawalScope ?? null,
    formVersion: str(ext(resource, EXT.formVersion)?.['valueString']) ?? null,
    documentSha256: str(ext(resource, EXT.documentSha256)?.['valueString']) ?? null,
    supersedes: str(ext(resource, EXT.supersedes)?.['valueString']) ?? null,
  });
  if (!parsed.success) return { problems: zodProblems(parsed.error, at) };
  return { record: parsed.data, problems };
}

/**
 * The Consent resources of a parsed FHIR JSON document: one Consent, or a Bundle of them.
 * @returns each resource with its JSON pointer, or problems for anything else.
 */
export function consentResources(doc: unknown): { resources: { resource: Json; at: string }[]; problems: ImportProblem[] } {
  const d = obj(doc);
  if (d?.['resourceType'] === 'Consent') return { resources: [{ resource: d, at: '' }], problems: [] };
  if (d?.['resourceType'] === 'Bundle') {
    const resources: { resource: Json; at: string }[] = [];
    const problems: ImportProblem[] = [];
    arr(d['entry']).forEach((e, i) => {
      const r = obj(obj(e)?.['resource']);
      if (r?.['resourceType'] === 'Consent') resources.push({ resource: r, at: `/entry/${i}/resource` });
      else problems.push({ location: `/entry/${i}/resource`, message: `only Consent resources are imported, not ${String(r?.['resourceType'] ?? 'an entry without a resource')}` });
    });
    if (resources.length === 0 && problems.length === 0) problems.push({ location: '/entry', message: 'the Bundle has no Consent entries' });
    return { resources, problems };
  }
  return { resources: [], problems: [{ location: '/resourceType', message: `expected a Consent or a Bundle of Consents, not ${JSON.stringify(d?.['resourceType'] ?? null)}` }] };
}

const duoCoding = (code: string, values: readonly string[] = []): Coding => {
  const t = lookupDuoTerm(code);
  if (t === undefined) throw new NotariumError('INTERNAL', `no DUO term ${code}`);
  return {
    ...(values.length === 0 ? {} : { extension: values.map((v) => ({ url: EXT.duoValue, valueString: v })) }),
    system: DUO_SYSTEM,
    code: t.id,
    display: t.label,
  };
};

function diseaseCoding(id: string): Coding {
  const [prefix = '', local = ''] = id.split(/:(.*)/s);
  if (prefix === 'MESH') return { system: MESH_OID, code: local };
  return { system: `http://purl.obolibrary.org/obo/${prefix.toLowerCase()}.owl`, code: id };
}

/** The FHIR R4 Consent resource of a stored record. */
export function consentToFhir(r: ConsentRecord): Json {
  const extension: Json[] = [{ url: EXT.status, valueCode: r.status }];
  if (r.status === 'withdrawn') {
    extension.push({
      url: EXT.withdrawal,
      extension: [
        { url: 'date', valueDate: r.withdrawnDate },
        { url: 'scope', valueCode: r.withdrawalScope },
      ],
    });
  }
  if (r.supersedes !== null) extension.push({ url: EXT.supersedes, valueString: r.supersedes });
  if (r.formVersion !== null) extension.push({ url: EXT.formVersion, valueString: r.formVersion });
  if (r.documentSha256 !== null) extension.push({ url: EXT.documentSha256, valueString: r.documentSha256 });
  const purpose = PERMISSION_TO_PURPOSE[r.scope.permission];
  const npoa = r.scope.modifiers.some((m) => m.code === 'NPOA');
  const modifiers = r.scope.modifiers.filter((m) => m.code !== 'NPOA');
  const provision: Json = {
    type: 'permit',
    period: { start: r.validFrom, ...(r.validUntil === null ? {} : { end: r.validUntil }) },
    ...(purpose === undefined ? {} : { purpose: [{ system: ACT_REASON_SYSTEM, code: purpose }] }),
    code: [
      { coding: [duoCoding(r.scope.permission)] },
      ...modifiers.map((m) => ({ coding: [duoCoding(m.code as DuoModifierCode, m.values)] })),
      ...r.scope.diseases.map((d) => ({ coding: [diseaseCoding(d)] })),
    ],
    ...(npoa ? { provision: [{ type: 'deny', purpose: [{ system: ACT_REASON_SYSTEM, code: 'POARCH' }] }] } : {}),
  };
  return {
    resourceType: 'Consent',
    id: r.id,
    extension,
    status: r.status === 'active' ? 'active' : 'inactive',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'research' }] },
    category: [{ coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: 'research' }] }],
    patient: { identifier: { system: SUBJECT_SYSTEM, value: r.subjectId } },
    dateTime: r.givenDate,
    policyRule: { coding: [{ system: ACT_CODE_SYSTEM, code: 'OPTIN' }] },
    provision,
  };
}

/** A FHIR R4 Bundle (type collection) of the records' Consent resources, in the given order. */
export function consentBundle(records: Iterable<ConsentRecord>, timestamp: string): Json {
  const entry: Json[] = [];
  for (const r of records) entry.push({ resource: consentToFhir(r) });
  return { resourceType: 'Bundle', type: 'collection', timestamp, entry };
}
