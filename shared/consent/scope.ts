/**
 * The scope of one consent, in DUO terms: one permission, its disease terms (for DS) and
 * modifiers with their values. Scopes are stored and hashed in a canonical form
 * (sorted, deduplicated), so two equal scopes always have the same text.
 *
 * Compact text form (CSV columns, CLI flags): modifiers are `;`-separated tokens, each
 * `CODE` or `CODE=value1|value2`, e.g. `NCU;IRB;US=alice|bob;TS=12;MOR=2027-01-31`.
 */
import canonicalize from 'canonicalize';
import { z } from 'zod';

import { NotariumError } from '../errors.ts';
import { isIsoDate } from './dates.ts';
import { diseaseIdSchema } from './disease.ts';
import { DUO_MODIFIERS, DUO_PERMISSIONS, lookupDuoTerm, type DuoModifierCode, type DuoPermission } from './duo.ts';

/** A modifier with its values (empty for the flag-like ones such as NCU). */
export interface DuoModifier {
  code: DuoModifierCode;
  values: string[];
}

export interface ConsentScope {
  permission: DuoPermission;
  /** Disease CURIEs; non-empty exactly when the permission is DS. */
  diseases: string[];
  /** At most one entry per code, sorted by code. */
  modifiers: DuoModifier[];
}

/** Modifiers whose values are lists of names (users, institutions, projects, regions). */
export const LIST_MODIFIERS: ReadonlySet<DuoModifierCode> = new Set(['US', 'IS', 'PS', 'GS']);

const permissionSchema = z.string().transform((v, ctx) => {
  const t = lookupDuoTerm(v);
  if (t?.kind !== 'permission') {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a DUO permission (${DUO_PERMISSIONS.join(', ')})` });
    return z.NEVER;
  }
  return t.code as DuoPermission;
});

const modifierCodeSchema = z.string().transform((v, ctx) => {
  const t = lookupDuoTerm(v);
  if (t?.kind !== 'modifier') {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a DUO modifier (${DUO_MODIFIERS.join(', ')})` });
    return z.NEVER;
  }
  return t.code as DuoModifierCode;
});

const valueSchema = z.string().trim().min(1, 'empty value').max(500).refine((v) => !/[\u0000-\u001f;|]/.test(v), 'a value may not contain control characters, ";" or "|"');

const modifierSchema = z
  .strictObject({ code: modifierCodeSchema, values: z.array(valueSchema).max(1000).default([]) })
  .superRefine((m, ctx) => {
    const n = m.values.length;
    const say = (message: string): void => ctx.addIssue({ code: 'custom', message: `${m.code}: ${message}`, path: ['values'] });
    if (m.code === 'MOR') {
      if (n !== 1 || !isIsoDate(m.values[0] as string)) say('give the end of the publication moratorium as one date YYYY-MM-DD');
    } else if (m.code === 'TS') {
      if (n !== 1 || !/^[1-9]\d{0,3}$/.test(m.values[0] as string)) say('give the time limit as one whole number of months (1-9999)');
    } else if (LIST_MODIFIERS.has(m.code)) {
      if (n === 0) say('list at least one allowed value');
    } else if (m.code !== 'RS' && n > 0) {
      say('takes no value');
    }
  });

/** Parses and canonicalizes a scope; accepts shorthands or DUO ids. */
export const consentScopeSchema = z
  .strictObject({
    permission: permissionSchema,
    diseases: z.array(diseaseIdSchema).max(1000).default([]),
    modifiers: z.array(modifierSchema).max(50).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.permission === 'DS' && s.diseases.length === 0) ctx.addIssue({ code: 'custom', path: ['diseases'], message: 'DS (disease specific) consent needs at least one disease term' });
    if (s.permission !== 'DS' && s.diseases.length > 0) ctx.addIssue({ code: 'custom', path: ['diseases'], message: `disease terms are only meaningful with DS, not ${s.permission}` });
    const seen = new Set<string>();
    for (const m of s.modifiers) {
      if (seen.has(m.code)) ctx.addIssue({ code: 'custom', path: ['modifiers'], message: `${m.code} is given twice` });
      seen.add(m.code);
    }
  })
  .transform((s): ConsentScope => canonicalScope(s));

/** The canonical form: diseases and list values sorted and deduplicated, modifiers sorted by code. */
export function canonicalScope(s: ConsentScope): ConsentScope {
  const sortUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();
  return {
    permission: s.permission,
    diseases: sortUnique(s.diseases),
    modifiers: [...s.modifiers]
      .map((m) => ({ code: m.code, values: LIST_MODIFIERS.has(m.code) || m.code === 'RS' ? sortUnique(m.values) : [...m.values] }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
  };
}

const textCache = new WeakMap<ConsentScope, string>();

/** RFC 8785 JSON of the canonical scope: the stored and hashed text. Scopes are treated as immutable (the text is cached per object). */
export function scopeText(s: ConsentScope): string {
  let text = textCache.get(s);
  if (text === undefined) {
    text = canonicalize(canonicalScope(s));
    if (text === undefined) throw new NotariumError('INTERNAL', 'scope cannot be canonicalized');
    textCache.set(s, text);
  }
  return text;
}

/** Splits compact modifier text (`NCU;US=a|b;TS=12`) into the shape {@link consentScopeSchema} parses. */
export function splitModifiers(text: string): { code: string; values: string[] }[] {
  return text
    .split(';')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      const eq = t.indexOf('=');
      if (eq < 0) return { code: t, values: [] };
      return { code: t.slice(0, eq).trim(), values: t.slice(eq + 1).split('|').map((v) => v.trim()) };
    });
}

/** Splits a list of disease terms separated by `|`, `,`, `;` or white space. */
export function splitDiseases(text: string): string[] {
  return text.split(/[|,;\s]+/).filter((t) => t !== '');
}

/** Compact modifier text of a scope (inverse of {@link splitModifiers}). */
export function formatModifiers(modifiers: readonly DuoModifier[]): string {
  return modifiers.map((m) => (m.values.length === 0 ? m.code : `${m.code}=${m.values.join('|')}`)).join(';');
}

/** One-line human form, e.g. "DS(DOID:162) NCU IRB US=alice". */
export function describeScope(s: ConsentScope): string {
  const head = s.permission === 'DS' ? `DS(${s.diseases.join(' ')})` : s.permission;
  return [head, ...s.modifiers.map((m) => (m.values.length === 0 ? m.code : `${m.code}=${m.values.join('|')}`))].join(' ');
}

/** The values of modifier `code` in `s`, or undefined when the scope does not have it. */
export function modifierValues(s: ConsentScope, code: DuoModifierCode): readonly string[] | undefined {
  return s.modifiers.find((m) => m.code === code)?.values;
}
