import type { JsonValue } from '../core/json.js';
import type { StopSignal } from './interrupts.js';

/**
 * Final state of a run, as the exit code and report tell it. `interrupted` means the rollback after
 * the signal completed; `interrupted-rollback-incomplete` that it was stopped, failed or disabled.
 */
export type RunStatus =
  | 'succeeded'
  | 'failed-rolled-back'
  | 'failed-rollback-incomplete'
  | 'failed-not-rolled-back'
  | 'interrupted'
  | 'interrupted-rollback-incomplete'
  | RolledBackLater;

/** The end of `runbook rollback RUN`: every finished step undone, or not all of them. */
export type RolledBackLater = 'rolled-back' | 'rollback-incomplete';

/** A rollback action as recorded: rendered (secrets masked) so a reader sees exactly what undoes a step. */
export interface RecordedAction {
  readonly kind: string;
  readonly title?: string;
  readonly inputs: { readonly [k: string]: unknown };
}

/**
 * Everything that happens in a run, in order. Each event is one journal line, written and flushed
 * before any renderer hears of it, so the journal is the run's source of truth.
 */
export type RunEvent =
  | {
      readonly type: 'run-start';
      readonly at: string;
      readonly runId: string;
      readonly runDir: string;
      readonly plan: { readonly name: string; readonly file: string; readonly sha256: string; readonly title?: string };
      readonly vars: { readonly [k: string]: JsonValue };
      readonly steps: readonly { readonly id: string; readonly kind: string; readonly title?: string; readonly finally?: boolean }[];
      readonly cwd: string;
      readonly options: { readonly yes: boolean; readonly rollback: boolean; readonly failAt?: string };
    }
  | {
      readonly type: 'step-start';
      readonly at: string;
      readonly step: string;
      readonly index: number;
      readonly kind: string;
      readonly title?: string;
      readonly attempt: number;
      readonly inputs: { readonly [k: string]: unknown };
    }
  | {
      readonly type: 'step-retry';
      readonly at: string;
      readonly step: string;
      readonly attempt: number;
      readonly error: string;
      readonly delayMs: number;
    }
  | {
      readonly type: 'step-output';
      readonly at: string;
      readonly step: string;
      readonly outputs: { readonly [k: string]: JsonValue };
      readonly env?: { readonly [k: string]: string | null };
    }
  | {
      readonly type: 'step-end';
      readonly at: string;
      readonly step: string;
      readonly index: number;
      readonly status: 'succeeded' | 'failed' | 'skipped';
      readonly durationMs: number;
      readonly error?: string;
      readonly hint?: string;
      readonly reason?: string;
      readonly note?: string;
      readonly continued?: boolean;
      readonly warnings?: readonly string[];
      readonly undo?: JsonValue;
      readonly rollback: readonly RecordedAction[];
      readonly builtInUndo?: string;
    }
  /** `steps`: every finished step, newest first; `nothingToUndo`: those of them that declare no rollback and have no built-in undo. */
  | {
      readonly type: 'rollback-start';
      readonly at: string;
      readonly reason: string;
      readonly steps: readonly string[];
      readonly nothingToUndo?: readonly string[];
    }
  | {
      readonly type: 'rollback-step';
      readonly at: string;
      readonly step: string;
      readonly actions: number;
      readonly nothingToUndo: boolean;
    }
  | {
      readonly type: 'rollback-action-start';
      readonly at: string;
      readonly step: string;
      readonly action: number;
      readonly kind: string;
      readonly title: string;
      readonly inputs: { readonly [k: string]: unknown };
    }
  | {
      readonly type: 'rollback-action-end';
      readonly at: string;
      readonly step: string;
      readonly action: number;
      readonly title: string;
      readonly status: 'succeeded' | 'failed' | 'skipped';
      readonly durationMs: number;
      readonly error?: string;
      readonly hint?: string;
      readonly reason?: string;
      readonly note?: string;
      readonly warnings?: readonly string[];
    }
  | {
      readonly type: 'rollback-end';
      readonly at: string;
      readonly complete: boolean;
      readonly failed: readonly string[];
      readonly byHand?: readonly string[];
    }
  | { readonly type: 'interrupt'; readonly at: string; readonly count: number; readonly during: string; readonly signal: StopSignal }
  | { readonly type: 'fault'; readonly at: string; readonly message: string; readonly during: string }
  /** Before this run: what an earlier run that died had left (processes ended, temp files removed). */
  | { readonly type: 'earlier-run-cleaned'; readonly at: string; readonly runId: string; readonly done: readonly string[] }
  /** `runbook unlock` took this run's lock over after it died (written by that command, not by the run). */
  | {
      readonly type: 'lock-taken-over';
      readonly at: string;
      readonly host: string;
      readonly pid: number;
      readonly lock: string;
      readonly holderWas: string;
      readonly forced: boolean;
    }
  /** A later process carries on this run from its journal: `runbook resume` or `runbook rollback`. */
  | {
      readonly type: 'run-continue';
      readonly at: string;
      readonly mode: 'resume' | 'rollback';
      readonly host: string;
      readonly pid: number;
      readonly plan: { readonly file: string; readonly sha256: string };
      readonly planChanged: boolean;
    }
  | {
      readonly type: 'run-end';
      readonly at: string;
      readonly status: RunStatus;
      readonly exitCode: number;
      readonly durationMs: number;
      readonly failedStep?: string;
      readonly finallyFailed?: readonly string[];
      readonly reportPath: string;
    };

/** Live, unjournaled signals for the screen only: the latest output line or progress of a step. */
export type LiveEvent =
  | { readonly type: 'step-line'; readonly step: string; readonly line: string }
  | {
      readonly type: 'step-progress';
      readonly step: string;
      readonly label?: string;
      readonly done: number;
      readonly total?: number;
      readonly unit?: string;
    };

/** Receives a run's events (journal first, then renderers). */
export interface RunObserver {
  event(e: RunEvent): void;
  live(e: LiveEvent): void;
}
