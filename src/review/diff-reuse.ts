import type { Plan } from '../plan/model.js';
import type { FieldChange, PlanChange, RiskNote } from './diff-model.js';
import { diffSteps } from './diff-steps.js';
import type { Sides } from './fields.js';
import { sameData } from './flatten.js';

/** Finally steps compared like steps; removing one is a risk, as its cleanup no longer happens. */
export function diffFinally(before: Plan, after: Plan, sides: Sides): PlanChange[] {
  return diffSteps({ ...before, steps: before.finally }, { ...after, steps: after.finally }, sides).map((c): PlanChange => {
    const gone: RiskNote[] =
      c.status === 'removed'
        ? [
            {
              risk: 'cleanup-removed',
              message: `cleanup removed: finally step "${c.name}" no longer runs; what it cleaned up now stays after every run, failed or not`,
            },
          ]
        : [];
    return { ...c, target: 'finally-step', risks: [...c.risks, ...gone] };
  });
}

/** The plug-in list as a plan-level field change, with a note: step kinds now come from other code. */
export function diffPlugins(a: Plan, b: Plan): { fields: FieldChange[]; risks: RiskNote[] } {
  if (sameData(a.plugins, b.plugins)) return { fields: [], risks: [] };
  const added = b.plugins.filter((p) => !a.plugins.includes(p));
  const removed = a.plugins.filter((p) => !b.plugins.includes(p));
  const what =
    [added.length > 0 && `adds ${added.join(', ')}`, removed.length > 0 && `drops ${removed.join(', ')}`].filter(Boolean).join('; ') ||
    'loads them in another order';
  return {
    fields: [
      {
        field: 'plugins',
        ...(a.plugins.length > 0 && { old: a.plugins.join(', ') }),
        ...(b.plugins.length > 0 && { new: b.plugins.join(', ') }),
      },
    ],
    risks: [
      {
        risk: 'plugins-changed',
        message: `plug-ins changed: the plan ${what}; the code of a plug-in runs with runbook's rights, so review it with the plan`,
      },
    ],
  };
}
