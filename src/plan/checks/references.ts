import { closest, didYouMean, type Diagnostic, type RuleName } from '../../diagnostics/index.js';
import { parseCondition } from '../../template/condition.js';
import { helperNames, isKnownHelper, scanTemplate, templateRoots } from '../../template/references.js';
import { allSteps, type ActionDecl } from '../model.js';
import type { Check, CheckInput } from './check.js';
import { finding, inputFor } from './check.js';

const runFields = ['id', 'dir', 'cwd', 'started_at'];
const planFields = ['name', 'file', 'dir'];

/** Where a reference is read: which step (by index) and whether inside that step's rollback. */
interface Site {
  readonly stepIndex: number | undefined;
  readonly inRollback: boolean;
  /** Inside a step with `for_each`, where `item` has a value. */
  readonly inLoop?: boolean;
  /** In an included action: the params of its fragment, and its fragment's step ids with their ids in the plan. */
  readonly params?: readonly string[];
  readonly aliases?: Readonly<Record<string, string>>;
}

function checkParts(
  input: CheckInput,
  parts: readonly string[],
  site: Site,
): { message: string; hint: string; rule: RuleName } | undefined {
  const { plan } = input;
  const shown = parts.join('.');
  const [root, a, b, c] = parts;
  switch (root) {
    case 'vars': {
      const names = plan.vars.map((v) => v.name);
      if (a === undefined || !names.includes(a)) {
        return {
          rule: 'undeclared-var',
          message: `"${shown}" refers to var "${a ?? ''}", which is not declared under vars`,
          hint:
            closest(a ?? '', names) !== undefined
              ? didYouMean(a ?? '', names)
              : `declare it under vars:${names.length ? ` (declared: ${names.join(', ')})` : ''}`,
        };
      }
      return undefined;
    }
    case 'item':
      if (!site.inLoop)
        return {
          rule: 'unknown-reference',
          message: `"${shown}" reads the item of a loop, but this step has no for_each`,
          hint: 'add for_each: [...] (or for_each: vars.NAME) to the step, or read a var instead',
        };
      return undefined;
    case 'params':
      if (site.params === undefined)
        return {
          rule: 'unknown-reference',
          message: `"${shown}" reads a param, but only steps of an included fragment have params`,
          hint: 'read a var instead, or move the step into a fragment',
        };
      if (!site.params.includes(a ?? ''))
        return {
          rule: 'undeclared-var',
          message: `"${shown}" refers to param "${a ?? ''}", which the fragment does not declare under params`,
          hint: site.params.length ? didYouMean(a ?? '', [...site.params]) : 'declare it under params:',
        };
      return undefined;
    case 'steps': {
      const steps = allSteps(plan);
      const ids = steps.map((s) => s.id);
      const index = ids.indexOf(site.aliases?.[a ?? ''] ?? a ?? '');
      if (index < 0)
        return {
          rule: 'unknown-step',
          message: `"${shown}" refers to step "${a ?? ''}", which does not exist`,
          hint: didYouMean(a ?? '', [...Object.keys(site.aliases ?? {}), ...ids]),
        };
      if (b !== 'outputs' && b !== 'status')
        return {
          rule: 'unknown-reference',
          message: `"${shown}" must continue with .outputs.<name> or .status`,
          hint: `e.g. steps.${a}.outputs.stdout`,
        };
      const here = site.stepIndex;
      const runsBefore = here !== undefined && (index < here || (index === here && site.inRollback));
      if (!runsBefore) {
        const when =
          here === undefined ? 'before any step runs' : index === here ? 'while the step itself runs' : 'because that step runs later';
        return {
          rule: 'later-step-output',
          message: `"${shown}" reads step "${a}", which has no result yet ${when}`,
          hint: 'a step can read only outputs of steps listed before it (and its own, in its rollback)',
        };
      }
      const target = steps[index]!;
      if (target.forEach !== undefined) {
        return {
          rule: 'unknown-reference',
          message: `"${shown}" reads step "${a}", which repeats with for_each: its copies are ${a}[0], ${a}[1]..., and no one of them is "${a}"`,
          hint: 'read what the loop produced in a step inside it, or check it with a later step of its own',
        };
      }
      if (b === 'outputs') {
        const step = target;
        const declared = input.kindOf(step.kind)?.outputs(step.spec);
        if (c === undefined)
          return {
            rule: 'unknown-output',
            message: `"${shown}" must name an output`,
            hint: declared === '*' || !declared ? 'e.g. .outputs.stdout' : `outputs of "${a}": ${declared.join(', ')}`,
          };
        if (declared && declared !== '*' && !declared.includes(c)) {
          return {
            rule: 'unknown-output',
            message: `step "${a}" (${step.kind}) has no output "${c}"`,
            hint: declared.length ? didYouMean(c, declared) : 'this step has no outputs',
          };
        }
      }
      return undefined;
    }
    case 'env':
      if (a === undefined || parts.length > 2)
        return { rule: 'unknown-reference', message: `"${shown}" must be env.<NAME>`, hint: 'e.g. env.HOME' };
      return undefined;
    case 'run':
      if (!runFields.includes(a ?? ''))
        return {
          rule: 'unknown-reference',
          message: `"${shown}" is not a property of the run`,
          hint: didYouMean(
            a ?? '',
            runFields.map((f) => f),
          ),
        };
      return undefined;
    case 'plan':
      if (!planFields.includes(a ?? ''))
        return { rule: 'unknown-reference', message: `"${shown}" is not a property of the plan`, hint: didYouMean(a ?? '', planFields) };
      return undefined;
    default:
      return {
        rule: 'unknown-reference',
        message: `"${shown}" is not something a template can read`,
        hint:
          `references start with ${templateRoots.map((r) => `${r}.`).join(', ')}` +
          (root && didYouMean(root, [...templateRoots]).startsWith('did') ? `; ${didYouMean(root, [...templateRoots])}` : ''),
      };
  }
}

