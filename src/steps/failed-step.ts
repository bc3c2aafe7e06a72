import type { Failure } from '../core/failure.js';
import { redactUrl } from '../db/connections.js';
import { failureOf } from '../db/failure.js';
import type { StepResult } from './kind.js';

/** Which work a step was doing, to say around a driver's bare sentence what stopped, and where to look. */
export interface StoppedWork {
  /** e.g. `the transfer from "source" to "target"`. */
  readonly work: string;
  readonly hint: string;
}

function isFailure(problem: unknown): problem is Failure {
  return typeof problem === 'object' && problem !== null && !(problem instanceof Error) && (problem as Failure).ok === false;
}

/**
 * An expected failure as a step result, masked: a failure value, a thrown Failed, or what the
 * database drivers and the file system throw. Anything else is a bug, thrown again.
 */
export function failedStep(
  problem: unknown,
  ctx: { mask(text: string): string },
  stopped?: StoppedWork,
): Extract<StepResult, { ok: false }> {
  const failure = isFailure(problem) ? problem : failureOf(problem);
  if (failure === undefined) throw problem;
  if (failure.bare === true && stopped !== undefined) {
    return { ok: false, message: ctx.mask(`${stopped.work} stopped: ${redactUrl(failure.message)}`), hint: ctx.mask(stopped.hint) };
  }
  const message = ctx.mask(failure.message);
  return failure.hint ? { ok: false, message, hint: ctx.mask(failure.hint) } : { ok: false, message };
}
