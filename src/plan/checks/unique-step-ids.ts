import { allSteps } from '../model.js';
import type { Check } from './check.js';
import { finding, inputFor } from './check.js';

/** Step ids name outputs and journal entries, so each must be unique. */
export const uniqueStepIds: Check = (input) => {
  const first = new Map<string, readonly (string | number)[]>();
  return allSteps(input.plan).flatMap((step) => {
    const earlier = first.get(step.id);
    if (earlier === undefined) {
      first.set(step.id, step.path);
      return [];
    }
    const at = input.source.positionOf([...earlier, 'id']);
    const here = inputFor(input, step);
    return [
      finding(
        here,
        'duplicate-step-id',
        `step id "${step.id}" is used twice (first at line ${at.line})`,
        here.source.positionOf([...step.path, 'id']),
        'give each step its own id; later steps refer to outputs by id',
      ),
    ];
  });
};
