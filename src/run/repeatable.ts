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
      return step.spec.write === true
        ? { ok: false, why: 'it writes (write: true), and its write may have been done already' }
        : { ok: true };
    case 'http-smoke':
      if (step.rollback.length > 0)
        return { ok: false, why: 'it declares rollback actions, so its requests change something that may have been changed already' };
      return sendsChanges(step.spec)
        ? { ok: false, why: 'it sends DELETE, PUT or PATCH requests, which may have been done already' }
        : { ok: true };
    case 'shell':
      return step.spec.idempotent === true
        ? { ok: true }
        : {
            ok: false,
            why: 'a shell command may have done part of its work; mark it `idempotent: true` in the plan when running it again does no harm',
          };
    case 'env-switch':
      return { ok: false, why: 'the file may be rewritten already, and run again the step would keep the new file as the original' };
    default:
      return { ok: false, why: `kind ${step.kind} does not say that running it twice is safe` };
  }
}

/** Whether an http-smoke step sends a request that changes a resource by its method. */
function sendsChanges(spec: Readonly<Record<string, unknown>>): boolean {
  const requests = Array.isArray(spec.requests) ? (spec.requests as unknown[]) : [];
  return requests.some(
    (r) => typeof r === 'object' && r !== null && /^(DELETE|PUT|PATCH)$/i.test(String((r as { method?: unknown }).method ?? '')),
  );
}
