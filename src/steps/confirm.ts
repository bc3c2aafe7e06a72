import { defineStepKind, type StepResult } from './kind.js';
import { stoppedResult } from './process/stopped.js';

/** The fields of a `confirm` step, rendered. */
export interface ConfirmSpec {
  readonly message: string;
}

/** Resolves when the signal fires, so a question never outlives the step's timeout or Ctrl-C. */
function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

/** A human gate: asks the operator on the terminal, passes with --yes, and never waits without a terminal. */
export const confirm = defineStepKind<ConfirmSpec>({
  kind: 'confirm',
  summary: 'Asks the operator to confirm before the run goes on; --yes confirms in advance.',
  schema: {
    properties: {
      message: {
        type: 'string',
        minLength: 1,
        description: 'The question for the operator, e.g. "Writes to the app are stopped?"; the answer is no unless they say yes.',
      },
    },
    required: ['message'],
  },
  outputs: () => ['confirmed', 'by'],
  describe: (spec, ctx) => [{ label: 'ask', text: ctx.mask(spec.message) }],
  async run(spec, ctx): Promise<StepResult> {
    if (ctx.assumeYes) return { ok: true, outputs: { confirmed: true, by: 'yes-flag' } };
    const message = ctx.mask(spec.message);
    if (!ctx.ask) {
      return {
        ok: false,
        message: `needs a human to confirm "${message}", but there is no terminal to ask on`,
        hint: 'run on a terminal, or pass --yes to confirm every gate in advance',
      };
    }
    if (ctx.signal.aborted) return stoppedResult(ctx.signal);
    const answer = await Promise.race([ctx.ask(message), aborted(ctx.signal)]);
    if (answer === 'aborted') return stoppedResult(ctx.signal);
    if (!answer) return { ok: false, message: `the operator answered no to: ${message}`, outputs: { confirmed: false, by: 'operator' } };
    return { ok: true, outputs: { confirmed: true, by: 'operator' } };
  },
});
