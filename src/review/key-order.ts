import type { StepKindRegistry } from '../steps/kind.js';

/** Top-level keys of a plan in the order `fmt` writes them. */
export const planKeyOrder = [
  'version',
  'name',
  'title',
  'description',
  'plugins',
  'vars',
  'connections',
  'locks',
  'steps',
  'finally',
] as const;

/** Keys of a var in the order `fmt` writes them: what it is, where it comes from, how it is treated, what it means. */
export const varKeyOrder = ['type', 'default', 'choices', 'pattern', 'env', 'fallback_env', 'secret', 'required', 'description'] as const;

const stepHead = ['id', 'kind', 'for_each', 'title', 'description', 'when', 'timeout', 'retries', 'retry_delay', 'continue_on_error'];

/** Keys of a step (or, with `rollback: false`, a rollback action) of a kind, in canonical order. */
export function stepKeyOrder(kind: string, withRollback: boolean, kinds: StepKindRegistry): string[] {
  const own = Object.keys(kinds.get(kind)?.schema.properties ?? {});
  return [...stepHead, ...own, ...(withRollback ? ['undo_when', 'rollback'] : [])];
}
