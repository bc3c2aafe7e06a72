import type { Diagnostic } from '../../diagnostics/index.js';
import type { Check } from './check.js';
import { finding } from './check.js';

/** A var's `pattern` is a regular expression JavaScript can compile: values are checked against it. */
export const varPatternsCompile: Check = (input) => {
  const out: Diagnostic[] = [];
  for (const v of input.plan.vars) {
    if (v.pattern === undefined) continue;
    try {
      new RegExp(v.pattern);
    } catch (e) {
      const pos = input.source.positionOf(['vars', v.name, 'pattern']);
      out.push(
        finding(
          input,
          'bad-pattern',
          `var "${v.name}" has pattern ${JSON.stringify(v.pattern)}, which is not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
          pos,
          'write a JavaScript regular expression without slashes, e.g. ^[a-z0-9_]+$; escape ( [ { . * + ? with a backslash to match them as text',
        ),
      );
    }
  }
  return out;
};
