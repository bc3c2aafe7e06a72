import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../engine/events.js';
import { readJournal } from './journal.js';
import { runsRoot } from './run-dir.js';

/** One line of `runbook runs`. */
export interface RunSummary {
  readonly id: string;
  readonly dir: string;
  readonly plan: string;
  readonly startedAt: string;
  /** The final status, or `running or crashed` when the journal has no run-end. */
  readonly status: string;
  readonly exitCode?: number;
  readonly failedStep?: string;
}

/** Summarises a run from its journal alone. */
export function summarizeRun(dir: string, id: string): RunSummary | undefined {
  const journal = join(dir, 'journal.jsonl');
  if (!existsSync(journal)) return undefined;
  const events = readJournal(journal);
  const start = events.find((e): e is Extract<RunEvent, { type: 'run-start' }> => e.type === 'run-start');
  const end = events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end');
  if (!start) return undefined;
  return {
    id,
    dir,
    plan: start.plan.name,
    startedAt: start.at,
    status: end?.status ?? 'running or crashed',
    ...(end && { exitCode: end.exitCode }),
    ...(end?.failedStep !== undefined && { failedStep: end.failedStep }),
  };
}

/** Every run of a workspace, newest first. */
export function listRuns(cwd: string): RunSummary[] {
  const root = runsRoot(cwd);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .reverse()
    .flatMap((id) => summarizeRun(join(root, id), id) ?? []);
}
