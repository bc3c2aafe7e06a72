import type { CarriedRun } from '../engine/carry-over.js';
import type { Plan, StepDecl } from '../plan/model.js';
import type { Refusal } from './continue-checks.js';
import type { RunState } from './run-state.js';

/** Which steps a partial run runs: from one step on, or only some. */
export interface StepSelection {
  readonly from?: string;
  readonly only?: readonly string[];
}

/** The `steps.ID.outputs.NAME` a step reads, in its fields, its condition and its rollback. */
function outputsRead(step: StepDecl): { step: string; output: string }[] {
  const text = JSON.stringify([step.spec, step.when, step.undo_when, step.rollback]);
  return [...text.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_]+)/g)].map((m) => ({ step: m[1]!, output: m[2]! }));
}

/**
 * A new run that runs only the selected steps: the others are not run, and the outputs the selected
 * steps read of them are taken from an earlier run (`source`), never undone by this run. Refused
 * when a needed output is not recorded there (or no run is named).
 */
export function partialRun(plan: Plan, selection: StepSelection, source: RunState | undefined): CarriedRun | Refusal {
  const fromIndex = selection.from === undefined ? -1 : plan.steps.findIndex((s) => s.id === selection.from);
  const runs = (s: StepDecl, i: number) => (selection.only ? selection.only.includes(s.id) : i >= fromIndex);
  const skipped = plan.steps.filter((s, i) => !runs(s, i)).map((s) => s.id);
  const flag = selection.only ? `--only ${selection.only.join(' ')}` : `--from ${selection.from ?? ''}`;
  for (const [i, step] of plan.steps.entries()) {
    if (!runs(step, i)) continue;
    for (const need of outputsRead(step)) {
      if (!skipped.includes(need.step)) continue;
      const recorded = source?.recorded.get(need.step)?.outputs;
      if (recorded && need.output in recorded) continue;
      const reads = `step ${step.id} reads steps.${need.step}.outputs.${need.output}, and ${need.step} does not run (${flag})`;
      return source
        ? {
            ok: false,
            message: `${reads}; run ${source.start.runId} did not record that output (${need.step} did not finish there)`,
            hint: `name a run where ${need.step} finished with --outputs-from, or start at an earlier step`,
          }
        : {
            ok: false,
            message: `${reads}, so its output must come from an earlier run`,
            hint: `name a run where ${need.step} finished: --outputs-from RUN (see "runbook runs")`,
          };
    }
  }
  const taken = skipped.flatMap((id) => {
    const r = source?.recorded.get(id);
    return r ? [{ id, outputs: r.outputs, ...(r.env && { env: r.env }), failed: false, undoable: false }] : [];
  });
  return {
    mode: 'partial',
    startedAt: new Date().toISOString(),
    steps: taken,
    passed: skipped.filter((id) => !taken.some((t) => t.id === id)),
    skipReason: source ? `not run (${flag}); its outputs are those recorded by run ${source.start.runId}` : `not run (${flag})`,
  };
}
