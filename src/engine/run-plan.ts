import { expandLoops } from '../plan/expand-loops.js';
import type { ActionDecl, Plan, StepDecl, VarValue } from '../plan/model.js';
import type { AnyStepKind, CrashTrail, StepKindRegistry, StepResult } from '../steps/kind.js';
import type { JsonValue } from '../core/json.js';
import { TemplateError, TemplateRenderer, type TemplateScope } from '../template/render.js';
import type { Masker } from '../core/mask.js';
import { parseDuration } from '../core/duration.js';
import type { LiveEvent, RecordedAction, RunEvent, RunObserver, RunStatus } from './events.js';
import { checkCondition, type ConditionOutcome } from './conditions.js';
import { executeAction } from './execute-action.js';
import { runFinally } from './finally.js';
import { fragmentScope } from './fragment-scope.js';
import { typedSpec } from './typed-fields.js';
import type { Interrupts, Stop, StopSignal } from './interrupts.js';
import { exitCode, nothingUndone, undoByHand, type NotUndone } from './outcome.js';
import { buildScope, type StepState } from './scope.js';
import { stepContext, type ContextSource } from './step-context.js';
import { runStartEvent } from './run-start-event.js';
import { seedCarried, type CarriedRun } from './carry-over.js';

/** How to run a plan. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly vars: Readonly<Record<string, VarValue>>;
  readonly masker: Masker;
  /** The step kinds the plan's steps are of (built-ins and plug-ins). */
  readonly kinds: StepKindRegistry;
  /** `--yes`: every confirm gate passes. */
  readonly yes: boolean;
  /** False with `--no-rollback`: a failure leaves everything as it is for inspection. */
  readonly rollback: boolean;
  /** A rollback drill: this step fails instead of running. */
  readonly failAt?: string;
  readonly interrupts?: Interrupts;
  /** Asks the operator on a terminal; absent without one. */
  readonly ask?: (question: string, signal: AbortSignal) => Promise<boolean>;
  readonly now?: Date;
  /** Where steps note temp files and child processes, so a crash leaves them findable. */
  readonly trail?: CrashTrail;
  /** Carries on a recorded run (resume, rollback later): its run-start is in the journal already. */
  readonly carried?: CarriedRun;
}

/** Where the engine keeps a run's files; the run/ layer provides it. */
export interface RunFiles {
  readonly id: string;
  readonly dir: string;
  readonly planSha256: string;
  readonly reportPath: string;
  /** Creates (once) and returns a step's private directory. */
  stepDir(index: number, stepId: string): string;
}

/** How a run ended. */
export interface RunOutcome {
  readonly status: RunStatus;
  readonly exitCode: number;
  readonly failedStep?: string;
  /** What is still changed because its rollback did not run or did not complete, and how to undo it by hand. */
  readonly byHand: readonly string[];
  /** Faults the run met (a journal it could not write, an uncaught error), in order. */
  readonly faults: readonly string[];
  /** Finally steps that failed (or could not start); the exit code is never 0 when there are any. */
  readonly finallyFailed: readonly string[];
}

/** A finished step waiting on the rollback stack. */
export interface Finished {
  readonly index: number;
  readonly step: StepDecl;
  readonly kind: AnyStepKind;
  readonly undo?: JsonValue;
  readonly envBefore?: Readonly<Record<string, string | undefined>>;
}

const now = () => new Date().toISOString();

/** What ends a step, beyond which step it is and when. */
type ActionEnd = Omit<Extract<RunEvent, { type: 'rollback-action-end' }>, 'type' | 'at' | 'step' | 'action' | 'title' | 'durationMs'>;

type StepEnd = Omit<Extract<RunEvent, { type: 'step-end' }>, 'type' | 'at' | 'step' | 'index' | 'durationMs' | 'rollback'> & {
  readonly rollback?: readonly RecordedAction[];
};

/** An action rendered: the kind's fields, and the environment variables its shell fields read. */
interface Rendered {
  readonly spec: Record<string, unknown>;
  readonly env: Readonly<Record<string, string>>;
}

