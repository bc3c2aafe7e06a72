import type { StepContext } from '../kind.js';

const SNIPPET_CHARS = 200;

/** The start of a response body for a message: masked, on one line, at most 200 characters. */
export function snippet(body: string, ctx: Pick<StepContext, 'mask'>): string {
  const flat = ctx.mask(body).replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

const FIRST_LINES = 5;

/** The first non-empty lines of a response body, masked, each cut at 200 characters: enough to see a traceback's start. */
export function firstLines(body: string, ctx: Pick<StepContext, 'mask'>): string[] {
  const lines = ctx
    .mask(body)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return ['(empty body)'];
  const shown = lines.slice(0, FIRST_LINES).map((l) => (l.length > SNIPPET_CHARS ? `${l.slice(0, SNIPPET_CHARS)}…` : l));
  return lines.length > FIRST_LINES ? [...shown, `… (${lines.length - FIRST_LINES} more lines)`] : shown;
}
