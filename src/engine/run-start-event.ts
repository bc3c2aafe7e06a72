import type { Plan } from '../plan/model.js';
import type { RunEvent } from './events.js';
import type { RunFiles, RunOptions } from './run-plan.js';

/** The first event of a run: the plan, its var values (a secret one as ****), its steps and how it was started. */
export function runStartEvent(plan: Plan, files: RunFiles, options: RunOptions, secretVars: ReadonlySet<string>): RunEvent {
  return {
    type: 'run-start',
    at: new Date().toISOString(),
    runId: files.id,
    runDir: files.dir,
    plan: { name: plan.name, file: plan.file, sha256: files.planSha256, ...(plan.title && { title: plan.title }) },
    // Hidden by name too: a secret too short for the masker must not be printed.
    vars: Object.fromEntries(Object.entries(options.vars).map(([k, v]) => [k, secretVars.has(k) ? '****' : String(v)])),
    steps: [
      ...plan.steps.map((s) => ({ id: s.id, kind: s.kind, ...(s.title !== undefined && { title: s.title }) })),
      ...plan.finally.map((s) => ({ id: s.id, kind: s.kind, ...(s.title !== undefined && { title: s.title }), finally: true })),
    ],
    cwd: options.cwd,
    options: { yes: options.yes, rollback: options.rollback, ...(options.failAt && { failAt: options.failAt }) },
  };
}
