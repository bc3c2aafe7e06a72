import type { RunEvent } from '../engine/events.js';
import type { JsonValue } from '../core/json.js';

type Ev<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/** A step that changed something and is not undone yet, as its journal lines recorded it. */
export interface RecordedStep {
  readonly id: string;
  readonly index: number;
  readonly kind: string;
  readonly outputs: { readonly [k: string]: JsonValue };
  /** Environment variables the step set (null: removed) for the steps after it. */
  readonly env?: { readonly [k: string]: string | null };
  readonly undo?: JsonValue;
  /** The step failed but left an undo token: only its own undo runs at rollback, not its actions. */
  readonly failed: boolean;
}

/** Where a run stands, in the words of `runbook runs`. */
export type RunPhase =
  | { readonly type: 'succeeded'; readonly resumed: boolean }
  | { readonly type: 'failed-rolled-back'; readonly step?: string }
  | { readonly type: 'failed-kept'; readonly step?: string }
  | { readonly type: 'rollback-incomplete'; readonly step?: string }
  | { readonly type: 'rolled-back-later' }
  | { readonly type: 'crashed'; readonly step?: string; readonly during: 'step' | 'between-steps' | 'rollback' };

/** A run rebuilt from its journal alone. */
export interface RunState {
  readonly start: Ev<'run-start'>;
  /** Steps whose changes are still in place, in the order they ran. */
  readonly finished: readonly RecordedStep[];
  /** The outputs every step recorded, whether undone since or not (for `exec --outputs-from`). */
  readonly recorded: ReadonlyMap<string, { readonly outputs: RecordedStep['outputs']; readonly env?: RecordedStep['env'] }>;
  /** Steps that were skipped (their `when` was false) or failed and were let go on. */
  readonly passed: readonly string[];
  /** The step that had started and has no end: the process died while it ran. */
  readonly running?: { readonly id: string; readonly index: number; readonly kind: string };
  /** Steps whose rollback completed, in the order they were undone. */
  readonly undone: readonly string[];
  /** A rollback had started and has no end. */
  readonly rollingBack: boolean;
  /** The last end of the run (each `resume` or `rollback` may add one). */
  readonly end?: Ev<'run-end'>;
  readonly continued: readonly Ev<'run-continue'>[];
  readonly phase: RunPhase;
}

/** A rollback step's actions as they ended; the step is undone when every one ended well. */
interface RollbackInProgress {
  readonly step: string;
  readonly actions: number;
  ended: number;
  ok: boolean;
}

/**
 * Rebuilds a run's state from its journal events (read with `readJournal`, which skips a torn
 * line). Later lines win: a step run again by `resume` replaces its earlier record.
 */
