import type { StepKindRegistry } from '../steps/kind.js';
import { describePlan, type StepDescription } from '../engine/describe.js';
import { expandLoops } from '../plan/expand-loops.js';
import { allSteps, type Plan } from '../plan/model.js';
import { conditionLines, describeLinesMarkdown, undoLines, undoName } from './explain-step.js';
import { cell, code } from './markdown.js';
import { isCheck, isDestructive } from './risk.js';
import { planWithoutClock, reviewMasker, reviewVars, StaticRenderer } from './static-render.js';

/** How each changing kind reads under a step's heading. */
const roles: Readonly<Record<string, string>> = {
  shell: 'runs a command',
  'env-switch': 'changes a settings file',
  'sqlite-to-pg': 'copies the SQLite database into PostgreSQL',
};

const heading = (s: StepDescription) => `${s.index + 1}. ${s.title ?? s.id}`;

function inputs(plan: Plan): string[] {
  if (plan.vars.length === 0) return [];
  const out = [
    '## Before you start',
    '',
    'Set these with `--var name=value` (or `--vars-file`); the defaults are used otherwise.',
    '',
    '| Value | Default | What it is |',
    '| --- | --- | --- |',
  ];
  for (const v of plan.vars) {
    const dflt = v.default === undefined ? (v.env ? `from ${code(`$${v.env}`)}` : '—') : v.secret ? '`****`' : code(String(v.default));
    const notes = [
      v.required && '**required**',
      v.secret && 'secret, masked in all output',
      v.env && v.default !== undefined && `${code(`$${v.env}`)} overrides the default`,
      v.choices && `one of ${v.choices.map((c) => code(String(c))).join(', ')}`,
    ].filter(Boolean);
    out.push(`| ${code(v.name)} | ${dflt} | ${cell([v.description, ...notes].filter(Boolean).join('; '))} |`);
  }
  return [...out, ''];
}

function connections(plan: Plan): string[] {
  if (plan.connections.length === 0) return [];
  const masker = reviewMasker([plan]);
  const renderer = new StaticRenderer(plan, masker);
  const out = ['Databases the steps use:', ''];
  for (const c of plan.connections) {
    out.push(
      `- ${code(c.name)}: ${c.type === 'sqlite' ? 'SQLite file' : 'PostgreSQL'} ${code(masker.mask(renderer.render(c.type === 'sqlite' ? c.path : c.url)))}`,
    );
  }
  return [...out, ''];
}

function overview(steps: readonly StepDescription[]): string[] {
  const out = ['## The procedure at a glance', ''];
  for (const s of steps) {
    const undo = [s.builtInUndo, ...s.rollback.map(undoName)].filter(Boolean).join(', then ');
    if (s.finally && !steps[s.index - 1]?.finally)
      out.push('', 'Finally, whatever happened (success, a failure and its rollback, Ctrl-C):', '');
    out.push(`${s.index + 1}. ${s.title ?? s.id}${undo ? ` — *undo:* ${undo}` : ''}`);
  }
  return [...out, ''];
}

function stepSection(s: StepDescription, steps: readonly StepDescription[], plan: Plan): string[] {
  const decl = allSteps(plan)[s.index]!;
  const role =
    decl.kind === 'confirm'
      ? 'a gate: the run waits for the operator'
      : isCheck(decl)
        ? `a check (${decl.kind}): it changes nothing`
        : (roles[decl.kind] ?? decl.kind);
  const phase = s.finally ? ' · finally: runs after the steps whatever happened' : '';
  const out = [`## ${heading(s)}`, '', `*Step ${code(s.id)} · ${role}${phase}*`, ''];
  if (s.item) out.push(`Item ${s.item.index + 1} of the loop ${code(s.item.of)}: ${code(s.item.value)} (read as {{item}}).`, '');
  if (s.description) out.push(s.description.trim(), '');
  out.push(...describeLinesMarkdown(s.lines), ...conditionLines(s));
  const undo = undoLines(s);
  if (undo.length > 0) out.push(...undo);
  else if (isDestructive(decl) && s.index < plan.steps.length - 1)
    out.push('**Nothing undoes it:** when a later step fails, what this step did stays as it is.', '');
  out.push(
    `**If it fails:** ${s.finally ? 'the failure is reported and fails the run, but undoes nothing; the other finally steps still run.' : failure(s, steps, plan)}`,
    '',
  );
  return out;
}

/** What happens when a step fails: which finished steps are undone, and what stays for a human to check. */
function failure(s: StepDescription, steps: readonly StepDescription[], plan: Plan): string {
  if (s.continueOnError) return 'the failure is recorded and the run goes on.';
  const done = steps.slice(0, s.index).reverse();
  const undone = done
    .filter((d) => d.rollback.length > 0 || d.builtInUndo)
    .map((d) => `step ${d.index + 1} (${[d.builtInUndo, ...d.rollback.map(undoName)].filter(Boolean).join(', then ')})`);
  const stays = done
    .filter((d) => d.rollback.length === 0 && !d.builtInUndo && isDestructive(allSteps(plan)[d.index]!))
    .map((d) => String(d.index + 1))
    .reverse();
  const what = undone.length > 0 ? `the run stops and undoes ${undone.join(', then ')}` : 'the run stops; there is nothing to undo';
  const check =
    stays.length > 0
      ? `. What step${stays.length > 1 ? 's' : ''} ${stays.join(', ')} did stays: check ${stays.length > 1 ? 'them' : 'it'} by hand`
      : '';
  return `${what}${check}.`;
}

/** The plan as the document an on-call operator reads, in markdown; secrets masked, nothing run. */
export function explainPlan(declared: Plan, file: string, kinds: StepKindRegistry): string {
  const plan = expandLoops(declared, reviewVars(declared));
  const d = describePlan(planWithoutClock(plan), {
    vars: reviewVars(plan),
    env: {},
    masker: reviewMasker([plan]),
    kinds,
    shellForm: 'display',
  });
  const lines = [
    `# ${d.title ?? d.name}`,
    '',
    `*Runbook ${code(d.name)} · ${d.steps.length} step${d.steps.length === 1 ? '' : 's'} · run it with ${code(`runbook exec ${file}`)}; preview it with ${code(`runbook plan ${file}`)}.*`,
    '',
    ...(d.description ? [d.description.trim(), ''] : []),
    ...inputs(plan),
    ...connections(plan),
    ...overview(d.steps),
    ...d.steps.flatMap((s) => stepSection(s, d.steps, plan)),
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
