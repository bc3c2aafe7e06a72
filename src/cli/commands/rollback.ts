import type { Command } from 'commander';
import type { StepKindRegistry } from '../../steps/kind.js';
import { rollbackCaveat, rollbackRefusal } from '../../run/continue-checks.js';
import { carryOn, type CarryOnOptions } from '../carry-on.js';
import type { CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook rollback RUN`: undoes every finished step of an earlier run, newest first, journaled into that run. */
export function registerRollback(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  program
    .command('rollback')
    .description(
      'undo an earlier run (succeeded, kept by --no-rollback, or crashed): every finished step newest first, with the values recorded at the time',
    )
    .argument('<run>', 'run id as listed by `runbook runs`, a unique prefix of it, or "last"')
    .option('--allow-changed-plan', 'go on when the plan file changed since the run (the differences are printed)')
    .option('-y, --yes', 'confirm every human gate in advance (needed without a terminal)')
    .option('--json', 'print journal events as JSON lines instead of progress')
    .addHelpText(
      'after',
      '\nSecret vars are never recorded: give them again in their environment variables.\n\nExample:\n  RUNBOOK_DATABASE_URL=postgresql://... runbook rollback 20261125-1301\n\nExit codes: 0 rolled back, 2 refused (already rolled back, changed plan, still running), 3 rollback incomplete.\n',
    )
    .action(async (wanted: string, opts: CarryOnOptions) => {
      finish(await carryOn(io, kinds, wanted, opts, { mode: 'rollback', refusal: rollbackRefusal, caveat: rollbackCaveat }));
    });
}
