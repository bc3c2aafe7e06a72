import type { LiveEvent, RunEvent, RunObserver } from '../engine/events.js';
import type { Masker } from '../core/mask.js';

type Field<T extends RunEvent['type']> = keyof Extract<RunEvent, { type: T }>;

/**
 * The fields of each event that carry what a run read, rendered or was told: masked, with every
 * string inside them. The rest name things (ids, kinds, times, states) and stay as they are, so
 * the journal still matches them to the plan.
 */
const said: { readonly [T in RunEvent['type']]?: readonly Field<T>[] } = {
  'run-start': ['vars'],
  'step-start': ['title', 'inputs'],
  'step-retry': ['error'],
  'step-output': ['outputs', 'env'],
  'step-end': ['error', 'hint', 'reason', 'note', 'warnings', 'undo'],
  'rollback-start': ['reason'],
  'rollback-action-start': ['title', 'inputs'],
  'rollback-action-end': ['title', 'error', 'hint', 'reason', 'note', 'warnings'],
  'rollback-end': ['byHand'],
  fault: ['message'],
};

/** An event as it may be shown and written: every secret the masker knows replaced. */
export function maskEvent(e: RunEvent, masker: Masker): RunEvent {
  const out: Record<string, unknown> = { ...e };
  for (const k of said[e.type] ?? []) if (out[k as string] !== undefined) out[k as string] = masker.maskDeep(out[k as string]);
  const title = <T extends { readonly title?: string }>(x: T): T => (x.title === undefined ? x : { ...x, title: masker.mask(x.title) });
  if (e.type === 'run-start') {
    out['plan'] = title(e.plan);
    out['steps'] = e.steps.map(title);
  }
  if (e.type === 'step-end') out['rollback'] = e.rollback.map((a) => title({ ...a, inputs: masker.maskDeep(a.inputs) }));
  return out as RunEvent;
}

/** A live event as it may be shown. */
export function maskLive(e: LiveEvent, masker: Masker): LiveEvent {
  if (e.type === 'step-line') return { ...e, line: masker.mask(e.line) };
  return e.label === undefined ? e : { ...e, label: masker.mask(e.label) };
}

/**
 * Masking in one place: wraps the consumers of a run's events (the journal, the renderers), so
 * every event is masked once on its way out and the engine emits values as they are.
 */
export function maskingObserver(masker: Masker, inner: RunObserver): RunObserver {
  return {
    event: (e) => inner.event(maskEvent(e, masker)),
    live: (e) => inner.live(maskLive(e, masker)),
  };
}
