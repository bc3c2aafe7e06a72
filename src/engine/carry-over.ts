import type { Plan } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { JsonValue } from '../core/json.js';
import type { Finished } from './run-plan.js';
import type { StepState } from './scope.js';

/** A step of an earlier process of the run (or of another run) whose results are reused. */
export interface CarriedStep {
  readonly id: string;
  readonly outputs: { readonly [k: string]: JsonValue };
  /** Environment variables it set (null: removed) for the steps after it. */
  readonly env?: { readonly [k: string]: string | null };
  readonly undo?: JsonValue;
  /** It failed but left an undo token: only its own undo runs at rollback. */
  readonly failed: boolean;
  /** False for outputs taken from another run (`--outputs-from`): this run did not change it, so never undoes it. */
  readonly undoable: boolean;
}

/**
 * What a run carries on from a journal: `runbook resume` goes on with the steps, `runbook rollback`
 * undoes them, and a `partial` run (exec --from/--only) is a new run that skips steps, taking their
 * outputs from an earlier run.
 */
export interface CarriedRun {
  readonly mode: 'resume' | 'rollback' | 'partial';
  /** When the run first started, for `run.started_at`. */
  readonly startedAt: string;
  /** In the order they ran: never run again. */
  readonly steps: readonly CarriedStep[];
  /** Steps passed over (skipped, or failed and let go on): never run again. */
  readonly passed: readonly string[];
  /** The step that was running when the run died (`runbook rollback` asks its kind what it changed). */
  readonly crashed?: string;
  /** Why the carried steps do not run, journaled with each in a partial run. */
  readonly skipReason?: string;
  /** Why the rollback runs (`runbook rollback`). */
  readonly reason?: string;
}

/**
 * Puts carried steps back where the engine keeps them: their outputs for later templates, their
 * environment changes, and (when this run made them) their undo on the rollback stack.
 */
export function seedCarried(
  plan: Plan,
  kinds: StepKindRegistry,
  carried: CarriedRun,
  states: Record<string, StepState>,
  env: Record<string, string | undefined>,
  stack: Finished[],
): void {
  for (const id of carried.passed) states[id] = { status: 'skipped', outputs: {} };
  const at = (id: string) => plan.steps.findIndex((s) => s.id === id);
  // In the order the steps run: a later step's environment change wins.
  for (const c of [...carried.steps].sort((a, b) => at(a.id) - at(b.id))) {
    const index = at(c.id);
    const step = plan.steps[index];
    const kind = step && kinds.get(step.kind);
    if (!step || !kind) throw new Error(`step "${c.id}" of the recorded run is not in the plan`);
    states[c.id] = { status: c.failed ? 'failed' : 'succeeded', outputs: c.outputs };
    const envBefore = c.env ? Object.fromEntries(Object.keys(c.env).map((k) => [k, env[k]])) : undefined;
    for (const [k, v] of Object.entries(c.env ?? {})) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    if (c.undoable)
      stack.push({
        index,
        step: c.failed ? { ...step, rollback: [] } : step,
        kind,
        ...(c.undo !== undefined && { undo: c.undo }),
        ...(envBefore && { envBefore }),
      });
  }
}
