/**
 * Shared pieces of the property-based fuzz tests (fast-check): inputs an attacker could send
 * (random text, random JSON, valid documents with one part replaced, removed or duplicated,
 * pathological nesting), and the property every parser of outside input must keep: it returns,
 * or throws a typed NotariumError — never another exception — and quickly.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isNotariumError } from '../../shared/errors.ts';

/** A generous bound per call, ms: a parser that takes longer on a tiny input is hanging. */
export const CALL_TIME_LIMIT_MS = 2_000;

/**
 * Runs per JSON fuzzer: cheap, so several hundred within the suite's budget. For a deeper
 * search locally: NOTARIUM_FUZZ_RUNS=20000 vitest run test/fuzz (other fuzzers scale from it).
 */
export const TEXT_RUNS = Number(process.env['NOTARIUM_FUZZ_RUNS'] ?? 300);

/** `TEXT_RUNS` scaled for a costlier fuzzer (one that writes files or opens a store), at least 1. */
export function scaledRuns(fraction: number): number {
  return Math.max(1, Math.round(TEXT_RUNS * fraction));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every node of a JSON value as [parent, key] pairs (the root has no parent). */
function slots(value: Json): [Json[] | { [k: string]: Json }, string | number][] {
  const out: [Json[] | { [k: string]: Json }, string | number][] = [];
  const visit = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach((child, i) => {
        out.push([v, i]);
        visit(child);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        out.push([v, k]);
        visit(child);
      }
    }
  };
  visit(value);
  return out;
}

/** A mutation of a JSON document: at the n-th node, set a random value, delete it, or nest it deeply. */
export interface JsonMutation {
  at: number;
  kind: 'set' | 'delete' | 'wrap' | 'stringify';
  value: Json;
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('set', 'delete', 'wrap', 'stringify'),
  value: fc.jsonValue() as fc.Arbitrary<Json>,
});

/** Applies `mutations` to a deep copy of `doc`. */
export function mutate(doc: unknown, mutations: readonly JsonMutation[]): unknown {
  const copy = structuredClone(doc) as Json;
  for (const m of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [parent, key] = all[m.at % all.length] as [Json[] | { [k: string]: Json }, string | number];
    const p = parent as Record<string | number, Json>;
    if (m.kind === 'set') p[key] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else Reflect.deleteProperty(p, key);
    } else if (m.kind === 'wrap') p[key] = [[[[[p[key] as Json]]]]];
    else p[key] = JSON.stringify(p[key]);
  }
  return copy;
}

/** Text an attacker could hand a parser, built around a valid document `seed`. */
export function hostileText(seed: unknown): fc.Arbitrary<string> {
  const valid = JSON.stringify(seed);
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(jsonMutation, { minLength: 1, maxLength: 4 }).map((ms) => JSON.stringify(mutate(seed, ms))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.tuple(fc.nat({ max: valid.length }), fc.string({ maxLength: 8 })).map(([i, s]) => valid.slice(0, i) + s + valid.slice(i + s.length)) },
    { weight: 1, arbitrary: fc.nat({ max: valid.length }).map((i) => valid.slice(0, i)) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{}', '"x"', '1e999', '-0', '\uFEFF{}', '[['.repeat(50_000), '{"a":'.repeat(20_000), `"${'\\u0000'.repeat(10_000)}"`) },
  );
}

/**
 * Calls `parse(input)` and checks the fuzz property: a value, or a NotariumError with one
 * of `codes`; within {@link CALL_TIME_LIMIT_MS}.
 */
export async function expectTypedOutcome<T>(parse: () => T | Promise<T>, codes: readonly string[], label: string): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  const started = performance.now();
  let outcome: { ok: true; value: T } | { ok: false; code: string };
  try {
    outcome = { ok: true, value: await parse() };
  } catch (e) {
    if (!isNotariumError(e)) throw new Error(`${label}: untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
    expect(codes, `${label}: ${e.code} ${e.message.slice(0, 200)}`).toContain(e.code);
    outcome = { ok: false, code: e.code };
  }
  expect(performance.now() - started, `${label}: took too long`).toBeLessThan(CALL_TIME_LIMIT_MS);
  return outcome;
}
