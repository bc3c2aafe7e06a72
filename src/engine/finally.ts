import type { StepDecl } from '../plan/model.js';

/** How the finally steps are run: the engine's own step runner, and what stops them. */
export interface FinallyInput {
  readonly steps: readonly StepDecl[];
  /** Index of the first finally step in the run (they come after the plan's steps). */
  readonly firstIndex: number;
  /** Aborted by a second signal: the finally steps not yet started are skipped. */
  readonly stopped: AbortSignal;
  /** Runs one step as any other (journaled); false when it failed. */
  run(index: number, step: StepDecl): Promise<boolean>;
  /** Journals a step that will not run. */
  skip(index: number, step: StepDecl, reason: string): void;
}

/**
 * Runs every finally step in order, whatever happened before: one failing does not stop the
 * next (cleanups are independent), only a second signal does. Returns the ids that failed.
 */
export async function runFinally(input: FinallyInput): Promise<string[]> {
  const failed: string[] = [];
  for (const [j, step] of input.steps.entries()) {
    const index = input.firstIndex + j;
    if (input.stopped.aborted) {
      input.skip(index, step, 'not run: a second signal stopped the run');
      continue;
    }
    if (!(await input.run(index, step))) failed.push(step.id);
  }
  return failed;
}
