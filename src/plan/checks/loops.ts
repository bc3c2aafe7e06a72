import { didYouMean, type Diagnostic } from '../../diagnostics/index.js';
import { allSteps } from '../model.js';
import type { Check } from './check.js';
import { finding, inputFor } from './check.js';

/** A `for_each` that names a var names a declared var of type list. */
export const loopsWalkLists: Check = (input) => {
  const out: Diagnostic[] = [];
  const names = input.plan.vars.map((v) => v.name);
  for (const step of allSteps(input.plan)) {
    const loop = step.forEach;
    if (loop === undefined || !('var' in loop)) continue;
    const here = inputFor(input, step);
    const pos = here.source.positionOf([...step.path, 'for_each']);
    const decl = input.plan.vars.find((v) => v.name === loop.var);
    if (!decl) {
      out.push(
        finding(
          here,
          'undeclared-var',
          `for_each of step "${step.id}" walks var "${loop.var}", which is not declared under vars`,
          pos,
          names.length ? didYouMean(loop.var, names) : 'declare it under vars: with type: list',
        ),
      );
    } else if (decl.type !== 'list') {
      out.push(
        finding(
          here,
          'bad-loop',
          `for_each of step "${step.id}" walks var "${loop.var}", which is of type ${decl.type}, not a list`,
          pos,
          `declare it with type: list (its value is then a YAML list, or comma-separated text on the command line)`,
        ),
      );
    }
  }
  return out;
};
