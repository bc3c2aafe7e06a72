import { join } from 'node:path';
import { closest } from '../diagnostics/index.js';
import { listRuns, type RunSummary } from '../run/list-runs.js';
import type { CliIO } from './io.js';

/** The run a command names (an id, a unique prefix of one, or "last"); says on stderr why none matched. */
export function findRun(io: CliIO, wanted: string): RunSummary | undefined {
  // An empty id (a shell variable left unset) would be a prefix of every run.
  if (wanted.trim() === '') {
    io.stderr.write(
      'runbook: no run id given (an empty one)\n  hint: name a run by its id, a unique prefix of it, or "last"; list runs with `runbook runs`\n',
    );
    return undefined;
  }
  const runs = listRuns(io.cwd);
  const matches = wanted === 'last' ? runs.slice(0, 1) : runs.filter((r) => r.id.startsWith(wanted));
  if (matches.length === 1) return matches[0];
  const near = closest(
    wanted,
    runs.map((r) => r.id),
  );
  io.stderr.write(
    `runbook: ${matches.length === 0 ? `no run "${wanted}"` : `"${wanted}" matches ${matches.length} runs`} in ${join(io.cwd, '.runbook/runs')}\n  hint: ${near ? `did you mean "${near}"? ` : ''}list runs with \`runbook runs\`\n`,
  );
  return undefined;
}
