import type { Command } from 'commander';
import type { StepKindRegistry } from '../../steps/kind.js';
import { createColors } from 'picocolors';
import { describePlan, type ActionDescription, type PlanDescription } from '../../engine/describe.js';
import { expandLoops } from '../../plan/expand-loops.js';
import { exitCodes, wantsColor, type CliIO } from '../io.js';
import { withPluginOption } from '../plugins.js';
import { preparePlan } from '../prepare.js';
import { collect, type Finish } from '../shared-options.js';

type Colors = ReturnType<typeof createColors>;

function actionLines(a: ActionDescription, indent: string, pc: Colors): string[] {
  const out: string[] = [];
  if (a.when) out.push(`${indent}${pc.dim('when:')} ${a.when}`);
  for (const l of a.lines) {
    const [first, ...rest] = l.text.replace(/\n+$/, '').split('\n');
    out.push(`${indent}${pc.dim(`${l.label}:`)} ${first ?? ''}`);
    for (const r of rest) out.push(`${indent}  ${r}`);
  }
  const extras = [
    a.timeout !== undefined && `timeout ${a.timeout}`,
    a.retries && `retries ${a.retries}`,
    a.continueOnError && 'continues on error',
  ].filter(Boolean);
  if (extras.length) out.push(`${indent}${pc.dim(extras.join(', '))}`);
  if (a.unrendered) out.push(`${indent}${pc.dim(`(rendered at run time: ${a.unrendered})`)}`);
  return out;
}

/** The dry run as text: every step in order, what it runs, and what undoes it. */
export function formatPlanDescription(d: PlanDescription, pc: Colors = createColors(false)): string {
  const out: string[] = [pc.bold(`Plan ${d.name}${d.title ? ` — ${d.title}` : ''}`), ''];
  const width = String(d.steps.length).length;
  for (const s of d.steps) {
    if (s.finally && !d.steps[s.index - 1]?.finally)
      out.push(pc.yellow('finally (runs after the steps whatever happened: success, failure and rollback, Ctrl-C):'));
    out.push(`${String(s.index + 1).padStart(width)}. ${pc.bold(s.id)} ${pc.cyan(`[${s.kind}]`)}${s.title ? ` ${s.title}` : ''}`);
    const indent = ' '.repeat(width + 4);
    if (s.item) out.push(`${indent}${pc.dim('item:')} ${s.item.value} ${pc.dim(`(item ${s.item.index + 1} of for_each in ${s.item.of})`)}`);
    out.push(...actionLines(s, indent, pc));
    if (s.rollback.length === 0 && !s.builtInUndo) out.push(`${indent}${pc.dim('rollback: nothing to undo')}`);
    else {
      out.push(`${indent}${pc.yellow('rollback:')}`);
      if (s.builtInUndo) out.push(`${indent}  - ${s.builtInUndo} ${pc.dim('(built in)')}`);
      for (const r of s.rollback) {
        out.push(`${indent}  - ${pc.cyan(`[${r.kind}]`)}${r.title ? ` ${r.title}` : ''}`);
        out.push(...actionLines(r, `${indent}    `, pc));
      }
    }
  }
  out.push('', pc.dim('Nothing was executed.'));
  return `${out.join('\n')}\n`;
}

/** `runbook plan PLAN`: the dry run. */
export function registerPlan(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('plan'))
    .description('show every step in order with its rendered command, query or URL and its rollback; runs nothing')
    .argument('<plan>', 'plan file')
    .option('--var <name=value>', 'set a var (repeatable)', collect, [])
    .option('--vars-file <file>', 'YAML file of var values (repeatable)', collect, [])
    .option('--json', 'print the description as JSON')
    .addHelpText('after', '\nExample:\n  runbook plan plans/sqlite-to-pg.yaml --var sqlite_path=/srv/agregator/catalogue.db\n')
    .action(async (file: string, opts: { var: string[]; varsFile: string[]; json?: boolean; plugin: string[] }) => {
      const prepared = await preparePlan(io, kinds, file, opts, false);
      if (!prepared) return finish(exitCodes.invalid);
      const d = describePlan(expandLoops(prepared.plan, prepared.vars), {
        vars: prepared.vars,
        env: io.env,
        masker: prepared.masker,
        kinds,
      });
      io.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : formatPlanDescription(d, createColors(wantsColor(io))));
      finish(exitCodes.ok);
    });
}
