import type { StepResult } from '../steps/kind.js';

/** A short, one-line picture of a value a kind returned, for the failure that names it. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A kind's answer checked at the boundary: a plug-in may return anything, and a value that is not
 * a result becomes this step's failure naming the kind, instead of an error deep in the engine.
 */
export function checkedResult(kind: string, value: unknown): StepResult {
  const r = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  if (r?.ok === true && (r.outputs === undefined || (typeof r.outputs === 'object' && r.outputs !== null))) return value as StepResult;
  if (r?.ok === false && typeof r.message === 'string') return value as StepResult;
  return {
    ok: false,
    message: `the ${kind} step kind returned ${shown(value)}, not a result`,
    hint: 'a step kind returns { ok: true, outputs } or { ok: false, message }; this is a bug in the step kind',
  };
}
