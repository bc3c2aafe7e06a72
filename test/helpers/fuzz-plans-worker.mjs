// Runs the plan fuzzing in a worker thread, so the test can stop a case that hangs: before each
// case it writes the two plans to disk and says so; the test's watchdog reads them when a case never ends.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import YAML from 'yaml';

const { root, dir, plans, numRuns, seed } = workerData;
// The public API, as `runbook validate`, `plan`, `explain`, `fmt` and `diff` call it.
const {
  allStepKinds,
  validatePlanText,
  resolveVars,
  describePlan,
  explainPlan,
  formatPlanText,
  diffPlans,
  formatDiffText,
  formatDiffMarkdown,
  Masker,
} = await import(join(root, 'dist/index.js'));
const { createColors } = (await import('picocolors')).default;

const kinds = allStepKinds().map((k) => k.kind);
const tricky = [
  '{{',
  '}}',
  '{{vars.nope}}',
  '{{steps.nope.outputs.x}}',
  '{{steps.tools.outputs.pgloader}}',
  '{{run.id}}',
  '{{now "yyyy"}}',
  '{{#if vars.x}}',
  '{{/if}}',
  '{{{vars.x}}}',
  '{{> part}}',
  '{{lookup vars "x"}}',
  '{{env.HOME}}',
  ': ',
  '- ',
  '"',
  "'",
  '#',
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '|',
  '>-',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '%',
  '@',
  '`',
  '\\',
  '\u0000',
  '\ufeff',
  'ü',
  '${x}',
  '$(rm -rf /)',
  '0x1F',
  '1e999',
  '-1',
  'null',
  '~',
  'true',
  '.inf',
  '? ',
  '---',
  '...',
  'ms',
  '10m',
  '-5s',
];
const keys = [
  'id',
  'kind',
  'title',
  'when',
  'timeout',
  'retries',
  'continue_on_error',
  'rollback',
  'outputs',
  'run',
  'sql',
  'connection',
  'expect',
  'url',
  'file',
  'set',
  'message',
  'tables',
  'default',
  'env',
  'secret',
  'required',
  'description',
  'allowed',
  'type',
  'vars',
  'steps',
  'connections',
  'version',
  'name',
  'raw',
  'x-extra',
];