/** What the journal records as an action's inputs: its fields and, when any, the values its commands read. */
function journaledInputs(r: Rendered): Record<string, unknown> {
  return Object.keys(r.env).length === 0 ? r.spec : { ...r.spec, shell_values: r.env };
}

/**
 * Runs a validated plan step by step; on failure undoes finished steps newest first. Events carry
 * values as they are: the observer masks them (ui/masking-observer.ts) before anything shows or keeps them.
 */
export async function runPlan(plan: Plan, files: RunFiles, options: RunOptions, observer: RunObserver): Promise<RunOutcome> {
  return new PlanRun(expandLoops(plan, options.vars), files, options, observer).run();
}

class PlanRun {
  private readonly renderer: TemplateRenderer;
  private readonly env: Record<string, string | undefined>;
  private readonly states: Record<string, StepState> = {};
  private readonly stack: Finished[] = [];
  private readonly interrupt = new AbortController();
  /** Aborted by a fault: the running step fails and the rollback runs. */
  private readonly faulted = new AbortController();
  private readonly stopRollback = new AbortController();
  private readonly started = Date.now();
  private interruptedDuring = 'a step';
  /** The step running, or the last one that ran: the one a fault fails. */
  private current: string | undefined;
  private rollingBack = false;
  /** Running the finally steps: only a second signal stops them. */
  private finalPhase = false;
  private signals = 0;
  private firstSignal: StopSignal | undefined;
  private readonly faults: string[] = [];
  /** Filled when a rollback is disabled, stopped or incomplete. */
  private leftByHand: readonly string[] = [];
  private readonly secretVars: ReadonlySet<string>;
  private readonly contextSource: ContextSource;

  constructor(
    private readonly plan: Plan,
    private readonly files: RunFiles,
    private readonly options: RunOptions,
    private readonly observer: RunObserver,
  ) {
    this.renderer = new TemplateRenderer(options.now ?? new Date());
    this.env = { ...options.env };
    this.secretVars = new Set(plan.vars.filter((v) => v.secret).map((v) => v.name));
    const { cwd, masker, yes, ask, trail } = options;
    this.contextSource = {
      plan,
      cwd,
      env: this.env,
      masker,
      yes,
      ...(ask && { ask }),
      ...(trail && { trail }),
      renderer: this.renderer,
      scope: () => this.scope(),
      live: (e) => this.live(e),
    };
    if (options.carried) seedCarried(plan, options.kinds, options.carried, this.states, this.env, this.stack);
  }

  private emit(e: RunEvent): void {
    this.observer.event(e);
  }

  /** Live output is for the screen only: a drawing problem must never fail a step. */
  private live(e: LiveEvent): void {
    try {
      this.observer.live(e);
    } catch {
      // The journal and the step's own log files still have everything.
    }
  }

  /** The end of a step, as every path that ends one says it; without `startedAt` it took no time, without `rollback` none is recorded. */
  private endStep(step: string, index: number, startedAt: number | undefined, { status, rollback = [], ...e }: StepEnd): void {
    const durationMs = startedAt === undefined ? 0 : Date.now() - startedAt;
    this.emit({ type: 'step-end', at: now(), step, index, status, durationMs, ...e, rollback });
  }

  /** The end of a rollback action, as every path that ends one says it; without `startedAt` it took no time. */
  private endAction(step: string, action: number, title: string, startedAt: number | undefined, { status, ...e }: ActionEnd): void {
    const durationMs = startedAt === undefined ? 0 : Date.now() - startedAt;
    this.emit({ type: 'rollback-action-end', at: now(), step, action, title, status, durationMs, ...e });
  }

  /** The start of a step's first attempt; `inputs` are what it was rendered with (none when it could not be rendered). */
  private startStep(step: StepDecl, index: number, inputs: { readonly [k: string]: unknown }): void {
    this.emit({
      type: 'step-start',
      at: now(),
      step: step.id,
      index,
      kind: step.kind,
      ...(step.title !== undefined && { title: step.title }),
      attempt: 1,
      inputs,
    });
  }

