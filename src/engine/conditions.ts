import { evaluateCondition, parseCondition, truthy } from '../template/condition.js';

/** Whether a `when:` holds, and when it does not, why — with the values it read. */
export interface ConditionOutcome {
  readonly holds: boolean;
  readonly reason?: string;
}

/**
 * Evaluates a condition against the run's values. A false condition's reason lists the values
 * it read (never those of `hiddenVars`, the secret ones), so an operator sees why a step was
 * skipped without opening the journal.
 */
export function checkCondition(
  when: string | undefined,
  scope: Readonly<Record<string, unknown>>,
  hiddenVars: ReadonlySet<string>,
): ConditionOutcome {
  if (when === undefined) return { holds: true };
  const parsed = parseCondition(when);
  if (!parsed.ok) return { holds: false, reason: `condition does not parse: ${parsed.message}` };
  if (truthy(evaluateCondition(parsed.ast, scope))) return { holds: true };
  const values = parsed.references
    .filter((p) => p[0] === 'steps' || (p[0] === 'vars' && !hiddenVars.has(p[1] ?? '')))
    .map(
      (p) =>
        `${p.join('.')} = ${JSON.stringify(p.reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], scope) ?? null)}`,
    );
  return { holds: false, reason: `condition is false: ${when}${values.length > 0 ? ` (${values.join(', ')})` : ''}` };
}
