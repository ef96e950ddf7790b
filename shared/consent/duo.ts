/**
 * The GA4GH Data Use Ontology (DUO) terms Notarium understands: ids, shorthands and
 * labels as published by EBISPOT/DUO (CC BY 4.0; the term list ships in
 * main/core/consent/data/duo.csv, and a test keeps this table equal to it).
 *
 * A consent scope has one *permission* (what kind of research is allowed) and any
 * number of *modifiers* (extra conditions). See http://purl.obolibrary.org/obo/duo.owl.
 */
import { NotariumError } from '../errors.ts';

/** Data use permissions, from the widest to the narrowest. */
export const DUO_PERMISSIONS = ['NRES', 'GRU', 'HMB', 'DS', 'POA'] as const;
export type DuoPermission = (typeof DUO_PERMISSIONS)[number];

/**
 * Data use modifiers. Those with values: MOR (one ISO date), TS (one number of months),
 * US/IS/PS/GS (allowed users, institutions, projects, regions), RS (research types, free text).
 */
export const DUO_MODIFIERS = ['NCU', 'NPU', 'NPUNCU', 'NPOA', 'NMDS', 'GSO', 'IRB', 'PUB', 'COL', 'RTN', 'MOR', 'US', 'IS', 'PS', 'GS', 'TS', 'RS', 'CC'] as const;
export type DuoModifierCode = (typeof DUO_MODIFIERS)[number];

export type DuoCode = DuoPermission | DuoModifierCode;

export interface DuoTerm {
  /** CURIE, e.g. "DUO:0000042". */
  id: string;
  code: DuoCode;
  kind: 'permission' | 'modifier';
  label: string;
}

/** Every DUO term with a shorthand in duo.csv, keyed by shorthand. */
export const DUO_TERMS: Readonly<Record<DuoCode, DuoTerm>> = {
  NRES: { id: 'DUO:0000004', code: 'NRES', kind: 'permission', label: 'no restriction' },
  GRU: { id: 'DUO:0000042', code: 'GRU', kind: 'permission', label: 'general research use' },
  HMB: { id: 'DUO:0000006', code: 'HMB', kind: 'permission', label: 'health or medical or biomedical research' },
  DS: { id: 'DUO:0000007', code: 'DS', kind: 'permission', label: 'disease specific research' },
  POA: { id: 'DUO:0000011', code: 'POA', kind: 'permission', label: 'population origins or ancestry research only' },
  NCU: { id: 'DUO:0000046', code: 'NCU', kind: 'modifier', label: 'non-commercial use only' },
  NPU: { id: 'DUO:0000045', code: 'NPU', kind: 'modifier', label: 'not for profit organisation use only' },
  NPUNCU: { id: 'DUO:0000018', code: 'NPUNCU', kind: 'modifier', label: 'not for profit, non commercial use only' },
  NPOA: { id: 'DUO:0000044', code: 'NPOA', kind: 'modifier', label: 'population origins or ancestry research prohibited' },
  NMDS: { id: 'DUO:0000015', code: 'NMDS', kind: 'modifier', label: 'no general methods research' },
  GSO: { id: 'DUO:0000016', code: 'GSO', kind: 'modifier', label: 'genetic studies only' },
  IRB: { id: 'DUO:0000021', code: 'IRB', kind: 'modifier', label: 'ethics approval required' },
  PUB: { id: 'DUO:0000019', code: 'PUB', kind: 'modifier', label: 'publication required' },
  COL: { id: 'DUO:0000020', code: 'COL', kind: 'modifier', label: 'collaboration required' },
  RTN: { id: 'DUO:0000029', code: 'RTN', kind: 'modifier', label: 'return to database or resource' },
  MOR: { id: 'DUO:0000024', code: 'MOR', kind: 'modifier', label: 'publication moratorium' },
  US: { id: 'DUO:0000026', code: 'US', kind: 'modifier', label: 'user specific restriction' },
  IS: { id: 'DUO:0000028', code: 'IS', kind: 'modifier', label: 'institution specific restriction' },
  PS: { id: 'DUO:0000027', code: 'PS', kind: 'modifier', label: 'project specific restriction' },
  GS: { id: 'DUO:0000022', code: 'GS', kind: 'modifier', label: 'geographical restriction' },
  TS: { id: 'DUO:0000025', code: 'TS', kind: 'modifier', label: 'time limit on use' },
  RS: { id: 'DUO:0000012', code: 'RS', kind: 'modifier', label: 'research specific restrictions' },
  CC: { id: 'DUO:0000043', code: 'CC', kind: 'modifier', label: 'clinical care use' },
};

const BY_ID: ReadonlyMap<string, DuoTerm> = new Map(Object.values(DUO_TERMS).map((t) => [t.id, t]));

/** The term for a shorthand ("HMB") or a DUO CURIE ("DUO:0000006", also "DUO_0000006" or the OBO IRI); case-insensitive. */
export function lookupDuoTerm(codeOrId: string): DuoTerm | undefined {
  const s = codeOrId.trim();
  const iri = /^https?:\/\/purl\.obolibrary\.org\/obo\/DUO_(\d{7})$/i.exec(s);
  const curie = iri ? `DUO:${iri[1]}` : s.toUpperCase().replace(/^DUO_/, 'DUO:');
  if (curie.startsWith('DUO:')) return BY_ID.get(curie);
  return Object.hasOwn(DUO_TERMS, curie) ? DUO_TERMS[curie as DuoCode] : undefined;
}

/**
 * The permission named by `codeOrId`.
 * @throws NotariumError('INVALID_INPUT') when it is not a DUO permission.
 */
export function toPermission(codeOrId: string): DuoPermission {
  const t = lookupDuoTerm(codeOrId);
  if (t === undefined || t.kind !== 'permission') {
    throw new NotariumError('INVALID_INPUT', `"${codeOrId}" is not a DUO permission (one of ${DUO_PERMISSIONS.join(', ')}).`);
  }
  return t.code as DuoPermission;
}

/**
 * The modifier named by `codeOrId`.
 * @throws NotariumError('INVALID_INPUT') when it is not a DUO modifier Notarium knows.
 */
export function toModifierCode(codeOrId: string): DuoModifierCode {
  const t = lookupDuoTerm(codeOrId);
  if (t === undefined || t.kind !== 'modifier') {
    throw new NotariumError('INVALID_INPUT', `"${codeOrId}" is not a DUO modifier (one of ${DUO_MODIFIERS.join(', ')}).`);
  }
  return t.code as DuoModifierCode;
}
