import type { StepContext } from '../kind.js';

const SNIPPET_CHARS = 200;

/** The start of a response body for a message: masked, on one line, at most 200 characters. */
export function snippet(body: string, ctx: Pick<StepContext, 'mask'>): string {
  const flat = ctx.mask(body).replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}
