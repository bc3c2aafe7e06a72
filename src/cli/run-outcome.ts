import type { StartedRun } from '../run/start-run.js';
import { exitCodes, type CliIO } from './io.js';

/** Says on stderr how a run ended when it needs a human, and returns its exit code. */
export function reportOutcome(io: CliIO, result: StartedRun): number {
  if (!result.ok) {
    io.stderr.write(`runbook: ${result.message}\n  hint: ${result.hint}\n`);
    return exitCodes.invalid;
  }
  // Said on stderr too: the report may be unwritable (a full disk) and stdout may be gone.
  for (const line of result.problems) io.stderr.write(`runbook: ${line}\n`);
  if (result.byHand.length > 0) {
    io.stderr.write(
      `runbook: not everything was undone (exit ${result.exitCode}); still changed, newest first:\n${result.byHand.map((l) => `  - ${l}\n`).join('')}`,
    );
  }
  if (result.finallyFailed.length > 0) {
    io.stderr.write(
      `runbook: finally step${result.finallyFailed.length > 1 ? 's' : ''} ${result.finallyFailed.join(', ')} failed: the cleanup ${result.finallyFailed.length > 1 ? 'they do' : 'it does'} is not done; check by hand (exit ${result.exitCode})\n`,
    );
  }
  if (result.problems.length > 0 && result.byHand.length === 0 && result.status !== 'succeeded') {
    io.stderr.write(
      `runbook: the rollback ${result.exitCode === 3 ? 'did NOT complete' : 'completed: every finished step was undone'} (exit ${result.exitCode})\n`,
    );
  }
  return result.exitCode;
}