  /** What templates read now; `step` adds the item of a looped step, `action` the params of an included one. */
  private scope(step?: StepDecl, action: ActionDecl | undefined = step): TemplateScope {
    const scope = buildScope({
      plan: this.plan,
      vars: this.options.vars,
      env: this.env,
      steps: this.states,
      run: {
        id: this.files.id,
        dir: this.files.dir,
        cwd: this.options.cwd,
        started_at: this.options.carried?.startedAt ?? new Date(this.started).toISOString(),
      },
      ...(step?.item && { item: step.item.value }),
    });
    return action ? fragmentScope(scope, action, this.renderer) : scope;
  }

  private conditionHolds(when: string | undefined, step?: StepDecl, action: ActionDecl | undefined = step): ConditionOutcome {
    return checkCondition(when, this.scope(step, action) as unknown as Record<string, unknown>, this.secretVars);
  }

  /** The action's fields rendered (typed fields converted to their type), and the values its shell fields read from the environment. */
  private render(action: ActionDecl, kind: AnyStepKind, step?: StepDecl): Rendered {
    const { spec, values } = this.renderer.renderAction(action.spec, this.scope(step, action), kind.shellFields);
    return { spec: typedSpec(kind, action.spec, spec), env: values.env() };
  }

  private recordRollback(step: StepDecl): RecordedAction[] {
    return step.rollback.map((a) => {
      const kind = this.options.kinds.get(a.kind);
      let inputs: Record<string, unknown>;
      try {
        inputs = kind ? journaledInputs(this.render(a, kind, step)) : {};
      } catch (e) {
        inputs = { unrendered: (e as Error).message };
      }
      return { kind: a.kind, ...(a.title !== undefined && { title: a.title }), inputs };
    });
  }

  /** A signal stops the step, a second one the rollback; a fault fails the step, but never stops a rollback. */
  private onStop(stop: Stop): void {
    if (stop.type === 'fault') {
      this.faults.push(stop.message);
      this.emit({ type: 'fault', at: now(), message: stop.message, during: this.interruptedDuring });
      if (!this.rollingBack) this.faulted.abort('interrupted');
      return;
    }
    this.signals++;
    this.firstSignal ??= stop.signal;
    this.emit({ type: 'interrupt', at: now(), count: this.signals, during: this.interruptedDuring, signal: stop.signal });
    if (this.signals === 1) this.interrupt.abort('interrupted');
    else this.stopRollback.abort('interrupted');
  }

  /** Why the steps must stop now, if they must. */
  private stopping(): boolean {
    return this.stepInterrupt().aborted;
  }

  /** What stops a running step: a signal or a fault, or only a second signal for finally steps. */
  private stepInterrupt(): AbortSignal {
    return this.finalPhase ? this.stopRollback.signal : AbortSignal.any([this.interrupt.signal, this.faulted.signal]);
  }

  async run(): Promise<RunOutcome> {
    const unsubscribe = this.options.interrupts?.subscribe((stop) => this.onStop(stop));
    if (this.options.carried?.mode !== 'resume' && this.options.carried?.mode !== 'rollback')
      this.emit(runStartEvent(this.plan, this.files, this.options, this.secretVars));
    try {
      let failed: string | undefined;
      if (this.options.carried?.mode === 'rollback')
        return await this.rollBackLater(this.options.carried.reason ?? 'rolled back by runbook rollback');
      try {
        failed = await this.runSteps();
      } catch (e) {
        // A bug in the step loop must not skip the rollback of what already changed.
        this.onStop({ type: 'fault', message: `internal error in runbook: ${(e as Error).message}` });
        failed = this.current ?? this.plan.steps[0]?.id;
      }
      // Awaited here, not returned: the subscription must stay until the rollback is over, so a second signal can stop it.
      return await this.finish(failed);
    } finally {
      unsubscribe?.();
    }
  }

