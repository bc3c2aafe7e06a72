import type { Diagnostic } from '../../diagnostics/index.js';
import { shellScriptIndex } from '../../template/render.js';
import { shellTemplateProblems, type ShellTemplateProblem } from '../../template/shell-check.js';
import { unsafeContexts } from '../../template/shell-contexts.js';
import { allSteps, type ActionDecl } from '../model.js';
import type { Check, CheckInput } from './check.js';
import { finding, inputFor } from './check.js';

function report(input: CheckInput, path: readonly (string | number)[], p: ShellTemplateProblem): Diagnostic {
  const pos = input.source.positionInScalar(path, p.expression, p.nth);
  if (p.problem === 'raw') {
    const data = p.expression.replace(/^\{\{\{~?\s*/, '{{').replace(/\s*~?\}\}\}$/, '}}');
    return finding(
      input,
      'shell-raw',
      `${p.expression} would insert its value into the shell command as code`,
      pos,
      `write ${data} to pass the value as data (it reaches the command through an environment variable, never run); to run a value as a command say so, e.g. sh -c "${data}"; or set raw: true on the step, which reviewers see as a risk`,
    );
  }
  const why = unsafeContexts[p.problem];
  return finding(input, 'shell-value-context', `${p.expression} is ${why.where}`, pos, why.hint.replace(/\{\{x\}\}/g, p.expression));
}

function checkAction(all: CheckInput, action: ActionDecl, out: Diagnostic[]): void {
  const input = inputFor(all, action);
  const fields = input.kindOf(action.kind)?.shellFields ?? [];
  const raw = action.spec.raw === true;
  for (const field of fields) {
    const value = action.spec[field];
    const script = Array.isArray(value) ? shellScriptIndex(value) : -1;
    const [text, path] =
      typeof value === 'string'
        ? [value, [...action.path, field]]
        : [Array.isArray(value) ? (value as unknown[])[script] : undefined, [...action.path, field, script]];
    if (typeof text !== 'string') continue;
    for (const p of shellTemplateProblems(text, raw)) out.push(report(input, path, p));
  }
}

/**
 * Template values in shell fields go in as variable references; this finds the places where no
 * reference is safe (single quotes, comments, arithmetic...) and `{{{ }}}` without `raw: true`.
 */
export const shellValuesAreData: Check = (input) => {
  const out: Diagnostic[] = [];
  for (const step of allSteps(input.plan)) {
    checkAction(input, step, out);
    for (const action of step.rollback) checkAction(input, action, out);
  }
  return out;
};
