import { rmSync, writeFileSync } from 'node:fs';
import type { LiveEvent, RunEvent, RunObserver } from '../engine/events.js';
import { Interrupts } from '../engine/interrupts.js';
import { runPlan, type RunFiles, type RunOptions, type RunOutcome } from '../engine/run-plan.js';
import type { Plan } from '../plan/model.js';
import { maskingObserver } from '../ui/masking-observer.js';
import type { RunRenderer } from '../ui/renderer.js';
import type { Journal } from './journal.js';
import { crashTrail, type Cleanup } from './leftovers.js';
import { cleanupText } from './lock-refusal.js';
import { renderReport } from './report.js';

/** How a run ended (the engine's outcome, its faults said as problems), and where its files are. */
export type StartedRun =
  | (Omit<RunOutcome, 'faults'> & {
      readonly ok: true;
      readonly runId: string;
      readonly runDir: string;
      readonly reportPath: string;
      /** What went wrong around the steps, for stderr: files of the run that could not be written (the record is incomplete), errors after the steps ended. */
      readonly problems: readonly string[];
    })
  | { readonly ok: false; readonly message: string; readonly hint: string };

/** Tells the operator what runbook found and did before the run (stderr in the CLI). */
export type Notice = (text: string) => void;

/** A run whose directory, journal and lock are in hand, ready to drive. */
export interface OpenRun {
  readonly plan: Plan;
  readonly files: RunFiles & { readonly journalPath: string };
  readonly journal: Journal;
  /** Earlier runs that died, cleaned up before this one. */
  readonly cleaned: readonly Cleanup[];
  /** The journal of earlier processes of this run (resume, rollback), so the report tells the whole run. */
  readonly earlier: readonly RunEvent[];
  /** Written first, before the engine's events: how a later process takes the run on. */
  readonly opening?: RunEvent;
}

/**
 * Drives the engine over an open run: masks every event, journals it (flushed before the renderer
 * hears of it), and writes report.md at the end. A journal that cannot be written (a full disk) fails the
 * running step and the rollback still runs. Closes the journal; the caller releases the lock.
 */
export async function driveRun(run: OpenRun, options: RunOptions, renderer: RunRenderer, notice: Notice): Promise<StartedRun> {
  const { plan, files, journal, cleaned } = run;
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
    if (!offScreen)
      problems.push(
        `the progress display failed and was turned off (the journal has everything): ${options.masker.mask((e as Error).message)}`,
      );
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
  const events: RunEvent[] = [...run.earlier];
  // A password in a var's URL is a secret from the first event on.
  for (const value of Object.values(options.vars)) options.masker.addUrlPasswords(String(value));
  // Every event is masked once, before the journal or the screen sees it.
  const observer: RunObserver = maskingObserver(options.masker, {
    event(e: RunEvent) {
      const error = journal.append(e);
      events.push(e);
      drawn(() => renderer.event(e));
      // Already told on stderr before the run; kept in the journal and the report.
      if (e.type === 'run-start' || e.type === 'run-continue') {
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
  });
  const t0 = Date.now();
  try {
    // A renderer learns the run's steps from its run-start: a later process shows it again (not journaled again).
    const begun = run.earlier.find((e) => e.type === 'run-start');
    if (run.opening && begun) drawn(() => renderer.event(begun));
    if (run.opening) observer.event(run.opening);
    engineListens = true;
    const outcome = await runPlan(plan, files, { ...options, interrupts, trail }, observer).finally(() => (engineListens = false));
    const durationMs = Date.now() - t0;
    try {
      writeFileSync(
        files.reportPath,
        options.masker.mask(
          renderReport(events, { status: outcome.status, exitCode: outcome.exitCode, durationMs, finallyFailed: outcome.finallyFailed }),
        ),
        { mode: 0o600 },
      );
    } catch (e) {
      problems.push(`cannot write the report ${files.reportPath}: ${(e as Error).message}`);
      // A cut-off report would pass for the whole story; without one, \`runbook show\` renders it from the journal.
      rmSync(files.reportPath, { force: true });
    }
    observer.event({
      type: 'run-end',
      at: new Date().toISOString(),
      status: outcome.status,
      exitCode: outcome.exitCode,
      durationMs,
      ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }),
      ...(outcome.finallyFailed.length > 0 && { finallyFailed: outcome.finallyFailed }),
      reportPath: files.reportPath,
    });
    if (journal.lost > 0) problems.push(`${journal.lost} of ${events.length} events are missing from the journal`);
    await renderer.close().catch(drawingFailed);
    return {
      ok: true,
      runId: files.id,
      runDir: files.dir,
      reportPath: files.reportPath,
      status: outcome.status,
      exitCode: outcome.exitCode,
      ...(outcome.failedStep !== undefined && { failedStep: outcome.failedStep }),
      finallyFailed: outcome.finallyFailed,
      byHand: outcome.byHand.map((line) => options.masker.mask(line)),
      problems,
    };
  } finally {
    holdSignals();
    await journal.close().catch(() => {});
  }
}