function checkStrings(input: CheckInput, value: unknown, path: (string | number)[], site: Site, out: Diagnostic[]): void {
  if (typeof value === 'string') {
    const scan = scanTemplate(value);
    if (!scan.ok) {
      const pos = input.source.positionInScalar(path, '{{');
      out.push(
        finding(
          input,
          'template-syntax',
          `template does not parse: ${scan.message}`,
          pos,
          'templates look like {{vars.name}}; check braces and quotes',
        ),
      );
      return;
    }
    const seen = new Map<string, number>();
    for (const ref of scan.references) {
      const nth = seen.get(ref.expression) ?? 0;
      seen.set(ref.expression, nth + 1);
      const problem = checkParts(input, ref.parts, site);
      if (problem)
        out.push(finding(input, problem.rule, problem.message, input.source.positionInScalar(path, ref.expression, nth), problem.hint));
    }
    for (const call of scan.helpers) {
      if (!isKnownHelper(call.name)) {
        out.push(
          finding(
            input,
            'unknown-helper',
            `unknown template helper "${call.name}"`,
            input.source.positionInScalar(path, call.expression),
            didYouMean(call.name, helperNames()),
          ),
        );
      }
    }
  } else if (Array.isArray(value)) value.forEach((v, i) => checkStrings(input, v, [...path, i], site, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkStrings(input, v, [...path, k], site, out);
}

function checkCondition(input: CheckInput, text: string, path: (string | number)[], site: Site, out: Diagnostic[]): void {
  const parsed = parseCondition(text);
  const pos = input.source.positionOf(path);
  if (!parsed.ok) {
    out.push(
      finding(
        input,
        'bad-when',
        `condition "${text}" does not parse: ${parsed.message}`,
        pos,
        'write a comparison such as vars.mode == "full" or steps.check.outputs.value > 0',
      ),
    );
    return;
  }
  for (const parts of parsed.references) {
    const problem = checkParts(input, parts, site);
    if (problem) out.push(finding(input, problem.rule, problem.message, pos, problem.hint));
  }
}

function checkAction(all: CheckInput, action: ActionDecl, outer: Site, out: Diagnostic[]): void {
  const input = inputFor(all, action);
  const site: Site = {
    ...outer,
    ...(action.params && { params: Object.keys(action.params) }),
    ...(action.aliases && { aliases: action.aliases }),
  };
  for (const [k, v] of Object.entries(action.spec)) checkStrings(input, v, [...action.path, k], site, out);
  if (action.title !== undefined) checkStrings(input, action.title, [...action.path, 'title'], site, out);
  if (action.when !== undefined) checkCondition(input, action.when, [...action.path, 'when'], site, out);
}

/**
 * Every template and condition reads only what exists when it is evaluated: declared vars,
 * outputs the kind declares of steps that ran before, known helpers.
 */
export const referencesResolve: Check = (input) => {
  const out: Diagnostic[] = [];
  input.plan.connections.forEach((c) => {
    checkStrings(
      input,
      c.type === 'sqlite' ? c.path : c.url,
      ['connections', c.name, c.type],
      { stepIndex: undefined, inRollback: false },
      out,
    );
  });
  const withChecked = new Set<string>();
  /** The `with:` values of an include, once per include: templates of the file that includes. */
  const checkWith = (action: ActionDecl, site: Site) => {
    const at = action.includedAt;
    if (!at || withChecked.has(`${at.file}\0${at.path.join('/')}`)) return;
    withChecked.add(`${at.file}\0${at.path.join('/')}`);
    // A nested include's values are templates of the fragment that includes it: its params and its own step ids.
    const source = at.file === input.source.file ? input.source : input.sources?.get(at.file);
    if (!source) return;
    const given = source.nodeAt([...at.path, 'with']).node?.toJSON() as Record<string, unknown> | undefined;
    const within = at.within && {
      ...(at.within.params && { params: Object.keys(at.within.params) }),
      ...(at.within.aliases && { aliases: at.within.aliases }),
    };
    checkStrings(
      { ...input, source },
      given ?? {},
      [...at.path, 'with'],
      { stepIndex: site.stepIndex, inRollback: site.inRollback, ...within },
      out,
    );
  };
  allSteps(input.plan).forEach((step, i) => {
    const inLoop = step.forEach !== undefined;
    checkWith(step, { stepIndex: i, inRollback: false });
    for (const action of step.rollback) checkWith(action, { stepIndex: i, inRollback: true });
    checkAction(input, step, { stepIndex: i, inRollback: false, inLoop }, out);
    if (step.undo_when !== undefined)
      checkCondition(inputFor(input, step), step.undo_when, [...step.path, 'undo_when'], { stepIndex: i, inRollback: true, inLoop }, out);
    for (const action of step.rollback) checkAction(input, action, { stepIndex: i, inRollback: true, inLoop }, out);
  });
  return out;
};
