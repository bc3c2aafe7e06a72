import { statSync } from 'node:fs';
import type { StepKindRegistry } from '../../steps/kind.js';
import type { Command } from 'commander';
import { Interrupts } from '../../engine/interrupts.js';
import { expandLoops } from '../../plan/expand-loops.js';
import { allSteps } from '../../plan/model.js';
import { startRun } from '../../run/start-run.js';
import { JsonRenderer } from '../../ui/json.js';
import { PlainRenderer } from '../../ui/plain.js';
import type { RunRenderer } from '../../ui/renderer.js';
import { terminalAsk } from '../ask.js';
import { exitCodes, wantsColor, type CliIO } from '../io.js';
import { withPluginOption } from '../plugins.js';
import { preparePlan } from '../prepare.js';
import { reportOutcome } from '../run-outcome.js';
import { stepSelection } from '../step-selection.js';
import { collect, type Finish } from '../shared-options.js';

interface ExecOptions {
  var: string[];
  varsFile: string[];
  yes?: boolean;
  rollback: boolean;
  json?: boolean;
  failAt?: string;
  plugin: string[];
  from?: string;
  only?: string[];
  outputsFrom?: string;
}

/** The progress display for a run: JSON lines, a redrawn task list on a terminal, or plain lines. */
export async function chooseRenderer(io: CliIO, json: boolean, willAsk: boolean): Promise<RunRenderer> {
  if (json) return new JsonRenderer(io.stdout);
  const color = wantsColor(io);
  // The task list redraws the screen and would overwrite a question: runs that ask get plain lines.
  if (io.stdout.isTTY && !io.env.CI && !willAsk) {
    const { ListrRenderer } = await import('../../ui/listr.js');
    return new ListrRenderer(io.stdout);
  }
  return new PlainRenderer(io.stdout, color);
}

/** `runbook exec PLAN`: runs the plan, rolling back finished steps if one fails. */
export function registerExec(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  withPluginOption(program.command('exec'))
    .description('run a plan step by step; when a step fails, undo the finished steps newest first')
    .argument('<plan>', 'plan file')
    .option('--var <name=value>', 'set a var (repeatable)', collect, [])
    .option('--vars-file <file>', 'YAML file of var values (repeatable)', collect, [])
    .option('-y, --yes', 'confirm every human gate in advance (needed without a terminal)')
    .option('--no-rollback', 'on failure, leave everything as it is for inspection (exit 3)')
    .option('--json', 'print journal events as JSON lines instead of progress')
    .option('--fail-at <step-id>', 'rollback drill: make this step fail instead of running it')
    .option('--from <step-id>', 'run from this step on; the steps before it do not run (their outputs: --outputs-from)')
    .option('--only <step-id...>', 'run only these steps (their inputs from other steps: --outputs-from)')
    .option('--outputs-from <run>', 'with --from/--only: take the outputs of the steps that do not run from this earlier run')
    .addHelpText(
      'after',
      '\nExample:\n  DATABASE_URL=postgresql://app@db/app runbook exec plans/sqlite-to-pg.yaml --yes\n\nExit codes: 0 succeeded, 1 failed and rolled back, 2 invalid plan or usage,\n3 rollback incomplete, stopped or disabled (needs a human), 130/129/143 interrupted by\nSIGINT/SIGHUP/SIGTERM and rolled back.\n',
    )
    .action(async (file: string, opts: ExecOptions) => {
      if (isPipe(file)) {
        io.stderr.write(
          `${file}: cannot run a plan from a pipe: a run keeps a copy and the checksum of the plan it ran, and a pipe can be read only once\n  hint: save the plan to a file and run that; \`runbook validate\` and \`runbook plan\` read pipes\n`,
        );
        return finish(exitCodes.invalid);
      }
      const prepared = await preparePlan(io, kinds, file, opts, true);
      if (!prepared) return finish(exitCodes.invalid);
      const expanded = expandLoops(prepared.plan, prepared.vars);
      const steps = allSteps(expanded);
      if (opts.failAt !== undefined && !steps.some((s) => s.id === opts.failAt)) {
        io.stderr.write(
          `runbook: --fail-at names step "${opts.failAt}", which is not in ${file}\n  hint: steps: ${steps.map((s) => s.id).join(', ')}\n`,
        );
        return finish(exitCodes.invalid);
      }
      const carried = stepSelection(io, expanded, opts);
      if (carried === 'refused') return finish(exitCodes.invalid);
      const interrupts = io.interrupts ?? new Interrupts();
      const interactive = io.stdin?.isTTY === true;
      const willAsk =
        interactive && opts.yes !== true && steps.some((s) => s.kind === 'confirm' || s.rollback.some((a) => a.kind === 'confirm'));
      const renderer = await chooseRenderer(io, opts.json === true, willAsk);
      const result = await startRun(
        prepared.plan,
        {
          cwd: io.cwd,
          env: io.env,
          vars: prepared.vars,
          masker: prepared.masker,
          kinds,
          yes: opts.yes === true,
          rollback: opts.rollback,
          ...(opts.failAt !== undefined && { failAt: opts.failAt }),
          ...(carried && { carried }),
          interrupts,
          ...(interactive && io.stdin && { ask: terminalAsk(io.stdin, io.stderr) }),
        },
        renderer,
        (text) => io.stderr.write(text),
      );
      finish(reportOutcome(io, result));
    });
}

/** Whether the plan path is a pipe (a FIFO, or a shell's <(...)). */
function isPipe(file: string): boolean {
  try {
    return statSync(file).isFIFO();
  } catch {
    return false;
  }
}
