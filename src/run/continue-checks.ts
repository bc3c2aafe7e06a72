import { describePhase, type RunState } from './run-state.js';

/** Why a command cannot carry on a run, and the way out. */
export interface Refusal {
  readonly ok: false;
  readonly message: string;
  readonly hint: string;
}

/** Whether `runbook rollback` may undo a run: one that succeeded, was kept (--no-rollback), crashed, or whose rollback did not complete. */
export function rollbackRefusal(state: RunState): Refusal | undefined {
  const id = state.start.runId;
  if (state.phase.type === 'failed-rolled-back' || state.phase.type === 'rolled-back-later') {
    return { ok: false, message: `run ${id} is rolled back already (${describePhase(state.phase)}); a second rollback is refused`, hint: `see what was undone with "runbook show ${id}"` };
  }
  return undefined;
}

/** A note for the operator when a rollback cannot know everything: the step that was running when the run died. */
export function rollbackCaveat(state: RunState): string | undefined {
  if (!state.running) return undefined;
  return `step ${state.running.id} was running when run ${state.start.runId} died and never finished; runbook has no record of what it changed, so it is not undone: check it by hand`;
}