export function rebuildRun(events: readonly RunEvent[]): RunState | undefined {
  const start = events.find((e): e is Ev<'run-start'> => e.type === 'run-start');
  if (!start) return undefined;
  const finished = new Map<string, RecordedStep>();
  const passed = new Set<string>();
  const outputs = new Map<string, Ev<'step-output'>>();
  const undone: string[] = [];
  const continued: Ev<'run-continue'>[] = [];
  let running: RunState['running'];
  let rollback: RollbackInProgress | undefined;
  let rollingBack = false;
  let rollbackDisabled = false;
  let end: Ev<'run-end'> | undefined;
  const closeRollbackStep = () => {
    if (rollback?.ok && rollback.ended >= rollback.actions) {
      undone.push(rollback.step);
      finished.delete(rollback.step);
    }
    rollback = undefined;
  };
  for (const e of events) {
    switch (e.type) {
      case 'run-continue':
        continued.push(e);
        end = undefined;
        break;
      case 'step-start':
        running = { id: e.step, index: e.index, kind: e.kind };
        finished.delete(e.step);
        passed.delete(e.step);
        break;
      case 'step-output':
        outputs.set(e.step, e);
        break;
      case 'step-end': {
        running = undefined;
        const out = outputs.get(e.step);
        if (e.status === 'succeeded' || (e.status === 'failed' && e.undo !== undefined && !e.continued)) {
          const kind =
            events.find((s): s is Ev<'step-start'> => s.type === 'step-start' && s.step === e.step)?.kind ??
            start.steps[e.index]?.kind ??
            '';
          finished.set(e.step, {
            id: e.step,
            index: e.index,
            kind,
            outputs: out?.outputs ?? {},
            ...(out?.env && { env: out.env }),
            ...(e.undo !== undefined && { undo: e.undo }),
            failed: e.status === 'failed',
          });
        } else if (e.status === 'skipped' || e.continued) passed.add(e.step);
        break;
      }
      case 'rollback-start':
        rollingBack = true;
        rollbackDisabled = e.steps.length === 0 && e.reason.startsWith('rollback disabled');
        break;
      case 'rollback-step':
        closeRollbackStep();
        rollback = { step: e.step, actions: e.actions, ended: 0, ok: true };
        break;
      case 'rollback-action-end':
        if (rollback?.step === e.step) {
          rollback.ended++;
          // Kept on purpose (undo_when) or not needed (a false when) counts as dealt with; a stopped or failed action does not.
          if (e.status === 'failed' || (e.status === 'skipped' && (e.reason ?? '').startsWith('rollback stopped'))) rollback.ok = false;
        }
        break;
      case 'rollback-end':
        closeRollbackStep();
        rollingBack = false;
        break;
      case 'run-end':
        end = e;
        break;
      default:
        break;
    }
  }
  const recorded = new Map([...outputs].map(([id, o]) => [id, { outputs: o.outputs, ...(o.env && { env: o.env }) }]));
  const state = {
    start,
    finished: [...finished.values()].sort((a, b) => a.index - b.index),
    recorded,
    passed: [...passed],
    ...(running && { running }),
    undone,
    rollingBack,
    ...(end && { end }),
    continued,
  };
  return { ...state, phase: phaseOf(state, rollbackDisabled) };
}

function phaseOf(s: Omit<RunState, 'phase'>, rollbackDisabled: boolean): RunPhase {
  const step = s.end?.failedStep;
  const at = step !== undefined ? { step } : {};
  if (!s.end) {
    if (s.rollingBack) return { type: 'crashed', during: 'rollback' };
    if (s.running) return { type: 'crashed', step: s.running.id, during: 'step' };
    const last = s.finished.at(-1)?.id;
    return { type: 'crashed', ...(last !== undefined && { step: last }), during: 'between-steps' };
  }
  switch (s.end.status) {
    case 'succeeded':
      return { type: 'succeeded', resumed: s.continued.some((c) => c.mode === 'resume') };
    case 'rolled-back':
      return { type: 'rolled-back-later' };
    case 'failed-rolled-back':
    case 'interrupted':
      return { type: 'failed-rolled-back', ...at };
    default:
      return rollbackDisabled && s.continued.every((c) => c.mode !== 'rollback')
        ? { type: 'failed-kept', ...at }
        : { type: 'rollback-incomplete', ...at };
  }
}

/** How `runbook runs` names a phase. */
export function describePhase(p: RunPhase): string {
  switch (p.type) {
    case 'succeeded':
      return p.resumed ? 'succeeded (resumed)' : 'succeeded';
    case 'failed-rolled-back':
      return `failed${p.step ? ` at ${p.step}` : ''}, rolled back`;
    case 'failed-kept':
      return `failed${p.step ? ` at ${p.step}` : ''}, kept (--no-rollback)`;
    case 'rollback-incomplete':
      return `failed${p.step ? ` at ${p.step}` : ''}, rollback INCOMPLETE`;
    case 'rolled-back-later':
      return 'rolled back later';
    case 'crashed':
      return p.during === 'rollback'
        ? 'crashed during its rollback'
        : p.during === 'step'
          ? `crashed at ${p.step}`
          : `crashed after ${p.step ?? 'starting'}`;
  }
}

/** What an operator can do next with a run, if anything: the commands that apply to its phase. */
export function nextSteps(runId: string, p: RunPhase): string | undefined {
  switch (p.type) {
    case 'crashed':
      return p.during === 'rollback'
        ? `finish its rollback: runbook rollback ${runId}`
        : `continue it: runbook resume ${runId} · or undo what it did: runbook rollback ${runId}`;
    case 'failed-kept':
    case 'rollback-incomplete':
      return `undo what is still changed: runbook rollback ${runId}`;
    default:
      return undefined;
  }
}
