import type { Command } from 'commander';
import { Interrupts } from '../../engine/interrupts.js';
import { rollbackCaveat, rollbackRefusal } from '../../run/continue-checks.js';
import { continueRun } from '../../run/continue-run.js';
import { readRunState } from '../../run/list-runs.js';
import { terminalAsk } from '../ask.js';
import { findRun } from '../find-run.js';
import { exitCodes, type CliIO } from '../io.js';
import { recordedPlan } from '../recorded-plan.js';
import { reportOutcome } from '../run-outcome.js';
import type { Finish } from '../shared-options.js';
import { chooseRenderer } from './exec.js';

interface RollbackOptions {
  readonly allowChangedPlan?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
}

/** `runbook rollback RUN`: undoes every finished step of an earlier run, newest first, journaled into that run. */
export function registerRollback(program: Command, io: CliIO, finish: Finish): void {
  program
    .command('rollback')
    .description('undo an earlier run (succeeded, kept by --no-rollback, or crashed): every finished step newest first, with the values recorded at the time')
    .argument('<run>', 'run id as listed by `runbook runs`, a unique prefix of it, or "last"')
    .option('--allow-changed-plan', 'go on when the plan file changed since the run (the differences are printed)')
    .option('-y, --yes', 'confirm every human gate in advance (needed without a terminal)')
    .option('--json', 'print journal events as JSON lines instead of progress')
    .addHelpText('after', '\nSecret vars are never recorded: give them again in their environment variables.\n\nExample:\n  RUNBOOK_DATABASE_URL=postgresql://... runbook rollback 20261125-1301\n\nExit codes: 0 rolled back, 2 refused (already rolled back, changed plan, still running), 3 rollback incomplete.\n')
    .action(async (wanted: string, opts: RollbackOptions) => {
      const run = findRun(io, wanted);
      const state = run && readRunState(run.dir);
      if (!run || !state) return finish(exitCodes.invalid);
      const refused = rollbackRefusal(state);
      if (refused) return finish(reportOutcome(io, refused));
      const recorded = recordedPlan(io, run.dir, state, opts.allowChangedPlan === true);
      if (!recorded) return finish(exitCodes.invalid);
      const caveat = rollbackCaveat(state);
      if (caveat) io.stderr.write(`runbook: ${caveat}\n`);
      const { prepared } = recorded;
      const interactive = io.stdin?.isTTY === true;
      const renderer = await chooseRenderer(io, opts.json === true, interactive && opts.yes !== true);
      const result = await continueRun(
        { mode: 'rollback', runId: run.id, plan: prepared.plan, planSha256: recorded.sha256 },
        { cwd: io.cwd, env: io.env, vars: prepared.vars, masker: prepared.masker, yes: opts.yes === true, rollback: true, interrupts: io.interrupts ?? new Interrupts(), ...(interactive && io.stdin && { ask: terminalAsk(io.stdin, io.stderr) }) },
        renderer,
        (text) => io.stderr.write(text),
        rollbackRefusal,
      );
      finish(reportOutcome(io, result));
    });
}