  /** Runs the steps in order; returns the id of the step that failed (and was not allowed to), if any. */
  private async runSteps(): Promise<string | undefined> {
    const carried = new Set([...(this.options.carried?.steps.map((c) => c.id) ?? []), ...(this.options.carried?.passed ?? [])]);
    for (const [index, step] of this.plan.steps.entries()) {
      if (carried.has(step.id)) {
        this.journalCarried(index, step.id);
        continue;
      }
      if (this.faulted.signal.aborted) return this.current ?? step.id;
      if (this.interrupt.signal.aborted) return step.id;
      this.current = step.id;
      const ok = await this.runStep(index, step);
      if (!ok || this.faulted.signal.aborted) return step.id;
    }
    return undefined;
  }

  private async runStep(index: number, step: StepDecl): Promise<boolean> {
    const kind = this.options.kinds.get(step.kind)!;
    const t0 = Date.now();
    const end = (e: StepEnd) => this.endStep(step.id, index, t0, e);
    const condition = this.conditionHolds(step.when, step);
    if (!condition.holds) {
      this.states[step.id] = { status: 'skipped', outputs: {} };
      end({ status: 'skipped', ...(condition.reason !== undefined && { reason: condition.reason }) });
      return true;
    }
    let rendered: Rendered;
    try {
      rendered = this.render(step, kind, step);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      this.startStep(step, index, {});
      end({
        status: 'failed',
        error: `cannot render the step: ${e.message}`,
        hint: 'the value comes from a var or an earlier step; check that it is set',
      });
      return false;
    }
    this.startStep(step, index, journaledInputs(rendered));
    const { spec } = rendered;
    const stepDir = () => this.files.stepDir(index, step.id);
    const warnings: string[] = [];
    let result: StepResult;
    if (this.stopping()) {
      // Stopped as the step was announced (its journal line failed, or a signal came): it never starts.
      result = { ok: false, message: 'the step did not start' };
    } else if (this.options.failAt === step.id) {
      result = { ok: false, message: 'made to fail on purpose by --fail-at (a rollback drill); the step did not run' };
    } else {
      this.interruptedDuring = this.finalPhase ? `finally step ${step.id}` : `step ${step.id}`;
      result = await executeAction({
        kind,
        spec,
        ...(step.timeout !== undefined && { timeoutMs: parseDuration(step.timeout) }),
        retries: step.retries ?? 0,
        retryDelayMs: step.retry_delay !== undefined ? parseDuration(step.retry_delay) : 1000,
        context: (signal) => stepContext(this.contextSource, step.id, stepDir, signal, warnings, rendered.env),
        interrupt: this.stepInterrupt(),
        onRetry: (attempt, error, delayMs) => this.emit({ type: 'step-retry', at: now(), step: step.id, attempt, error, delayMs }),
      });
    }
    const fault = this.faults[0];
    if (this.stopping() && result.ok) {
      // The step finished as the run was stopped: keep it so rollback undoes it, then stop.
      this.stack.push({ index, step, kind, ...(result.undo !== undefined && { undo: result.undo }) });
      this.states[step.id] = { status: 'succeeded', outputs: result.outputs };
      const undo = {
        ...(result.undo !== undefined && { undo: result.undo }),
        rollback: this.recordRollback(step),
        ...(kind.undo && { builtInUndo: kind.undoSummary ?? 'built-in undo' }),
      };
      if (fault !== undefined)
        end({
          status: 'failed',
          error: `the step finished, but the run cannot go on: ${fault}`,
          ...(warnings.length && { warnings }),
          ...undo,
        });
      else end({ status: 'succeeded', ...(warnings.length && { warnings }), ...undo });
      return false;
    }
    if (!result.ok && fault !== undefined) result = { ...result, message: `${fault}; ${result.message}` };
    if (result.ok) {
      const envBefore = result.env ? Object.fromEntries(Object.keys(result.env).map((k) => [k, this.env[k]])) : undefined;
      for (const [k, v] of Object.entries(result.env ?? {})) {
        if (v === null) delete this.env[k];
        else this.env[k] = v;
      }
      this.states[step.id] = { status: 'succeeded', outputs: result.outputs };
      this.stack.push({ index, step, kind, ...(result.undo !== undefined && { undo: result.undo }), ...(envBefore && { envBefore }) });
      this.emit({ type: 'step-output', at: now(), step: step.id, outputs: result.outputs, ...(result.env && { env: result.env }) });
      end({
        status: 'succeeded',
        ...(result.note !== undefined && { note: result.note }),
        ...(warnings.length && { warnings }),
        ...(result.undo !== undefined && { undo: result.undo }),
        rollback: this.recordRollback(step),
        ...(kind.undo && { builtInUndo: kind.undoSummary ?? 'built-in undo' }),
      });
      return true;
    }
    this.states[step.id] = { status: 'failed', outputs: result.outputs ?? {} };
    const continued = step.continue_on_error === true && !this.stopping();
    if (!continued && result.undo !== undefined) {
      // The step changed something before failing: its own undo runs first in rollback.
      this.stack.push({ index, step: { ...step, rollback: [] }, kind, undo: result.undo });
    }
    end({
      status: 'failed',
      error: result.message,
      ...(result.hint !== undefined && { hint: result.hint }),
      ...(continued && { continued: true }),
      ...(warnings.length && { warnings }),
      ...(result.undo !== undefined && { undo: result.undo }),
    });
    return continued;
  }

