import { hostname } from 'node:os';
import type { CarriedRun } from '../engine/carry-over.js';
import type { RunOptions } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import type { RunRenderer } from '../ui/renderer.js';
import { driveRun, type Notice, type StartedRun } from './drive-run.js';
import type { Refusal } from './continue-checks.js';
import { Journal, readJournal } from './journal.js';
import { cleanEarlierRuns } from './leftovers.js';
import { openRunDirectory } from './run-dir.js';
import { takeLocks } from './scope-locks.js';
import { rebuildRun, type RunState } from './run-state.js';

/** What a later process does with a recorded run. */
export interface Continuation {
  readonly mode: 'resume' | 'rollback';
  readonly runId: string;
  /** The plan as it is now, and the sha256 of its file. */
  readonly plan: Plan;
  readonly planSha256: string;
  /** Steps to run again though the journal has them (the step that was running, when safe to repeat). */
  readonly rerun?: readonly string[];
}

/** The steps a run carries on with, from its rebuilt state. */
export function carriedSteps(state: RunState, mode: Continuation['mode'], rerun: readonly string[] = []): CarriedRun {
  return {
    mode,
    startedAt: state.start.at,
    steps: [
      ...state.finished
        .filter((f) => !rerun.includes(f.id))
        .map((f) => ({
          id: f.id,
          outputs: f.outputs,
          ...(f.env && { env: f.env }),
          ...(f.undo !== undefined && { undo: f.undo }),
          failed: f.failed,
          undoable: true,
        })),
      // Steps a partial run took from another run keep those outputs; this run never undoes them.
      ...state.passed.flatMap((id) => {
        const r = state.recorded.get(id);
        return r && !rerun.includes(id) ? [{ id, outputs: r.outputs, ...(r.env && { env: r.env }), failed: false, undoable: false }] : [];
      }),
    ],
    passed: state.passed.filter((id) => !rerun.includes(id) && !state.recorded.has(id)),
    ...(mode === 'rollback' && state.running && { crashed: state.running.id }),
    ...(mode === 'rollback' && {
      reason: `runbook rollback of run ${state.start.runId} (${state.end ? `it ended ${state.end.status}` : 'it had crashed'})`,
    }),
  };
}

/**
 * Takes a recorded run on again in its own directory and journal: takes the workspace lock in the
 * run's name, cleans up what any dead run left (this one's too), re-reads the journal under the
 * lock (another process may have changed it), and drives the engine over the carried steps.
 */
export async function continueRun(
  c: Continuation,
  options: RunOptions,
  renderer: RunRenderer,
  notice: Notice,
  check: (state: RunState) => Refusal | undefined,
): Promise<StartedRun> {
  const locks = await takeLocks(c.plan, options, c.runId);
  if (!locks.ok) return locks;
  try {
    const files = openRunDirectory(options.cwd, c.runId, c.planSha256);
    const earlier = readJournal(files.journalPath);
    const state = rebuildRun(earlier);
    if (!state)
      return { ok: false, message: `the journal of run ${c.runId} has no run-start`, hint: 'the run never started; nothing to carry on' };
    const refused = check(state);
    if (refused) return refused;
    const cleaned = await cleanEarlierRuns(options.cwd, '');
    const journal = new Journal(files.journalPath);
    const opening = {
      type: 'run-continue',
      at: new Date().toISOString(),
      mode: c.mode,
      host: hostname(),
      pid: process.pid,
      plan: { file: c.plan.file, sha256: c.planSha256 },
      planChanged: c.planSha256 !== state.start.plan.sha256,
    } as const;
    const carried = carriedSteps(state, c.mode, c.rerun);
    return await driveRun({ plan: c.plan, files, journal, cleaned, earlier, opening }, { ...options, carried }, renderer, notice);
  } finally {
    await locks.release();
  }
}
