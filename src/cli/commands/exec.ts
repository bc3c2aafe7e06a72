import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { Interrupts } from '../../engine/interrupts.js';
import { startRun } from '../../run/start-run.js';
import { JsonRenderer } from '../../ui/json.js';
import { PlainRenderer } from '../../ui/plain.js';
import type { RunRenderer } from '../../ui/renderer.js';
import { terminalAsk } from '../ask.js';
import { exitCodes, wantsColor, type CliIO } from '../io.js';
import { preparePlan } from '../prepare.js';
import { collect, type Finish } from '../shared-options.js';

interface ExecOptions {
  var: string[];
  varsFile: string[];
  yes?: boolean;
  rollback: boolean;
  json?: boolean;
  failAt?: string;
}

async function chooseRenderer(io: CliIO, json: boolean, willAsk: boolean): Promise<RunRenderer> {
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
export function registerExec(program: Command, io: CliIO, finish: Finish): void {
  program
    .command('exec')
    .description('run a plan step by step; when a step fails, undo the finished steps newest first')
    .argument('<plan>', 'plan file')
    .option('--var <name=value>', 'set a var (repeatable)', collect, [])
    .option('--vars-file <file>', 'YAML file of var values (repeatable)', collect, [])
    .option('-y, --yes', 'confirm every human gate in advance (needed without a terminal)')
    .option('--no-rollback', 'on failure, leave everything as it is for inspection (exit 3)')
    .option('--json', 'print journal events as JSON lines instead of progress')
    .option('--fail-at <step-id>', 'rollback drill: make this step fail instead of running it')
    .addHelpText('after', '\nExample:\n  DATABASE_URL=postgresql://app@db/app runbook exec plans/sqlite-to-pg.yaml --yes\n\nExit codes: 0 succeeded, 1 failed and rolled back, 2 invalid plan or usage,\n3 rollback incomplete, stopped or disabled (needs a human), 130/129/143 interrupted by\nSIGINT/SIGHUP/SIGTERM and rolled back.\n')
    .action(async (file: string, opts: ExecOptions) => {
      if (isPipe(file)) {
        io.stderr.write(`${file}: cannot run a plan from a pipe: a run keeps a copy and the checksum of the plan it ran, and a pipe can be read only once\n  hint: save the plan to a file and run that; \`runbook validate\` and \`runbook plan\` read pipes\n`);
        return finish(exitCodes.invalid);
      }
      const prepared = preparePlan(io, file, opts, true);
      if (!prepared) return finish(exitCodes.invalid);
      if (opts.failAt !== undefined && !prepared.plan.steps.some((s) => s.id === opts.failAt)) {
        io.stderr.write(`runbook: --fail-at names step "${opts.failAt}", which is not in ${file}\n  hint: steps: ${prepared.plan.steps.map((s) => s.id).join(', ')}\n`);
        return finish(exitCodes.invalid);
      }
      const interrupts = io.interrupts ?? new Interrupts();
      const interactive = io.stdin?.isTTY === true;
      const willAsk = interactive && opts.yes !== true && prepared.plan.steps.some((s) => s.kind === 'confirm' || s.rollback.some((a) => a.kind === 'confirm'));
      const renderer = await chooseRenderer(io, opts.json === true, willAsk);
      const result = await startRun(
        prepared.plan,
        {
          cwd: io.cwd,
          env: io.env,
          vars: prepared.vars,
          masker: prepared.masker,
          yes: opts.yes === true,
          rollback: opts.rollback,
          ...(opts.failAt !== undefined && { failAt: opts.failAt }),
          interrupts,
          ...(interactive && io.stdin && { ask: terminalAsk(io.stdin, io.stderr) }),
        },
        renderer,
        (text) => io.stderr.write(text),
      );
      if (!result.ok) {
        io.stderr.write(`runbook: ${result.message}\n  hint: ${result.hint}\n`);
        return finish(exitCodes.invalid);
      }
      // Said on stderr too: the report may be unwritable (a full disk) and stdout may be gone.
      for (const line of result.problems) io.stderr.write(`runbook: ${line}\n`);
      if (result.byHand.length > 0) {
        io.stderr.write(`runbook: not everything was undone (exit ${result.exitCode}); still changed, newest first:\n${result.byHand.map((l) => `  - ${l}\n`).join('')}`);
      }
      if (result.problems.length > 0 && result.byHand.length === 0 && result.status !== 'succeeded') {
        io.stderr.write(`runbook: the rollback ${result.exitCode === 3 ? 'did NOT complete' : 'completed: every finished step was undone'} (exit ${result.exitCode})\n`);
      }
      finish(result.exitCode);
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
