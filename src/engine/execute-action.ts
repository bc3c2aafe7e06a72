import type { AnyStepKind, StepContext, StepResult } from '../steps/kind.js';
import type { JsonValue } from '../core/json.js';
import { checkedResult } from './checked-result.js';
import { formatDuration } from '../core/duration.js';

/** How one action runs: its limits and what it may use. */
export interface ExecuteOptions {
  readonly kind: AnyStepKind;
  readonly spec: Record<string, unknown>;
  /** Run the kind's built-in undo with this token instead of `run`. */
  readonly undoToken?: JsonValue;
  readonly timeoutMs?: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Builds the context for one attempt around that attempt's abort signal. */
  readonly context: (signal: AbortSignal) => StepContext;
  /** Aborted (reason 'interrupted') when the operator presses Ctrl-C. */
  readonly interrupt: AbortSignal;
  readonly onRetry: (attempt: number, error: string, delayMs: number) => void;
}

/** A kind that ignores its abort signal is given this long before the engine stops waiting. */
const abandonAfterMs = 10_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function attempt(options: ExecuteOptions): Promise<StepResult> {
  const timeout = new AbortController();
  const signal = AbortSignal.any([timeout.signal, options.interrupt]);
  const timer = options.timeoutMs !== undefined ? setTimeout(() => timeout.abort('timeout'), options.timeoutMs) : undefined;
  const ctx = options.context(signal);
  const work = (async (): Promise<StepResult> => {
    try {
      if (options.undoToken !== undefined) {
        if (!options.kind.undo) return { ok: false, message: `kind ${options.kind.kind} has no built-in undo` };
        return checkedResult(options.kind.kind, await options.kind.undo(options.undoToken, ctx));
      }
      return checkedResult(options.kind.kind, await options.kind.run(options.spec, ctx));
    } catch (e) {
      // Kinds return expected failures; a throw is a defect, still reported as this step's failure.
      return {
        ok: false,
        message: `internal error in the ${options.kind.kind} step: ${(e as Error).message}`,
        hint: 'this is a bug in runbook or in the step kind; the journal and report have the details',
      };
    }
  })();
  const abandoned = new Promise<StepResult>((resolve) => {
    signal.addEventListener(
      'abort',
      () =>
        setTimeout(
          () => resolve({ ok: false, message: 'the step did not stop when asked to; runbook stopped waiting for it' }),
          abandonAfterMs,
        ).unref(),
      { once: true },
    );
  });
  try {
    const result = await Promise.race([work, abandoned]);
    if (!result.ok && timeout.signal.aborted && options.timeoutMs !== undefined) {
      return { ...result, message: `timed out after ${formatDuration(options.timeoutMs)}: ${result.message}` };
    }
    return result;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Runs one action with its timeout and retries (doubling delay). Never throws. */
export async function executeAction(options: ExecuteOptions): Promise<StepResult> {
  let delay = options.retryDelayMs;
  for (let n = 0; ; n++) {
    const result = await attempt(options);
    if (result.ok || n >= options.retries || options.interrupt.aborted) return result;
    options.onRetry(n + 2, result.message, delay);
    await sleep(delay, options.interrupt);
    if (options.interrupt.aborted) return result;
    delay *= 2;
  }
}
