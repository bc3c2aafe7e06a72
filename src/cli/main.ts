import { Command, CommanderError } from 'commander';
import { registerExec } from './commands/exec.js';
import { registerDiff } from './commands/diff.js';
import { registerExplain } from './commands/explain.js';
import { registerFmt } from './commands/fmt.js';
import { registerKinds } from './commands/kinds.js';
import { registerPlan } from './commands/plan.js';
import { registerResume } from './commands/resume.js';
import { registerRollback } from './commands/rollback.js';
import { registerRuns } from './commands/runs.js';
import { registerSchema } from './commands/schema.js';
import { registerUnlock } from './commands/unlock.js';
import { registerValidate } from './commands/validate.js';
import { registerVersion } from './commands/version.js';
import { createStepKindRegistry } from '../steps/index.js';
import type { StepKindRegistry } from '../steps/kind.js';
import { reportCrash } from './crash-report.js';
import { exitCodes, type CliIO } from './io.js';

/**
 * Runs the CLI on an argument list and returns the exit code; never throws for user errors. `kinds`
 * are the step kinds it knows (the built-ins unless given); the plug-ins it loads are added to them.
 */
export async function main(argv: readonly string[], io: CliIO, kinds: StepKindRegistry = createStepKindRegistry()): Promise<number> {
  let code: number = exitCodes.ok;
  const finish = (c: number) => {
    code = c;
  };
  const program = new Command('runbook')
    .description('Declarative runbooks: validate, preview, run and roll back YAML plans')
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExamples:\n  runbook validate plans/*.yaml\n  runbook plan plans/sqlite-to-pg.yaml\n  runbook exec plans/sqlite-to-pg.yaml --var database_url=postgresql://...\n',
    );
  registerValidate(program, io, finish, kinds);
  registerPlan(program, io, finish, kinds);
  registerExec(program, io, finish, kinds);
  registerRuns(program, io, finish);
  registerSchema(program, io, finish, kinds);
  registerDiff(program, io, finish, kinds);
  registerExplain(program, io, finish, kinds);
  registerFmt(program, io, finish, kinds);
  registerUnlock(program, io, finish);
  registerVersion(program, io, finish);
  registerKinds(program, io, finish, kinds);
  registerResume(program, io, finish, kinds);
  registerRollback(program, io, finish, kinds);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version'
        ? exitCodes.ok
        : exitCodes.invalid;
    }
    reportCrash(e, argv, io.stderr);
    return exitCodes.internalError;
  }
}
