import { listRuns, type RunSummary } from './list-runs.js';
import type { Refusal } from './continue-checks.js';

/**
 * Why a new run of a plan must not start: an earlier run of the same plan in this directory
 * crashed (no end in its journal), so what it changed is still half done. It is named, with the
 * two ways out.
 */
export function unfinishedRefusal(cwd: string, planName: string): Refusal | undefined {
  const crashed = listRuns(cwd).find((r: RunSummary) => r.plan === planName && r.status === 'running or crashed' && r.state !== 'running');
  if (!crashed) return undefined;
  return {
    ok: false,
    message: `run ${crashed.id} of plan ${planName} ${crashed.state} and never finished; what it changed is still in place, so a new run does not start`,
    hint: crashed.state.includes('rollback')
      ? `finish its rollback with "runbook rollback ${crashed.id}"`
      : `continue it with "runbook resume ${crashed.id}", or undo what it did with "runbook rollback ${crashed.id}"`,
  };
}
