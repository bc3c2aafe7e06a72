import type { StepDecl } from '../plan/model.js';
import { showValue } from './flatten.js';

/** A step's `for_each` as a reviewer reads it: the list with its length, or the list var it walks. */
export function loopShown(step: StepDecl): string | undefined {
  const loop = step.forEach;
  if (loop === undefined) return undefined;
  if ('var' in loop) return `vars.${loop.var}`;
  return `[${loop.items.map(showValue).join(', ')}] (${loop.items.length} item${loop.items.length === 1 ? '' : 's'})`;
}
