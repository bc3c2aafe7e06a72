import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { SchemaObject } from '../core/json.js';
import { checkSchema } from './check-schema.js';
import type { Check } from './checks/check.js';
import { connectionsExist, lockConnectionsExist } from './checks/connections.js';
import { loopsWalkLists } from './checks/loops.js';
import { referencesResolve } from './checks/references.js';
import { shellValuesAreData } from './checks/shell-fields.js';
import { uniqueStepIds } from './checks/unique-step-ids.js';
import { varPatternsCompile } from './checks/var-patterns.js';
import { loadPlanFile, parsePlanText } from './load.js';
import { allSteps, planFromJson, type Plan } from './model.js';
import { buildFragmentSchema, buildPlanSchema } from './schema.js';
import { includeResolver, includeSiteFindings, type Includes } from './include.js';
import type { PlanSource } from './source.js';

/** The semantic rules, run after the schema passes. */
const checks: readonly Check[] = [
  uniqueStepIds,
  connectionsExist,
  lockConnectionsExist,
  referencesResolve,
  shellValuesAreData,
  loopsWalkLists,
  varPatternsCompile,
];

/** A plan read and checked: the model when it is valid, and every finding either way. */
export interface ValidatedPlan {
  readonly plan?: Plan;
  readonly source?: PlanSource;
  readonly diagnostics: readonly Diagnostic[];
}

interface SchemaCache {
  readonly count: number;
  readonly schema: SchemaObject;
  fragment?: SchemaObject;
}

/** Per registry: its schemas are rebuilt when a kind is added. */
const schemaCache = new WeakMap<StepKindRegistry, SchemaCache>();

function cached(kinds: StepKindRegistry): SchemaCache {
  const all = kinds.all();
  let cache = schemaCache.get(kinds);
  if (cache?.count !== all.length) schemaCache.set(kinds, (cache = { count: all.length, schema: buildPlanSchema(all) }));
  return cache;
}

/** The plan schema for the kinds registered now. */
export function planSchema(kinds: StepKindRegistry): SchemaObject {
  return cached(kinds).schema;
}

function validateLoaded(file: string, loaded: ReturnType<typeof loadPlanFile>, kinds: StepKindRegistry): ValidatedPlan {
  const { source, data } = loaded;
  if (!source || !data || hasErrors(loaded.diagnostics))
    return { ...(source && { source }), diagnostics: sortDiagnostics(loaded.diagnostics) };
  const schemaFindings = checkSchema(source, data, planSchema(kinds));
  if (schemaFindings.length > 0) return { source, diagnostics: sortDiagnostics([...loaded.diagnostics, ...schemaFindings]) };
  const includes: Includes = { sources: new Map(), diagnostics: [] };
  const plan = planFromJson(file, data, includeResolver(source, fragmentSchema(kinds), includes));
  const input = { plan, source, sources: includes.sources, kindOf: (name: string) => kinds.get(name) };
  const checked = checks.flatMap((check) => check(input));
  const findings = [
    ...checked,
    ...includeSiteFindings(
      allSteps(plan).flatMap((s) => [s, ...s.rollback]),
      checked,
      includes.sources,
      source,
    ),
  ];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...includes.diagnostics, ...findings]);
  return hasErrors(diagnostics) ? { source, diagnostics } : { plan, source, diagnostics };
}

/** The schema of fragment files, for the kinds registered now. */
function fragmentSchema(kinds: StepKindRegistry): SchemaObject {
  const cache = cached(kinds);
  return (cache.fragment ??= buildFragmentSchema(cache.schema));
}

/** Reads a plan file and reports everything wrong with it, before anything runs. */
export function validatePlanFile(file: string, kinds: StepKindRegistry): ValidatedPlan {
  return validateLoaded(file, loadPlanFile(file), kinds);
}

/** Same as validatePlanFile for text already in memory (stdin, a git revision). */
export function validatePlanText(file: string, text: string, kinds: StepKindRegistry): ValidatedPlan {
  return validateLoaded(file, parsePlanText(file, text), kinds);
}
