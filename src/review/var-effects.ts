import type { ActionDecl, Plan, VarDecl } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { Masker } from '../core/mask.js';
import type { AffectedField, RiskNote } from './diff-model.js';
import { flatten } from './flatten.js';
import { isDestructive } from './risk.js';
import { StaticRenderer } from './static-render.js';

/** The plan with one var's default as it was (absent when it had none). */
function withDefault(plan: Plan, name: string, value: VarDecl['default']): Plan {
  const vars = plan.vars.map((v) => {
    if (v.name !== name) return v;
    const { default: _, ...rest } = v;
    return value === undefined ? rest : { ...rest, default: value };
  });
  return { ...plan, vars };
}

/** Every step and rollback action of a plan with how a reviewer names it. */
function actionsOf(plan: Plan): { readonly action: ActionDecl; readonly step: string; readonly rollback?: number }[] {
  return plan.steps.flatMap((s) => [
    { action: s as ActionDecl, step: s.id },
    ...s.rollback.map((a, i) => ({ action: a, step: s.id, rollback: i + 1 })),
  ]);
}

/**
 * What a changed var default does to the plan: every field of a step or rollback action that
 * renders differently with the old default than with the new one (the rest of the new plan
 * unchanged), and a risk note for each such action that changes something.
 */
export function defaultEffects(
  name: string,
  oldDefault: VarDecl['default'],
  plan: Plan,
  masker: Masker,
  kinds: StepKindRegistry,
): { affected: AffectedField[]; risks: RiskNote[] } {
  const was = new StaticRenderer(withDefault(plan, name, oldDefault), masker);
  const now = new StaticRenderer(plan, masker);
  const affected: AffectedField[] = [];
  const risks: RiskNote[] = [];
  for (const { action, step, rollback } of actionsOf(plan)) {
    const shell = kinds.get(action.kind)?.shellFields ?? [];
    const fields: AffectedField[] = [];
    for (const leaf of flatten(action.spec)) {
      // A list of plain values (params, an argv) is one leaf: its strings are rendered one by one.
      const texts = (Array.isArray(leaf.value) ? leaf.value : [leaf.value]).filter((v): v is string => typeof v === 'string');
      if (!texts.some((t) => t.includes('{{'))) continue;
      const mode = shell.includes(leaf.path) ? 'shell' : 'text';
      const before = masker.mask(texts.map((t) => was.render(t, mode)).join(', '));
      const after = masker.mask(texts.map((t) => now.render(t, mode)).join(', '));
      if (before !== after) fields.push({ step, ...(rollback !== undefined && { rollback }), field: leaf.path, old: before, new: after });
    }
    affected.push(...fields);
    if (fields.length === 0 || !isDestructive(action)) continue;
    const where = rollback === undefined ? `step "${step}"` : `rollback action ${rollback} of step "${step}"`;
    risks.push({
      risk: 'var-default-changed',
      message: `var default changed: var "${name}" now gives ${where} (${action.kind}) a different ${fields.map((f) => f.field).join(', ')}; read it re-rendered in this diff before approving`,
    });
  }
  return { affected, risks };
}
