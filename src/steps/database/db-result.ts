import type { DbFailure } from '../../db/failure.js';
import type { StepContext, StepResult } from '../kind.js';
import { stoppedResult } from '../process/stopped.js';

/** A database failure as a step result, masked; an abort reads like every other stopped step. */
export function dbFailureResult(failure: DbFailure, ctx: StepContext): Extract<StepResult, { ok: false }> {
  if (failure.phase === 'cancelled') return stoppedResult(ctx.signal, 'the running statement was cancelled');
  const message = ctx.mask(failure.message);
  return failure.hint === undefined ? { ok: false, message } : { ok: false, message, hint: ctx.mask(failure.hint) };
}