const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...tricky), fc.constantFrom(...kinds), fc.string({ maxLength: 12 }));
const dataMutation = fc.oneof(
  fc.record({ op: fc.constant('replace'), at: fc.nat(), value }),
  fc.record({ op: fc.constant('remove'), at: fc.nat() }),
  fc.record({ op: fc.constant('copy'), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('add-key'), at: fc.nat(), key: fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 })), value }),
);
const textMutation = fc.oneof(
  fc.record({ op: fc.constant('delete-line'), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate-line'), at: fc.nat() }),
  fc.record({ op: fc.constant('swap-lines'), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('indent'), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({
    op: fc.constant('insert'),
    at: fc.nat(),
    col: fc.nat(),
    text: fc.oneof(fc.constantFrom(...tricky), fc.string({ maxLength: 8 })),
  }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
);
const mutatedPlan = fc.record({
  plan: fc.constantFrom(...Object.keys(plans)),
  // A window of steps keeps most cases small (the default plan takes a fifth of a second to check whole).
  firstStep: fc.oneof(fc.constant(0), fc.nat()),
  steps: fc.integer({ min: 1, max: 4 }),
  data: fc.array(dataMutation, { maxLength: 3 }),
  text: fc.array(textMutation, { maxLength: 3 }),
});

/** The plan's text with only a window of its steps (`steps:` is the last top-level key of the shipped plans). */
function window(text, firstStep, count) {
  const lines = text.split('\n');
  const stepsAt = lines.findIndex((l) => l === 'steps:');
  if (stepsAt < 0 || lines.slice(stepsAt + 1).some((l) => /^[a-z]/.test(l))) return text;
  const starts = lines.flatMap((l, i) => (i > stepsAt && /^ {2}- /.test(l) ? [i] : []));
  const first = firstStep % starts.length;
  const end = starts[first + count] ?? lines.length;
  return [...lines.slice(0, stepsAt + 1), ...lines.slice(starts[first], end)].join('\n');
}

/** Every place in a parsed plan: the path of keys to each value. */
function places(node, path = []) {
  const here = [path];
  if (Array.isArray(node)) return here.concat(node.flatMap((v, i) => places(v, [...path, i])));
  if (node && typeof node === 'object') return here.concat(Object.entries(node).flatMap(([k, v]) => places(v, [...path, k])));
  return here;
}
const get = (node, path) => path.reduce((n, k) => n?.[k], node);
function set(root, path, v) {
  if (path.length === 0) return v;
  const parent = get(root, path.slice(0, -1));
  if (parent && typeof parent === 'object') parent[path.at(-1)] = v;
  return root;
}
function remove(root, path) {
  const parent = get(root, path.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(path.at(-1), 1);
  else if (parent && typeof parent === 'object') delete parent[path.at(-1)];
  return path.length === 0 ? null : root;
}
const clone = (v) => (v === undefined ? null : structuredClone(v));

function mutateData(text, mutations) {
  if (mutations.length === 0) return text;
  let doc;
  try {
    doc = YAML.parse(text);
  } catch {
    return text;
  }
  for (const m of mutations) {
    const all = places(doc);
    const path = all[m.at % all.length];
    if (m.op === 'replace') doc = set(doc, path, clone(m.value));
    else if (m.op === 'remove') doc = remove(doc, path);
    else if (m.op === 'copy') doc = set(doc, all[m.to % all.length], clone(get(doc, path)));
    else {
      const target = get(doc, path);
      if (target && typeof target === 'object' && !Array.isArray(target)) target[m.key] = clone(m.value);
      else if (Array.isArray(target)) target.push(clone(m.value));
    }
  }
  return YAML.stringify(doc);
}

function mutateText(text, mutations) {
  let lines = text.split('\n');
  for (const m of mutations) {
    const i = m.at % lines.length;
    if (m.op === 'delete-line') lines.splice(i, 1);
    else if (m.op === 'duplicate-line') lines.splice(i, 0, lines[i]);
    else if (m.op === 'swap-lines') [lines[i], lines[m.to % lines.length]] = [lines[m.to % lines.length], lines[i]];
    else if (m.op === 'indent') lines[i] = m.by > 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
    else if (m.op === 'insert')
      lines[i] = lines[i].slice(0, m.col % (lines[i].length + 1)) + m.text + lines[i].slice(m.col % (lines[i].length + 1));
    else lines = lines.slice(0, i);
    if (lines.length === 0) lines = [''];
  }
  return lines.join('\n');
}

const env = { RUNBOOK_DATABASE_URL: 'postgresql://app:fuzz-secret@127.0.0.1:5432/app', AGREGATOR_ADMIN_PASSWORD: 'fuzz-admin' };
const errors = (diagnostics) => diagnostics.filter((d) => d.severity === 'error');

/** What `runbook validate` finds: the plan when it is valid, else at least one error with a message. */
function validate(file, text) {
  const checked = validatePlanText(file, text);
  if (!checked.plan) {
    if (errors(checked.diagnostics).length === 0 || checked.diagnostics.some((d) => !d.message))
      throw new Error(`no plan and no error diagnostic: ${JSON.stringify(checked.diagnostics)}`);
    return undefined;
  }
  if (errors(checked.diagnostics).length > 0) throw new Error(`a plan with errors: ${JSON.stringify(checked.diagnostics)}`);
  return checked;
}

/** `runbook plan` and `explain` on a valid plan: both must give text. */
function planAndExplain(file, checked) {
  const vars = resolveVars(checked.plan, checked.source, { cli: [], files: [], env }, { requireAll: false });
  if (errors(vars.diagnostics).length === 0) describePlan(checked.plan, { vars: vars.values, env, masker: new Masker(vars.secrets) });
  if (typeof explainPlan(checked.plan, file) !== 'string') throw new Error('explain gave no text');
}

/** `runbook diff`: every format of the difference between the original window and the mutated plan. */
function diff(before, after) {
  const d = diffPlans(before.plan, after.plan, { old: 'original.yaml', new: 'mutated.yaml' });
  JSON.stringify(d);
  formatDiffText(d, createColors(false));
  formatDiffMarkdown(d);
}

let cases = 0;
const originals = new Map();
try {
  fc.assert(
    fc.property(mutatedPlan, (c) => {
      const base = window(plans[c.plan], c.firstStep, c.steps);
      const text = mutateText(mutateData(base, c.data), c.text);
      writeFileSync(join(dir, 'original.yaml'), base);
      writeFileSync(join(dir, 'mutated.yaml'), text);
      parentPort.postMessage({ type: 'case', n: ++cases });
      if (!originals.has(base)) originals.set(base, validate('original.yaml', base));
      const before = originals.get(base);
      const after = validate('mutated.yaml', text);
      if (after) planAndExplain('mutated.yaml', after);
      const formatted = formatPlanText(text);
      if (!('problem' in formatted) && typeof formatted.text !== 'string') throw new Error('fmt gave neither text nor a problem');
      if (before && after) diff(before, after);
    }),
    { numRuns, ...(seed !== undefined && { seed }) },
  );
  parentPort.postMessage({ type: 'done', cases });
} catch (e) {
  parentPort.postMessage({
    type: 'done',
    cases,
    error: `${e.message}\n${e.cause instanceof Error ? (e.cause.stack ?? e.cause.message) : ''}`,
  });
}