  private async finish(failedStep: string | undefined): Promise<RunOutcome> {
    const interrupted = this.interrupt.signal.aborted;
    let status: RunStatus = 'succeeded';
    if (failedStep !== undefined || interrupted) {
      if (!this.options.rollback) {
        this.emit({
          type: 'rollback-start',
          at: now(),
          reason: 'rollback disabled by --no-rollback; everything is left as it is for inspection',
          steps: [],
        });
        this.emit({
          type: 'rollback-end',
          at: now(),
          complete: false,
          failed: this.stack.map((f) => f.step.id),
          byHand: this.byHand(nothingUndone(this.stack)),
        });
        status = interrupted ? 'interrupted-rollback-incomplete' : 'failed-not-rolled-back';
      } else {
        const reason = interrupted
          ? `interrupted by ${this.firstSignal ?? 'SIGINT'}`
          : this.faults[0] !== undefined
            ? `the run cannot go on: ${this.faults[0]}`
            : `step ${failedStep} failed`;
        const complete = await this.rollBackSafely(reason);
        status = interrupted
          ? complete
            ? 'interrupted'
            : 'interrupted-rollback-incomplete'
          : complete
            ? 'failed-rolled-back'
            : 'failed-rollback-incomplete';
      }
    }
    const finallyFailed = await this.runFinallySteps();
    const code = exitCode(status, this.firstSignal);
    // A failing finally step fails a run that otherwise succeeded; it never replaces an earlier failure's code.
    return {
      status,
      exitCode: code === 0 && finallyFailed.length > 0 ? 1 : code,
      ...(failedStep !== undefined && { failedStep }),
      byHand: this.leftByHand,
      faults: [...this.faults],
      finallyFailed,
    };
  }

  /** The finally steps, after the steps and any rollback; none after a second signal. */
  private async runFinallySteps(): Promise<string[]> {
    this.finalPhase = true;
    this.interruptedDuring = 'finally';
    return runFinally({
      steps: this.plan.finally,
      firstIndex: this.plan.steps.length,
      stopped: this.stopRollback.signal,
      run: (index, step) => {
        this.current = step.id;
        return this.runStep(index, step);
      },
      skip: (index, step, reason) => this.endStep(step.id, index, undefined, { status: 'skipped', reason }),
    });
  }

  /** A partial run says in its journal which steps it did not run, with the outputs it took for them. */
  private journalCarried(index: number, id: string): void {
    const reason = this.options.carried?.skipReason;
    if (reason === undefined) return;
    const c = this.options.carried?.steps.find((s) => s.id === id);
    if (c)
      this.emit({
        type: 'step-output',
        at: now(),
        step: id,
        outputs: c.outputs,
        ...(c.env && { env: c.env }),
      });
    this.endStep(id, index, undefined, { status: 'skipped', reason });
  }

