/**
 * The public API of runbook: load and check plans, describe them, run them, and add step kinds.
 * The CLI (src/cli/) is a client of exactly these functions.
 */
export type { Diagnostic } from './diagnostics/index.js';
export { formatText as formatDiagnostics } from './diagnostics/index.js';
export type { Plan, StepDecl, ActionDecl, VarDecl, ConnectionDecl } from './plan/model.js';
export { validatePlanFile as loadPlan, validatePlanFile as validatePlan, validatePlanText, planSchema } from './plan/validate.js';
export { resolveVars } from './plan/vars.js';
export { describePlan } from './engine/describe.js';
export type { PlanDescription, StepDescription, ActionDescription } from './engine/describe.js';
export type { RunEvent, LiveEvent, RunStatus } from './engine/events.js';
export { Interrupts } from './engine/interrupts.js';
export { startRun as runPlan } from './run/start-run.js';
export { readJournal } from './run/journal.js';
export { listRuns } from './run/list-runs.js';
export { continueRun } from './run/continue-run.js';
export type { Continuation } from './run/continue-run.js';
export { rebuildRun } from './run/run-state.js';
export type { RunState, RunPhase } from './run/run-state.js';
export { unlockWorkspace } from './run/unlock.js';
export { planLimits } from './plan/limits.js';
export { registerStepKind, getStepKind, allStepKinds } from './steps/index.js';
export { loadPlugins, type PluginRequest } from './plugins/load-plugins.js';
export { expandLoops } from './plan/expand-loops.js';
export { defineStepKind } from './steps/kind.js';
export type { StepKind, StepContext, StepResult, DescribeLine, CrashTrail } from './steps/kind.js';
export type { JsonValue } from './core/json.js';
export { Masker } from './core/mask.js';
export { PlainRenderer } from './ui/plain.js';
export { JsonRenderer } from './ui/json.js';
export { diffPlans } from './review/diff.js';
export { formatDiffText } from './review/diff-text.js';
export { formatDiffMarkdown } from './review/diff-markdown.js';
export { explainPlan } from './review/explain.js';
export { formatPlanText } from './review/fmt.js';
export type { PlanDiff, PlanChange, RiskNote } from './review/diff-model.js';
