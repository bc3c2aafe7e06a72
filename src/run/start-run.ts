import { readFileSync, writeFileSync } from 'node:fs';
import type { LiveEvent, RunEvent, RunObserver, RunStatus } from '../engine/events.js';
import { runPlan, type RunOptions } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import type { RunRenderer } from '../ui/renderer.js';
import { Journal } from './journal.js';
import { acquireLock } from './lock.js';
import { renderReport } from './report.js';
import { createRunDirectory } from './run-dir.js';

/** How a run ended, and where its files are. */
export type StartedRun =
  | { readonly ok: true; readonly runId: string; readonly runDir: string; readonly reportPath: string; readonly status: RunStatus; readonly exitCode: number; readonly failedStep?: string }
  | { readonly ok: false; readonly message: string; readonly hint: string };

/**
 * Runs a plan with its run directory: takes the workspace lock, writes the plan as run, journals
 * every event (flushed before the renderer hears of it), and writes report.md at the end.
 */
export async function startRun(plan: Plan, options: RunOptions, renderer: RunRenderer): Promise<StartedRun> {
  const planText = readFileSync(plan.file, 'utf8');
  const lock = acquireLock(options.cwd, `${plan.name} (pid ${process.pid})`);
  if (!lock.ok) {
    return { ok: false, message: `another run (${lock.holder.runId}) is in progress in ${options.cwd}`, hint: 'wait for it to finish; if that process is gone, remove .runbook/lock' };
  }
  let files: ReturnType<typeof createRunDirectory>;
  try {
    files = createRunDirectory(options.cwd, plan.name, planText, options.now);
  } catch (e) {
    lock.release();
    return { ok: false, message: `cannot create the run directory under ${options.cwd}/.runbook: ${(e as Error).message}`, hint: 'runbook keeps each run in .runbook/runs of the directory it runs in; make it writable' };
  }
  const journal = new Journal(files.journalPath);
  const events: RunEvent[] = [];
  const observer: RunObserver = {
    event(e: RunEvent) {
      journal.append(e);
      events.push(e);
      renderer.event(e);
    },
    live(e: LiveEvent) {
      renderer.live(e);
    },
  };
  const t0 = Date.now();
  try {
    const outcome = await runPlan(plan, files, options, observer);
    const durationMs = Date.now() - t0;
    writeFileSync(files.reportPath, options.masker.mask(renderReport(events, { status: outcome.status, exitCode: outcome.exitCode, durationMs })), { mode: 0o600 });
    observer.event({ type: 'run-end', at: new Date().toISOString(), status: outcome.status, exitCode: outcome.exitCode, durationMs, ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }), reportPath: files.reportPath });
    await renderer.close();
    return { ok: true, runId: files.id, runDir: files.dir, reportPath: files.reportPath, ...outcome };
  } finally {
    await journal.close();
    lock.release();
  }
}