  /** `runbook rollback`: undoes the carried steps; a signal stops it as a second signal stops a rollback. */
  private async rollBackLater(reason: string): Promise<RunOutcome> {
    this.interrupt.signal.addEventListener('abort', () => this.stopRollback.abort('interrupted'), { once: true });
    if (this.options.carried?.crashed !== undefined) await this.recoverCrashed(this.options.carried.crashed);
    const complete = await this.rollBackSafely(reason);
    const status: RunStatus = complete ? 'rolled-back' : 'rollback-incomplete';
    return { status, exitCode: exitCode(status, undefined), byHand: this.leftByHand, faults: [...this.faults], finallyFailed: [] };
  }

  /** The step that was running when the run died: its kind may read back what it changed, so the rollback undoes that too. */
  private async recoverCrashed(id: string): Promise<void> {
    const index = this.plan.steps.findIndex((s) => s.id === id);
    const step = this.plan.steps[index];
    const kind = step && this.options.kinds.get(step.kind);
    if (!step || !kind?.undoAfterCrash) return;
    const t0 = Date.now();
    let undo: JsonValue | undefined;
    let problem: string | undefined;
    try {
      const { spec, env } = this.render(step, kind);
      undo = await kind.undoAfterCrash(
        spec,
        stepContext(this.contextSource, step.id, () => this.files.stepDir(index, step.id), this.stopRollback.signal, [], env),
      );
    } catch (e) {
      problem = (e as Error).message;
    }
    const said =
      problem !== undefined
        ? `cannot read back what it changed: ${problem}; check it by hand`
        : undo !== undefined
          ? 'what it changed was read back, so the rollback undoes it'
          : 'it left nothing to undo';
    this.endStep(id, index, t0, {
      status: 'failed',
      error: `the run died while this step ran; ${said}`,
      ...(undo !== undefined && { undo }),
    });
    if (undo !== undefined) this.stack.push({ index, step: { ...step, rollback: [] }, kind, undo });
  }

  private async rollBackSafely(reason: string): Promise<boolean> {
    try {
      return await this.rollBack(reason);
    } catch (e) {
      // A bug in the rollback loop: say what is left, never claim it is undone.
      this.onStop({
        type: 'fault',
        message: `internal error in runbook during the rollback: ${(e as Error).message}`,
      });
      this.emit({
        type: 'rollback-end',
        at: now(),
        complete: false,
        failed: ['the rollback stopped on an internal error'],
        byHand: this.byHand(nothingUndone(this.stack)),
      });
      return false;
    }
  }

  /** Says what is still changed (kept for the outcome too). */
  private byHand(entries: readonly NotUndone[]): string[] {
    this.leftByHand = undoByHand(entries);
    return [...this.leftByHand];
  }

