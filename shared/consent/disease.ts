/**
 * Disease terms for DUO DS ("disease specific research") and their hierarchy.
 *
 * Matching is hierarchical (DUO README, "How does querying work"): a purpose to study a
 * disease is covered by consent for that disease or for any of its ancestors, never by
 * consent for a narrower disease. The hierarchy is an ancestor closure loaded from a
 * file of `is_a` edges (main/core/consent/data/diseases.tsv or the user's own).
 */
import { z } from 'zod';

/** An ontology CURIE such as "DOID:162" or "MONDO:0004992". */
const CURIE = /^[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9_.-]+$/;
const OBO_IRI = /^https?:\/\/purl\.obolibrary\.org\/obo\/([A-Za-z][A-Za-z0-9]*)_([A-Za-z0-9_.-]+)$/;

/**
 * The CURIE of a disease term written as a CURIE ("doid:162" → "DOID:162"), an OBO
 * underscore id ("DOID_162") or an OBO PURL (http://purl.obolibrary.org/obo/DOID_162,
 * as DUOS writes them); undefined when it is none of these.
 */
export function normalizeDiseaseId(value: string): string | undefined {
  const s = value.trim();
  const iri = OBO_IRI.exec(s);
  if (iri) return `${(iri[1] as string).toUpperCase()}:${iri[2] as string}`;
  const underscore = /^([A-Za-z][A-Za-z0-9]*)_(\d+)$/.exec(s);
  if (underscore) return `${(underscore[1] as string).toUpperCase()}:${underscore[2] as string}`;
  if (!CURIE.test(s)) return undefined;
  const colon = s.indexOf(':');
  return `${s.slice(0, colon).toUpperCase()}${s.slice(colon)}`;
}

/** A disease term id, normalized to a CURIE. */
export const diseaseIdSchema = z.string().transform((v, ctx) => {
  const id = normalizeDiseaseId(v);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a disease term id (e.g. DOID:162, MONDO:0004992)` });
    return z.NEVER;
  }
  return id;
});

/** The ancestor relation of disease terms. */
export interface DiseaseHierarchy {
  /** Ancestors of `term` (not including itself), or undefined when the term is not in the hierarchy. */
  ancestors(term: string): ReadonlySet<string> | undefined;
}

export type DiseaseCoverage = 'covered' | 'not-covered' | 'unknown';

/**
 * Whether a purpose to study `purposeTerm` falls within consent for `consentTerms`: the
 * term itself or one of its ancestors is consented. 'unknown' when the purpose term is
 * not in the hierarchy (and not consented as such), so no one can tell.
 */
export function diseaseCoverage(purposeTerm: string, consentTerms: readonly string[], hierarchy: DiseaseHierarchy): DiseaseCoverage {
  if (consentTerms.includes(purposeTerm)) return 'covered';
  const up = hierarchy.ancestors(purposeTerm);
  if (up === undefined) return 'unknown';
  return consentTerms.some((c) => up.has(c)) ? 'covered' : 'not-covered';
}

/** One row of a disease file: a term, its label and its direct (or nearest listed) parents. */
export interface DiseaseTermEntry {
  id: string;
  label: string;
  parents: string[];
}

export interface DiseaseClosure {
  labels: Map<string, string>;
  /** term → all its ancestors. */
  ancestors: Map<string, Set<string>>;
  problems: { line: number; message: string }[];
}

/**
 * The transitive closure of `entries` (line numbers are 1-based positions in the
 * source, for problem reports). Problems: duplicate terms, unknown parents, cycles.
 */
export function buildDiseaseClosure(entries: readonly (DiseaseTermEntry & { line: number })[]): DiseaseClosure {
  const problems: DiseaseClosure['problems'] = [];
  const labels = new Map<string, string>();
  const parents = new Map<string, string[]>();
  const lineOf = new Map<string, number>();
  for (const e of entries) {
    if (labels.has(e.id)) {
      problems.push({ line: e.line, message: `${e.id} is listed twice (first on line ${lineOf.get(e.id)})` });
      continue;
    }
    labels.set(e.id, e.label);
    parents.set(e.id, e.parents);
    lineOf.set(e.id, e.line);
  }
  for (const [id, ps] of parents) {
    for (const p of ps) if (!labels.has(p)) problems.push({ line: lineOf.get(id) ?? 0, message: `${id} names parent ${p}, which is not in the file` });
  }
  const ancestors = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  const visit = (id: string): Set<string> => {
    const done = ancestors.get(id);
    if (done) return done;
    if (visiting.has(id)) {
      problems.push({ line: lineOf.get(id) ?? 0, message: `${id} is its own ancestor (cycle)` });
      return new Set();
    }
    visiting.add(id);
    const up = new Set<string>();
    for (const p of parents.get(id) ?? []) {
      if (!labels.has(p)) continue;
      up.add(p);
      for (const a of visit(p)) up.add(a);
    }
    visiting.delete(id);
    ancestors.set(id, up);
    return up;
  };
  for (const id of labels.keys()) visit(id);
  return { labels, ancestors, problems };
}

/** A DiseaseHierarchy over an in-memory closure. */
export function hierarchyOf(ancestors: ReadonlyMap<string, ReadonlySet<string>>): DiseaseHierarchy {
  return { ancestors: (term) => ancestors.get(term) };
}
