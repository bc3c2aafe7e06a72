import type { Check } from './check.js';
import { finding } from './check.js';

/** Step ids name outputs and journal entries, so each must be unique. */
export const uniqueStepIds: Check = (input) => {
  const first = new Map<string, number>();
  return input.plan.steps.flatMap((step, i) => {
    const earlier = first.get(step.id);
    if (earlier === undefined) {
      first.set(step.id, i);
      return [];
    }
    const at = input.source.positionOf(['steps', earlier, 'id']);
    return [finding(input, 'duplicate-step-id', `step id "${step.id}" is used twice (first at line ${at.line})`, input.source.positionOf(['steps', i, 'id']), 'give each step its own id; later steps refer to outputs by id')];
  });
};
