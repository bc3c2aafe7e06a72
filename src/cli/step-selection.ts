import type { CarriedRun } from '../engine/carry-over.js';
import type { Plan } from '../plan/model.js';
import { readRunState } from '../run/list-runs.js';
import { partialRun } from '../run/partial-run.js';
import { findRun } from './find-run.js';
import type { CliIO } from './io.js';

/** The options of `exec` that run part of a plan. */
export interface SelectionOptions {
  readonly from?: string;
  readonly only?: readonly string[];
  readonly outputsFrom?: string;
}

/**
 * What `exec --from STEP` / `--only STEP...` (with `--outputs-from RUN`) carries into the run;
 * undefined for a whole run, 'refused' after saying why on stderr.
 * `plan` has its loops expanded, so a copy (`each[1]`) can be named, and the loop's id names every copy.
 */
export function stepSelection(io: CliIO, plan: Plan, opts: SelectionOptions): CarriedRun | undefined | 'refused' {
  if (opts.from === undefined && opts.only === undefined) {
    if (opts.outputsFrom === undefined) return undefined;
    io.stderr.write(
      'runbook: --outputs-from needs --from STEP or --only STEP...\n  hint: e.g. runbook exec PLAN --from transfer --outputs-from last\n',
    );
    return 'refused';
  }
  const ids = plan.steps.map((s) => s.id);
  // A looped step's own id names all its copies (`each` → `each[0]`, `each[1]`...).
  const named = (id: string) => plan.steps.filter((s) => s.id === id || s.item?.of === id).map((s) => s.id);
  const unknown = [...(opts.from !== undefined ? [opts.from] : []), ...(opts.only ?? [])].filter((id) => named(id).length === 0);
  if (opts.from !== undefined && opts.only !== undefined) {
    io.stderr.write(
      'runbook: --from and --only do not go together\n  hint: --from STEP runs that step and every one after it; --only STEP... runs just those\n',
    );
    return 'refused';
  }
  if (unknown.length > 0) {
    io.stderr.write(
      `runbook: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a step' : 'are not steps'} of ${plan.file}\n  hint: steps: ${ids.join(', ')}\n`,
    );
    return 'refused';
  }
  let source;
  if (opts.outputsFrom !== undefined) {
    const run = findRun(io, opts.outputsFrom);
    source = run && readRunState(run.dir);
    if (!source) return 'refused';
  }
  const selection = opts.only !== undefined ? { only: opts.only.flatMap(named) } : { from: named(opts.from!)[0]! };
  const carried = partialRun(plan, selection, source);
  if ('ok' in carried) {
    io.stderr.write(`runbook: ${carried.message}\n  hint: ${carried.hint}\n`);
    return 'refused';
  }
  return carried;
}