  /** Undoes finished steps newest first: the kind's built-in undo, then the step's rollback actions. */
  private async rollBack(reason: string): Promise<boolean> {
    const entries = [...this.stack].reverse();
    this.interruptedDuring = 'rollback';
    this.rollingBack = true;
    const notUndone: NotUndone[] = [];
    const nothingToUndo = entries
      .filter((f) => f.step.rollback.length === 0 && (f.undo === undefined || f.kind.undo === undefined))
      .map((f) => f.step.id);
    this.emit({ type: 'rollback-start', at: now(), reason, steps: entries.map((f) => f.step.id), nothingToUndo });
    const failed: string[] = [];
    for (const f of entries) {
      const actions = f.step.rollback;
      const hasUndo = f.undo !== undefined && f.kind.undo !== undefined;
      const undoAllowed = this.conditionHolds(f.step.undo_when, f.step);
      let ownUndo = false;
      const actionsLeft: string[] = [];
      this.emit({
        type: 'rollback-step',
        at: now(),
        step: f.step.id,
        actions: actions.length + (hasUndo ? 1 : 0),
        nothingToUndo: actions.length === 0 && !hasUndo,
      });
      const undoTitle = f.kind.undoSummary ?? `undo ${f.kind.kind}`;
      if (hasUndo && !undoAllowed.holds) {
        this.endAction(f.step.id, 0, undoTitle, undefined, {
          status: 'skipped',
          reason: `kept on purpose: ${undoAllowed.reason ?? 'undo_when is false'}`,
        });
      } else if (hasUndo) {
        const ok = await this.runRollbackAction(f, 0, undoTitle, f.kind, { spec: {}, env: {} }, f.undo);
        if (ok && f.envBefore) {
          for (const [k, v] of Object.entries(f.envBefore)) {
            if (v === undefined) delete this.env[k];
            else this.env[k] = v;
          }
        }
        if (!ok) failed.push(`${f.step.id}: ${f.kind.undoSummary ?? 'built-in undo'}`);
        ownUndo = !ok;
      }
      for (const [i, action] of actions.entries()) {
        const kind = this.options.kinds.get(action.kind)!;
        const n = i + (hasUndo ? 1 : 0);
        const title = action.title ?? `${action.kind} action ${i + 1}`;
        const condition = this.conditionHolds(action.when, f.step, action);
        if (!condition.holds) {
          this.endAction(f.step.id, n, title, undefined, {
            status: 'skipped',
            ...(condition.reason !== undefined && { reason: condition.reason }),
          });
          continue;
        }
        let rendered: Rendered;
        try {
          rendered = this.render(action, kind, f.step);
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
          this.endAction(f.step.id, n, title, undefined, {
            status: 'failed',
            error: `cannot render the action: ${e.message}`,
          });
          failed.push(`${f.step.id}: ${title}`);
          actionsLeft.push(title);
          continue;
        }
        const ok = await this.runRollbackAction(f, n, title, kind, rendered, undefined, action);
        if (!ok && action.continue_on_error !== true) {
          failed.push(`${f.step.id}: ${title}`);
          actionsLeft.push(title);
        }
      }
      if (ownUndo || actionsLeft.length) notUndone.push({ f, ownUndo, actions: actionsLeft });
    }
    const complete = failed.length === 0 && !this.stopRollback.signal.aborted;
    this.emit({ type: 'rollback-end', at: now(), complete, failed, ...(!complete && { byHand: this.byHand(notUndone) }) });
    return complete;
  }

  private async runRollbackAction(
    f: Finished,
    n: number,
    title: string,
    kind: AnyStepKind,
    rendered: Rendered,
    undoToken: JsonValue | undefined,
    action?: ActionDecl,
  ): Promise<boolean> {
    const { spec } = rendered;
    const t0 = Date.now();
    if (this.stopRollback.signal.aborted) {
      this.endAction(f.step.id, n, title, undefined, {
        status: 'skipped',
        reason: 'rollback stopped by a second signal',
      });
      return false;
    }
    this.emit({
      type: 'rollback-action-start',
      at: now(),
      step: f.step.id,
      action: n,
      kind: kind.kind,
      title,
      inputs: undoToken !== undefined ? { undo: undoToken } : journaledInputs(rendered),
    });
    const warnings: string[] = [];
    const stepDir = () => this.files.stepDir(f.index, f.step.id);
    const result = await executeAction({
      kind,
      spec,
      ...(undoToken !== undefined && { undoToken }),
      ...(action?.timeout !== undefined && { timeoutMs: parseDuration(action.timeout) }),
      retries: action?.retries ?? 0,
      retryDelayMs: action?.retry_delay !== undefined ? parseDuration(action.retry_delay) : 1000,
      context: (signal) => stepContext(this.contextSource, f.step.id, stepDir, signal, warnings, rendered.env),
      interrupt: this.stopRollback.signal,
      onRetry: (attempt, error, delayMs) => this.emit({ type: 'step-retry', at: now(), step: f.step.id, attempt, error, delayMs }),
    });
    this.endAction(f.step.id, n, title, t0, {
      status: result.ok ? 'succeeded' : 'failed',
      ...(!result.ok && { error: result.message, ...(result.hint !== undefined && { hint: result.hint }) }),
      ...(result.ok && result.note !== undefined && { note: result.note }),
      ...(warnings.length && { warnings }),
    });
    return result.ok;
  }
}
