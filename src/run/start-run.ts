import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { LiveEvent, RunEvent, RunObserver, RunStatus } from '../engine/events.js';
import { Interrupts } from '../engine/interrupts.js';
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
  | {
      readonly ok: true;
      readonly runId: string;
      readonly runDir: string;
      readonly reportPath: string;
      readonly status: RunStatus;
      readonly exitCode: number;
      readonly failedStep?: string;
      /** Finally steps that failed: the cleanup they do is left for a human. */
      readonly finallyFailed: readonly string[];
      /** What is still changed and how to undo it by hand (empty when everything was undone or nothing failed). */
      readonly byHand: readonly string[];
      /** What went wrong around the steps, for stderr: files of the run that could not be written (the record is incomplete), errors after the steps ended. */
      readonly problems: readonly string[];
    }
  | { readonly ok: false; readonly message: string; readonly hint: string };

/** Tells the operator what runbook found and did before the run (stderr in the CLI). */
export type Notice = (text: string) => void;

/**
 * Runs a plan with its run directory: takes the workspace lock, cleans up after earlier runs that
 * died, writes the plan as run (secrets masked), journals every event (flushed before the renderer
 * hears of it), and writes report.md at the end. A journal that cannot be written (a full disk)
 * fails the running step and the rollback still runs.
 */
export async function startRun(plan: Plan, options: RunOptions, renderer: RunRenderer, notice: Notice = () => {}): Promise<StartedRun> {
  const copy = planCopy(plan, readFileSync(plan.file, 'utf8'), options.masker);
  const runId = newRunId(plan.name, options.now);
  const lock = acquireLock(options.cwd, runId);
  if (!lock.ok) return await lockRefusal(options.cwd, lock);
  let files: ReturnType<typeof createRunDirectory>;
  let journal: Journal;
  let cleaned: Cleanup[];
  try {
    cleaned = await cleanEarlierRuns(options.cwd, runId);
    files = createRunDirectory(options.cwd, runId, copy);
    journal = new Journal(files.journalPath);
  } catch (e) {
    lock.release();
    return { ok: false, message: `cannot create the run directory under ${options.cwd}/.runbook: ${(e as Error).message}`, hint: 'runbook keeps each run in .runbook/runs of the directory it runs in; make it writable and check it has free space' };
  }
  for (const c of cleaned) notice(cleanupText(c));
  const trail = crashTrail(files.dir, files.id);
  const interrupts = options.interrupts ?? new Interrupts();
  const problems: string[] = [];
  let engineListens = false;
  // Signals before the engine listens or after it is done (writing the report) must not end the process half-way,
  // and an error then is said, not lost.
  const holdSignals = interrupts.subscribe((stop) => {
    if (!engineListens && stop.type === 'fault') problems.push(`after the steps ended: ${options.masker.mask(stop.message)}`);
  });
  let offScreen = false;
  const drawingFailed = (e: unknown) => {
    if (!offScreen) problems.push(`the progress display failed and was turned off (the journal has everything): ${options.masker.mask((e as Error).message)}`);
    offScreen = true;
  };
  // Drawing is for the screen only: a renderer that throws must never stop a step or a rollback.
  const drawn = (draw: () => void) => {
    try {
      if (!offScreen) draw();
    } catch (e) {
      drawingFailed(e);
    }
  };
  const events: RunEvent[] = [];
  const observer: RunObserver = {
    event(e: RunEvent) {
      const error = journal.append(e);
      events.push(e);
      drawn(() => renderer.event(e));
      // Already told on stderr before the run; kept in the journal and the report.
      if (e.type === 'run-start') {
        for (const c of cleaned) {
          const note: RunEvent = { type: 'earlier-run-cleaned', at: e.at, runId: c.runId, done: c.done };
          journal.append(note);
          events.push(note);
        }
      }
      // Told once, after the event was drawn: the engine then fails the running step and rolls back.
      if (error && journal.lost === 1) {
        const message = `cannot write the journal ${files.journalPath}: ${error.message}`;
        problems.push(message);
        if (engineListens) interrupts.fault(message);
      }
    },
    live(e: LiveEvent) {
      renderer.live(e);
    },
  };
  const t0 = Date.now();
  try {
    engineListens = true;
    const outcome = await runPlan(plan, files, { ...options, interrupts, trail }, observer).finally(() => (engineListens = false));
    const durationMs = Date.now() - t0;
    try {
      writeFileSync(files.reportPath, options.masker.mask(renderReport(events, { status: outcome.status, exitCode: outcome.exitCode, durationMs, finallyFailed: outcome.finallyFailed })), { mode: 0o600 });
    } catch (e) {
      problems.push(`cannot write the report ${files.reportPath}: ${(e as Error).message}`);
      // A cut-off report would pass for the whole story; without one, \`runbook show\` renders it from the journal.
      rmSync(files.reportPath, { force: true });
    }
    observer.event({ type: 'run-end', at: new Date().toISOString(), status: outcome.status, exitCode: outcome.exitCode, durationMs, ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }), ...(outcome.finallyFailed.length > 0 && { finallyFailed: outcome.finallyFailed }), reportPath: files.reportPath });
    if (journal.lost > 0) problems.push(`${journal.lost} of ${events.length} events are missing from the journal`);
    await renderer.close().catch(drawingFailed);
    return { ok: true, runId: files.id, runDir: files.dir, reportPath: files.reportPath, status: outcome.status, exitCode: outcome.exitCode, ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }), finallyFailed: outcome.finallyFailed, byHand: outcome.byHand, problems };
  } finally {
    holdSignals();
    await journal.close().catch(() => {});
    lock.release();
  }
}
