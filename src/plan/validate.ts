import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { allStepKinds, getStepKind } from '../steps/index.js';
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

let schemaCache: { count: number; schema: SchemaObject; fragment?: SchemaObject } | undefined;

/** The plan schema for the kinds registered now (rebuilt when a kind is added). */
export function planSchema(): SchemaObject {
  const kinds = allStepKinds();
  if (schemaCache?.count !== kinds.length) schemaCache = { count: kinds.length, schema: buildPlanSchema(kinds) };
  return schemaCache.schema;
}

function validateLoaded(file: string, loaded: ReturnType<typeof loadPlanFile>): ValidatedPlan {
  const { source, data } = loaded;
  if (!source || !data || hasErrors(loaded.diagnostics))
    return { ...(source && { source }), diagnostics: sortDiagnostics(loaded.diagnostics) };
  const schemaFindings = checkSchema(source, data, planSchema());
  if (schemaFindings.length > 0) return { source, diagnostics: sortDiagnostics([...loaded.diagnostics, ...schemaFindings]) };
  const includes: Includes = { sources: new Map(), diagnostics: [] };
  const plan = planFromJson(file, data, includeResolver(source, fragmentSchema(), includes));
  const input = { plan, source, sources: includes.sources, kindOf: getStepKind };
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
function fragmentSchema(): SchemaObject {
  const cache = schemaCache?.count === allStepKinds().length ? schemaCache : undefined;
  if (cache?.fragment) return cache.fragment;
  const fragment = buildFragmentSchema(planSchema());
  schemaCache = { ...schemaCache!, fragment };
  return fragment;
}

/** Reads a plan file and reports everything wrong with it, before anything runs. */
export function validatePlanFile(file: string): ValidatedPlan {
  return validateLoaded(file, loadPlanFile(file));
}

/** Same as validatePlanFile for text already in memory (stdin, a git revision). */
export function validatePlanText(file: string, text: string): ValidatedPlan {
  return validateLoaded(file, parsePlanText(file, text));
}
