import type { StepDecl } from '../plan/model.js';

/** Whether a step that was running when its run died may run again on `resume`, or why not. */
export type Repeatable = { readonly ok: true } | { readonly ok: false; readonly why: string };

/**
 * What each kind says about running a step twice. Checks only read; a backup makes a new copy (the
 * dead run's temp file is removed as its leftover); the transfer keeps per-table state in
 * PostgreSQL and goes on where it stopped. A shell command is repeatable only when the plan says so.
 */
export function repeatable(step: StepDecl): Repeatable {
  switch (step.kind) {
    case 'sqlite-to-pg':
    case 'sqlite-backup':
    case 'count-compare':
    case 'note':
    case 'confirm':
      return { ok: true };
    case 'sql-check':
      return step.spec.write === true ? { ok: false, why: 'it writes (write: true), and its write may have been done already' } : { ok: true };
    case 'http-smoke':
      return step.rollback.length === 0 ? { ok: true } : { ok: false, why: 'it declares rollback actions, so its requests change something that may have been changed already' };
    case 'shell':
      return step.spec.idempotent === true ? { ok: true } : { ok: false, why: 'a shell command may have done part of its work; mark it `idempotent: true` in the plan when running it again does no harm' };
    case 'env-switch':
      return { ok: false, why: 'the file may be rewritten already, and run again the step would keep the new file as the original' };
    default:
      return { ok: false, why: `kind ${step.kind} does not say that running it twice is safe` };
  }
}
