import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from './journal.js';
import { holderState, lockPath, readLock } from './lock.js';
import { runsRoot } from './run-dir.js';
import { describePhase, nextSteps, rebuildRun, type RunState } from './run-state.js';

/** One line of `runbook runs`. */
export interface RunSummary {
  readonly id: string;
  readonly dir: string;
  readonly plan: string;
  readonly startedAt: string;
  /** The final status, or `running or crashed` when the journal has no run-end. */
  readonly status: string;
  /** Where the run stands, rebuilt from its journal: `succeeded`, `crashed at backup`, `rolled back later`, ... */
  readonly state: string;
  /** What to do next, for a run that is not done with (crashed, or kept by --no-rollback). */
  readonly next?: string;
  readonly exitCode?: number;
  readonly failedStep?: string;
}

/** Whether a run with no end is still running: it holds the workspace lock and its process lives. */
function stillRunning(cwd: string, id: string): boolean {
  const found = readLock(lockPath(cwd));
  return found !== undefined && 'holder' in found && found.holder.runId === id && holderState(found.holder) === 'running';
}

/** A run's state from its journal alone (undefined without a journal or its run-start). */
export function readRunState(dir: string): RunState | undefined {
  const journal = join(dir, 'journal.jsonl');
  return existsSync(journal) ? rebuildRun(readJournal(journal)) : undefined;
}

/** Summarises a run from its journal alone; `cwd` tells a live run from a crashed one by the lock. */
export function summarizeRun(dir: string, id: string, cwd?: string): RunSummary | undefined {
  const state = readRunState(dir);
  if (!state) return undefined;
  const { end, phase } = state;
  const running = !end && cwd !== undefined && stillRunning(cwd, id);
  const next = running ? undefined : nextSteps(id, phase);
  return {
    id,
    dir,
    plan: state.start.plan.name,
    startedAt: state.start.at,
    status: end?.status ?? 'running or crashed',
    state: running ? 'running' : describePhase(phase),
    ...(next !== undefined && { next }),
    ...(end && { exitCode: end.exitCode }),
    ...(end?.failedStep !== undefined && { failedStep: end.failedStep }),
  };
}

/** Every run of a workspace, newest first (by when it started: ids of one second end in a random tail). */
export function listRuns(cwd: string): RunSummary[] {
  const root = runsRoot(cwd);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .flatMap((id) => summarizeRun(join(root, id), id, cwd) ?? [])
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
