import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunEvent } from '../../engine/events.js';
import { readJournal } from '../../run/journal.js';
import { listRuns } from '../../run/list-runs.js';
import { renderReport } from '../../run/report.js';
import { findRun } from '../find-run.js';
import { exitCodes, type CliIO } from '../io.js';
import type { Finish } from '../shared-options.js';

/** `runbook runs` and `runbook show RUN`: what happened in earlier runs, from their journals. */
export function registerRuns(program: Command, io: CliIO, finish: Finish): void {
  program
    .command('runs')
    .description('list the runs of this directory, newest first')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  runbook runs\n')
    .action((opts: { json?: boolean }) => {
      const runs = listRuns(io.cwd);
      if (opts.json) io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      else if (runs.length === 0) io.stdout.write('no runs yet in this directory (.runbook/runs is empty)\n');
      else
        for (const r of runs)
          io.stdout.write(
            `${r.id}  ${r.state}${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}\n${r.next ? `  next: ${r.next}\n` : ''}`,
          );
      finish(exitCodes.ok);
    });
  program
    .command('show')
    .description('print the report of a run (the newest with "last")')
    .argument('<run>', 'run id as listed by `runbook runs`, a unique prefix of it, or "last"')
    .option('--journal', 'print the raw journal (JSON lines) instead of the report')
    .addHelpText('after', '\nExample:\n  runbook show last\n  runbook show 20261125-1301 --journal\n')
    .action((wanted: string, opts: { journal?: boolean }) => {
      const run = findRun(io, wanted);
      if (!run) return finish(exitCodes.invalid);
      const file = join(run.dir, opts.journal ? 'journal.jsonl' : 'report.md');
      if (!opts.journal && !existsSync(file)) {
        // No report (killed, or the disk was full): the journal alone still tells what happened.
        const events = readJournal(join(run.dir, 'journal.jsonl'));
        const end = events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end');
        io.stdout.write(renderReport(events, end && { status: end.status, exitCode: end.exitCode, durationMs: end.durationMs }));
        return finish(exitCodes.ok);
      }
      if (!existsSync(file)) {
        io.stderr.write(
          `runbook: run ${run.id} has no ${opts.journal ? 'journal' : 'report'} (it is still running or crashed)\n  hint: runbook show ${run.id} --journal shows what was recorded\n`,
        );
        return finish(exitCodes.invalid);
      }
      io.stdout.write(readFileSync(file, 'utf8'));
      finish(exitCodes.ok);
    });
}
