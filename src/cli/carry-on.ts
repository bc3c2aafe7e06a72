import type { Plan } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import { expandLoops } from '../plan/expand-loops.js';
import { Interrupts } from '../engine/interrupts.js';
import type { Refusal } from '../run/continue-checks.js';
import { continueRun } from '../run/continue-run.js';
import { readRunState } from '../run/list-runs.js';
import type { RunState } from '../run/run-state.js';
import { terminalAsk } from './ask.js';
import { chooseRenderer } from './commands/exec.js';
import { findRun } from './find-run.js';
import { exitCodes, type CliIO } from './io.js';
import { recordedPlan } from './recorded-plan.js';
import { reportOutcome } from './run-outcome.js';

/** Options `resume` and `rollback` share. */
export interface CarryOnOptions {
  readonly allowChangedPlan?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
}

/** How a command takes a recorded run on: its mode, when it refuses, and what it tells first. */
export interface CarryOn {
  readonly mode: 'resume' | 'rollback';
  /** Checked before the plan is loaded (without it) and again with it. */
  refusal(state: RunState, plan?: Plan): Refusal | undefined;
  /** A note for stderr before it starts, if any. */
  caveat?(state: RunState, kinds: StepKindRegistry): string | undefined;
}

/** Finds the run, checks it may be carried on, loads its plan and vars as recorded, and runs; returns the exit code. */
export async function carryOn(io: CliIO, kinds: StepKindRegistry, wanted: string, opts: CarryOnOptions, how: CarryOn): Promise<number> {
  const run = findRun(io, wanted);
  const state = run && readRunState(run.dir);
  if (!run || !state) return exitCodes.invalid;
  const early = how.refusal(state);
  if (early) return reportOutcome(io, early);
  const recorded = await recordedPlan(io, kinds, run.dir, state, opts.allowChangedPlan === true);
  if (!recorded) return exitCodes.invalid;
  const { prepared } = recorded;
  // The journal names loop copies (`each[1]`), so the checks see the plan as it runs.
  const expanded = expandLoops(prepared.plan, prepared.vars);
  const refusal = (s: RunState) => how.refusal(s, expanded);
  const refused = refusal(state);
  if (refused) return reportOutcome(io, refused);
  const caveat = how.caveat?.(state, kinds);
  if (caveat) io.stderr.write(`runbook: ${caveat}\n`);
  const interactive = io.stdin?.isTTY === true;
  const renderer = await chooseRenderer(io, opts.json === true, interactive && opts.yes !== true);
  const result = await continueRun(
    {
      mode: how.mode,
      runId: run.id,
      plan: prepared.plan,
      planSha256: recorded.sha256,
      ...(state.running && { rerun: [state.running.id] }),
    },
    {
      cwd: io.cwd,
      env: io.env,
      vars: prepared.vars,
      masker: prepared.masker,
      kinds,
      yes: opts.yes === true,
      rollback: true,
      interrupts: io.interrupts ?? new Interrupts(),
      ...(interactive && io.stdin && { ask: terminalAsk(io.stdin, io.stderr) }),
    },
    renderer,
    (text) => io.stderr.write(text),
    refusal,
  );
  return reportOutcome(io, result);
}
