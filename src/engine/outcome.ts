import type { RunStatus } from './events.js';
import { signalNumbers, type StopSignal } from './interrupts.js';
import type { Finished } from './run-plan.js';

/** A finished step whose rollback did not (all) run: whether its built-in undo did not, and the titles of its actions that did not. */
export interface NotUndone {
  readonly f: Finished;
  readonly ownUndo: boolean;
  readonly actions: readonly string[];
}

const exitFor: Record<Exclude<RunStatus, 'interrupted'>, number> = {
  succeeded: 0,
  'failed-rolled-back': 1,
  'failed-rollback-incomplete': 3,
  'failed-not-rolled-back': 3,
  'interrupted-rollback-incomplete': 3,
  'rolled-back': 0,
  'rollback-incomplete': 3,
};

/** The exit code of a run: a completed rollback after a signal exits as the shell reports that signal (128 + its number). */
export function exitCode(status: RunStatus, signal: StopSignal | undefined): number {
  return status === 'interrupted' ? 128 + signalNumbers[signal ?? 'SIGINT'] : exitFor[status];
}

const actionTitles = (f: Finished) => f.step.rollback.map((a, i) => a.title ?? `${a.kind} action ${i + 1}`);

/** A whole rollback stack (oldest first) as not undone at all, newest first. */
export function nothingUndone(stack: readonly Finished[]): NotUndone[] {
  return [...stack].reverse().map((f) => ({ f, ownUndo: true, actions: actionTitles(f) }));
}

/** One line per step still changed, in the given order: what it changed and how an operator undoes it (as it is: the caller masks it for display). */
export function undoByHand(entries: readonly NotUndone[]): string[] {
  return entries.map(({ f, ownUndo, actions }) => {
    const parts: string[] = [];
    if (ownUndo && f.undo !== undefined && f.kind.undo) {
      parts.push(
        f.kind.manualUndo
          ? f.kind.manualUndo(f.undo)
          : `its built-in undo (${f.kind.undoSummary ?? f.kind.kind}) did not run; its undo token is in the journal's step-end`,
      );
    }
    if (actions.length)
      parts.push(`run its rollback actions by hand (${actions.join('; ')}; rendered in the journal's step-end of ${f.step.id})`);
    return `${f.step.id}: ${parts.length ? parts.join('; then ') : 'its change has no recorded way back; check it by hand'}`;
  });
}
