import { readFileSync, writeFileSync } from 'node:fs';
import type { LiveEvent, RunEvent, RunObserver, RunStatus } from '../engine/events.js';
import { runPlan, type RunOptions } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import type { RunRenderer } from '../ui/renderer.js';
import { Journal } from './journal.js';
import { cleanEarlierRuns, crashTrail, type Cleanup } from './leftovers.js';
import { acquireLock } from './lock.js';
import { cleanupText, lockRefusal } from './lock-refusal.js';
import { planCopy } from './plan-copy.js';
import { renderReport } from './report.js';
import { createRunDirectory, newRunId } from './run-dir.js';

/** How a run ended, and where its files are. */
export type StartedRun =
  | { readonly ok: true; readonly runId: string; readonly runDir: string; readonly reportPath: string; readonly status: RunStatus; readonly exitCode: number; readonly failedStep?: string }
  | { readonly ok: false; readonly message: string; readonly hint: string };

/** Tells the operator what runbook found and did before the run (stderr in the CLI). */
export type Notice = (text: string) => void;

/**
 * Runs a plan with its run directory: takes the workspace lock, cleans up after earlier runs that
 * died, writes the plan as run (secrets masked), journals every event (flushed before the renderer
 * hears of it), and writes report.md at the end.
 */
export async function startRun(plan: Plan, options: RunOptions, renderer: RunRenderer, notice: Notice = () => {}): Promise<StartedRun> {
  const copy = planCopy(plan, readFileSync(plan.file, 'utf8'), options.masker);
  const runId = newRunId(plan.name, options.now);
  const lock = acquireLock(options.cwd, runId);
  if (!lock.ok) return await lockRefusal(options.cwd, lock);
  let files: ReturnType<typeof createRunDirectory>;
  let cleaned: Cleanup[];
  try {
    cleaned = await cleanEarlierRuns(options.cwd, runId);
    files = createRunDirectory(options.cwd, runId, copy);
  } catch (e) {
    lock.release();
    return { ok: false, message: `cannot create the run directory under ${options.cwd}/.runbook: ${(e as Error).message}`, hint: 'runbook keeps each run in .runbook/runs of the directory it runs in; make it writable' };
  }
  for (const c of cleaned) notice(cleanupText(c));
  const trail = crashTrail(files.dir, files.id);
  const journal = new Journal(files.journalPath);
  const events: RunEvent[] = [];
  const observer: RunObserver = {
    event(e: RunEvent) {
      journal.append(e);
      if (e.type === 'run-start') for (const c of cleaned) journal.append({ type: 'earlier-run-cleaned', at: e.at, runId: c.runId, done: c.done });
      events.push(e);
      renderer.event(e);
    },
    live(e: LiveEvent) {
      renderer.live(e);
    },
  };
  const t0 = Date.now();
  try {
    const outcome = await runPlan(plan, files, { ...options, trail }, observer);
    const durationMs = Date.now() - t0;
    writeFileSync(files.reportPath, options.masker.mask(renderReport(events, { cleaned, status: outcome.status, exitCode: outcome.exitCode, durationMs })), { mode: 0o600 });
    observer.event({ type: 'run-end', at: new Date().toISOString(), status: outcome.status, exitCode: outcome.exitCode, durationMs, ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }), reportPath: files.reportPath });
    await renderer.close();
    return { ok: true, runId: files.id, runDir: files.dir, reportPath: files.reportPath, ...outcome };
  } finally {
    await journal.close();
    lock.release();
  }
}
