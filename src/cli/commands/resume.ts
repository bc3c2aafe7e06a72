import type { Command } from 'commander';
import type { StepKindRegistry } from '../../steps/kind.js';
import { resumeRefusal } from '../../run/continue-checks.js';
import { carryOn, type CarryOnOptions } from '../carry-on.js';
import type { CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook resume RUN`: goes on with a run that died, without running its finished steps again. */
export function registerResume(program: Command, io: CliIO, finish: Finish, kinds: StepKindRegistry): void {
  program
    .command('resume')
    .description(
      'continue a run that died (killed, crashed): finished steps are not run again and their recorded outputs feed later steps; the step that was running runs again only if its kind says that is safe',
    )
    .argument('<run>', 'run id as listed by `runbook runs`, a unique prefix of it, or "last"')
    .option('--allow-changed-plan', 'go on when the plan file changed since the run (the differences are printed)')
    .option('-y, --yes', 'confirm every human gate in advance (needed without a terminal)')
    .option('--json', 'print journal events as JSON lines instead of progress')
    .addHelpText(
      'after',
      '\nSecret vars are never recorded: give them again in their environment variables.\n\nExample:\n  RUNBOOK_DATABASE_URL=postgresql://... runbook resume 20261125-1301 --yes\n\nExit codes as for exec; 2 when refused (the run ended, or the step that was running is not safe to run again).\n',
    )
    .action(async (wanted: string, opts: CarryOnOptions) => {
      finish(await carryOn(io, kinds, wanted, opts, { mode: 'resume', refusal: resumeRefusal }));
    });
}
