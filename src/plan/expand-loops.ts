import type { Plan, StepDecl, VarValue } from './model.js';

/** The id of one copy of a looped step: `check[0]`, `check[1]`... */
export const loopStepId = (id: string, index: number): string => `${id}[${index}]`;

/** The items a looped step walks with these var values (a var without a value walks nothing). */
export function loopItems(step: StepDecl, vars: Readonly<Record<string, VarValue | unknown>>): readonly unknown[] {
  const loop = step.forEach;
  if (loop === undefined) return [];
  if ('items' in loop) return loop.items;
  const value = vars[loop.var];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function expandSteps(steps: readonly StepDecl[], vars: Readonly<Record<string, unknown>>): StepDecl[] {
  return steps.flatMap((step): StepDecl[] => {
    if (step.forEach === undefined) return [step];
    const { forEach: _loop, ...rest } = step;
    return loopItems(step, vars).map((value, index) => ({ ...rest, id: loopStepId(step.id, index), item: { value, index, of: step.id } }));
  });
}

/**
 * The plan with every `for_each` step replaced by one step per item (each with its own rollback
 * and `item`), as runs, dry runs and reviews see it. The plan's source positions stay on the copies.
 */
export function expandLoops(plan: Plan, vars: Readonly<Record<string, unknown>>): Plan {
  if (![...plan.steps, ...plan.finally].some((s) => s.forEach !== undefined)) return plan;
  return { ...plan, steps: expandSteps(plan.steps, vars), finally: expandSteps(plan.finally, vars) };
}
