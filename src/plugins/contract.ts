import type { AnyStepKind } from '../steps/kind.js';

const functions = ['outputs', 'describe', 'run'] as const;
const optionalFunctions = ['inspect', 'undo', 'manualUndo'] as const;

/**
 * What is wrong with a value offered as a step kind, as phrases ("has no run function"); empty
 * when it keeps the contract of src/steps/kind.ts that the engine relies on.
 */
export function contractProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [`is ${value === null ? 'null' : typeof value}, not a step kind object`];
  const k = value as Record<string, unknown>;
  const out: string[] = [];
  if (typeof k.kind !== 'string') out.push('has no "kind" name (a string)');
  else if (!/^[a-z][a-z0-9-]*$/.test(k.kind)) out.push(`names its kind "${k.kind}", which is not kebab-case (a-z, 0-9, -)`);
  if (typeof k.summary !== 'string' || k.summary === '') out.push('has no "summary" (one sentence for `runbook schema` and explain)');
  const schema = k.schema as { properties?: unknown; required?: unknown } | undefined;
  if (!schema || typeof schema !== 'object' || !schema.properties || typeof schema.properties !== 'object')
    out.push('has no "schema" with "properties" (the JSON Schema of its fields)');
  else if (schema.required !== undefined && !Array.isArray(schema.required))
    out.push('has a "schema.required" that is not a list of field names');
  for (const f of functions) if (typeof k[f] !== 'function') out.push(`has no "${f}" function`);
  for (const f of optionalFunctions) if (k[f] !== undefined && typeof k[f] !== 'function') out.push(`has a "${f}" that is not a function`);
  for (const f of ['connectionFields', 'shellFields'] as const) {
    if (k[f] !== undefined && !(Array.isArray(k[f]) && (k[f] as unknown[]).every((x) => typeof x === 'string')))
      out.push(`has a "${f}" that is not a list of field names`);
  }
  return out;
}

/** The step kinds a plug-in module exports: its default export (a kind or a list of kinds), else `kinds`. */
export function exportedKinds(mod: Record<string, unknown>): unknown[] | undefined {
  const offered = mod.default ?? mod.kinds;
  if (offered === undefined) return undefined;
  return Array.isArray(offered) ? offered : [offered];
}

/** A value that passed contractProblems, as the registry holds it. */
export const asKind = (value: unknown): AnyStepKind => value as AnyStepKind;
