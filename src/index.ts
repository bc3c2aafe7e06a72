/**
 * The public API of runbook: load and check plans, describe them, run them, and add step kinds.
 * The CLI (src/cli/) is a client of the same functions; it passes its own registry of step kinds,
 * and a library user may too — without one, the functions here use the default registry that
 * `registerStepKind` adds to.
 */
import type { Diagnostic } from './diagnostics/index.js';
import { describePlan as describeWith, type DescribeOptions, type PlanDescription } from './engine/describe.js';
import type { RunOptions } from './engine/run-plan.js';
import type { Plan } from './plan/model.js';
import {
  planSchema as schemaOf,
  validatePlanFile as validateFile,
  validatePlanText as validateText,
  type ValidatedPlan,
} from './plan/validate.js';
import { loadPlugins as loadPluginsInto, type PluginRequest } from './plugins/load-plugins.js';
import { diffPlans as diffWith } from './review/diff.js';
import type { PlanDiff } from './review/diff-model.js';
import { explainPlan as explainWith } from './review/explain.js';
import { formatPlanText as formatWith, type FormatResult } from './review/fmt.js';
import type { Refusal } from './run/continue-checks.js';
import { continueRun as continueWith, type Continuation } from './run/continue-run.js';
import type { RunState } from './run/run-state.js';
import { startRun as startWith, type Notice, type StartedRun } from './run/start-run.js';
import { createStepKindRegistry } from './steps/index.js';
import type { AnyStepKind, StepKindRegistry } from './steps/kind.js';
import type { SchemaObject } from './core/json.js';
import type { RunRenderer } from './ui/renderer.js';

/** Options with the registry of step kinds left optional: the default one is used without it. */
type WithKinds<T extends { readonly kinds: StepKindRegistry }> = Omit<T, 'kinds'> & { readonly kinds?: StepKindRegistry };

/** The step kinds the functions here use when none is passed: the built-ins and what `registerStepKind` added. */
const defaultKinds = createStepKindRegistry();

/** Adds a step kind to the default registry; a malformed kind is refused with a message saying what is wrong. */
export function registerStepKind(kind: AnyStepKind): void {
  defaultKinds.register(kind);
}

/** The kind of the default registry registered under a name, if any. */
export function getStepKind(name: string): AnyStepKind | undefined {
  return defaultKinds.get(name);
}

/** Every kind of the default registry, built-in first. */
export function allStepKinds(): readonly AnyStepKind[] {
  return defaultKinds.all();
}

export { createStepKindRegistry };
export type { StepKindRegistry };

/** Reads a plan file and reports everything wrong with it, before anything runs. */
export function validatePlanFile(file: string, kinds: StepKindRegistry = defaultKinds): ValidatedPlan {
  return validateFile(file, kinds);
}

/** Validates plan text already in memory (stdin, a git revision). */
export function validatePlanText(file: string, text: string, kinds: StepKindRegistry = defaultKinds): ValidatedPlan {
  return validateText(file, text, kinds);
}

/** The plan JSON Schema for the kinds of a registry. */
export function planSchema(kinds: StepKindRegistry = defaultKinds): SchemaObject {
  return schemaOf(kinds);
}

/** Renders what each step would do without running anything (a dry run); secrets masked. */
export function describePlan(plan: Plan, options: WithKinds<DescribeOptions>): PlanDescription {
  return describeWith(plan, { ...options, kinds: options.kinds ?? defaultKinds });
}

/** Runs a validated plan in a new run directory (journal, locks, report); on failure undoes finished steps newest first. */
export function startRun(plan: Plan, options: WithKinds<RunOptions>, renderer: RunRenderer, notice?: Notice): Promise<StartedRun> {
  return startWith(plan, { ...options, kinds: options.kinds ?? defaultKinds }, renderer, notice);
}

/** Takes a recorded run on again (`resume` goes on with its steps, `rollback` undoes them), unless `check` refuses it. */
export function continueRun(
  c: Continuation,
  options: WithKinds<RunOptions>,
  renderer: RunRenderer,
  notice: Notice,
  check: (state: RunState) => Refusal | undefined,
): Promise<StartedRun> {
  return continueWith(c, { ...options, kinds: options.kinds ?? defaultKinds }, renderer, notice, check);
}

/** Compares two plans by meaning, with risk notes; either may be missing (a plan added or deleted). */
export function diffPlans(
  before: Plan | undefined,
  after: Plan | undefined,
  labels: { readonly old: string; readonly new: string },
  kinds: StepKindRegistry = defaultKinds,
): PlanDiff {
  return diffWith(before, after, labels, kinds);
}

/** A plan as a markdown document for reviewers. */
export function explainPlan(plan: Plan, file: string, kinds: StepKindRegistry = defaultKinds): string {
  return explainWith(plan, file, kinds);
}

/** Rewrites plan text in the canonical style, keeping every comment; a problem when it does not parse. */
export function formatPlanText(text: string, kinds: StepKindRegistry = defaultKinds): FormatResult {
  return formatWith(text, kinds);
}

/** Loads plug-in modules into a registry (the default one without it); every finding, positioned. */
export function loadPlugins(requests: readonly PluginRequest[], kinds: StepKindRegistry = defaultKinds): Promise<Diagnostic[]> {
  return loadPluginsInto(requests, kinds);
}

export type { Diagnostic, PluginRequest, Continuation, StartedRun, Notice, PlanDescription, RunOptions };
/** Diagnostics as text lines: `file:line:col: error RB203 message [rule]`, the source line and a hint. */
export { formatText as formatDiagnostics } from './diagnostics/index.js';
export type { Plan, StepDecl, ActionDecl, VarDecl, ConnectionDecl } from './plan/model.js';
/** A plan's var values from --var style strings, var files and the environment, with findings. */
export { resolveVars } from './plan/vars.js';
export type { StepDescription, ActionDescription } from './engine/describe.js';
export type { RunEvent, LiveEvent, RunStatus } from './engine/events.js';
/** Signals and faults as a run sees them (SIGINT, SIGTERM, SIGHUP). */
export { Interrupts } from './engine/interrupts.js';
/** The events of a run's journal, read back. */
export { readJournal } from './run/journal.js';
/** The runs of a workspace, newest first. */
export { listRuns } from './run/list-runs.js';
/** The state of a run rebuilt from its journal. */
export { rebuildRun } from './run/run-state.js';
export type { RunState, RunPhase } from './run/run-state.js';
/** Takes over the workspace lock of a run that died. */
export { unlockWorkspace } from './run/unlock.js';
/** The limits a plan is checked against. */
export { planLimits } from './plan/limits.js';
/** Expands `for_each:` steps into one step per item. */
export { expandLoops } from './plan/expand-loops.js';
/** Types a step kind object for `registerStepKind`. */
export { defineStepKind } from './steps/kind.js';
export type { StepKind, StepContext, StepResult, DescribeLine, CrashTrail } from './steps/kind.js';
export type { JsonValue } from './core/json.js';
/** Hides secret values (and URL passwords) in text. */
export { Masker } from './core/mask.js';
/** Timestamped lines for logs and CI. */
export { PlainRenderer } from './ui/plain.js';
/** One JSON line per event (`--json`). */
export { JsonRenderer } from './ui/json.js';
/** A plan diff as terminal text. */
export { formatDiffText } from './review/diff-text.js';
/** A plan diff as markdown, for a pull request. */
export { formatDiffMarkdown } from './review/diff-markdown.js';
export type { PlanDiff, PlanChange, RiskNote } from './review/diff-model.js';
