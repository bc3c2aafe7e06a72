import { readFileSync } from 'node:fs';
import type { RunOptions } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import type { RunRenderer } from '../ui/renderer.js';
import { driveRun, type Notice, type StartedRun } from './drive-run.js';
import { Journal } from './journal.js';
import { cleanEarlierRuns, type Cleanup } from './leftovers.js';
import { planCopy } from './plan-copy.js';
import { takeLocks } from './scope-locks.js';
import { createRunDirectory, newRunId } from './run-dir.js';
import { unfinishedRefusal } from './unfinished.js';

export type { Notice, StartedRun } from './drive-run.js';

/**
 * Runs a plan with its run directory: takes the locks of what it changes (its directory, and the
 * plan's lock scopes), cleans up after earlier runs that
 * died, writes the plan as run (secrets masked), and drives it with its journal and report.
 */
export async function startRun(plan: Plan, options: RunOptions, renderer: RunRenderer, notice: Notice = () => {}): Promise<StartedRun> {
  const copy = planCopy(plan, readFileSync(plan.file, 'utf8'), options.masker);
  const runId = newRunId(plan.name, options.now);
  const locks = await takeLocks(plan, options, runId);
  if (!locks.ok) return locks;
  try {
    const unfinished = unfinishedRefusal(options.cwd, plan.name);
    if (unfinished) return unfinished;
    let files: ReturnType<typeof createRunDirectory>;
    let journal: Journal;
    let cleaned: Cleanup[];
    try {
      cleaned = await cleanEarlierRuns(options.cwd, runId);
      files = createRunDirectory(options.cwd, runId, copy);
      journal = new Journal(files.journalPath);
    } catch (e) {
      return {
        ok: false,
        message: `cannot create the run directory under ${options.cwd}/.runbook: ${(e as Error).message}`,
        hint: 'runbook keeps each run in .runbook/runs of the directory it runs in; make it writable and check it has free space',
      };
    }
    return await driveRun({ plan, files, journal, cleaned, earlier: [] }, options, renderer, notice);
  } finally {
    await locks.release();
  }
}
