import { stoppedMessage } from '../../core/failure.js';
import type { StepResult } from '../kind.js';

/**
 * The failure a step reports when the engine aborted its signal: the engine sets the reason to
 * 'timeout' when the step's timeout expired and to 'interrupted' on Ctrl-C.
 */
export function stoppedResult(signal: AbortSignal, hint?: string): Extract<StepResult, { ok: false }> {
  const message = stoppedMessage(signal);
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}
