import type { StepKindRegistry } from '../steps/kind.js';
import { allSteps, type Plan } from '../plan/model.js';
import { repeatable } from './repeatable.js';
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
    return {
      ok: false,
      message: `run ${id} is rolled back already (${describePhase(state.phase)}); a second rollback is refused`,
      hint: `see what was undone with "runbook show ${id}"`,
    };
  }
  return undefined;
}

/** A note for the operator when a rollback cannot know everything: the step that was running when the run died. */
export function rollbackCaveat(state: RunState, kinds: StepKindRegistry): string | undefined {
  if (!state.running) return undefined;
  if (kinds.get(state.running.kind)?.undoAfterCrash)
    return `step ${state.running.id} was running when run ${state.start.runId} died; its ${state.running.kind} step reads back what it changed, and the rollback undoes that`;
  return `step ${state.running.id} was running when run ${state.start.runId} died and never finished; runbook has no record of what it changed, so it is not undone: check it by hand`;
}

/** Whether `runbook resume` may go on with a run (under this plan with its loops expanded, once it is loaded): only a run that died during its steps. */
export function resumeRefusal(state: RunState, plan?: Plan): Refusal | undefined {
  const id = state.start.runId;
  if (state.end) {
    const undo = state.phase.type === 'succeeded' || state.phase.type === 'failed-kept' || state.phase.type === 'rollback-incomplete';
    return {
      ok: false,
      message: `run ${id} ended (${describePhase(state.phase)}); resume is for a run that died before its end`,
      hint: undo ? `to undo what it changed: runbook rollback ${id}` : `start a new run with "runbook exec ${state.start.plan.file}"`,
    };
  }
  if (state.rollingBack)
    return {
      ok: false,
      message: `run ${id} died during its rollback; resuming its steps would redo what was being undone`,
      hint: `finish its rollback with "runbook rollback ${id}"`,
    };
  // The rest is checked once the plan is loaded.
  if (!plan) return undefined;
  const steps = allSteps(plan);
  const missing = state.finished.map((f) => f.id).filter((s) => !steps.some((p) => p.id === s));
  if (missing.length > 0)
    return {
      ok: false,
      message: `steps of run ${id} are not in the plan any more: ${missing.join(', ')}`,
      hint: `undo the run with "runbook rollback ${id}" using the plan as it ran`,
    };
  if (state.running) {
    const step = steps.find((s) => s.id === state.running?.id);
    const again = step ? repeatable(step) : { ok: false as const, why: 'it is not in the plan any more' };
    if (!again.ok) {
      return {
        ok: false,
        message: `step ${state.running.id} was running when run ${id} died, and it is not safe to run again: ${again.why}`,
        hint: `check by hand what it did; then undo the run with "runbook rollback ${id}"`,
      };
    }
  }
  return undefined;
}
