import type { LiveEvent, RunEvent, RunObserver } from '../engine/events.js';
import type { Masker } from '../core/mask.js';

type Field<T extends RunEvent['type']> = keyof Extract<RunEvent, { type: T }>;

/**
 * The fields of each event that name things (ids, kinds, times, states, counts, paths of the run):
 * kept as they are, so the journal still matches them to the plan. Every other field is masked
 * with every string inside it, so a field added later is masked until it is listed here; an
 * event type added later does not compile until it is.
 */
const names: { readonly [T in RunEvent['type']]: readonly Field<T>[] } = {
  'run-start': ['type', 'at', 'runId', 'runDir', 'cwd', 'options', 'plan', 'steps'],
  'step-start': ['type', 'at', 'step', 'index', 'kind', 'attempt'],
  'step-retry': ['type', 'at', 'step', 'attempt', 'delayMs'],
  'step-output': ['type', 'at', 'step'],
  'step-end': ['type', 'at', 'step', 'index', 'status', 'durationMs', 'continued', 'rollback'],
  'rollback-start': ['type', 'at', 'steps', 'nothingToUndo'],
  'rollback-step': ['type', 'at', 'step', 'actions', 'nothingToUndo'],
  'rollback-action-start': ['type', 'at', 'step', 'action', 'kind'],
  'rollback-action-end': ['type', 'at', 'step', 'action', 'status', 'durationMs'],
  'rollback-end': ['type', 'at', 'complete', 'failed'],
  interrupt: ['type', 'at', 'count', 'during', 'signal'],
  fault: ['type', 'at', 'during'],
  'earlier-run-cleaned': ['type', 'at', 'runId'],
  'lock-taken-over': ['type', 'at', 'host', 'pid', 'forced'],
  'run-continue': ['type', 'at', 'mode', 'host', 'pid', 'plan', 'planChanged'],
  'run-end': ['type', 'at', 'status', 'exitCode', 'durationMs', 'failedStep', 'finallyFailed', 'reportPath'],
};

/** An event as it may be shown and written: every secret the masker knows replaced. */
export function maskEvent(e: RunEvent, masker: Masker): RunEvent {
  const kept: readonly string[] = names[e.type];
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(e).map(([k, v]) => [k, kept.includes(k) ? v : masker.maskDeep(v)]),
  );
  // Titles inside the kept lists of names are what the plan's author wrote, and may hold a rendered secret.
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
