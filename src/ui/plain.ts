import { createColors } from 'picocolors';
import type { LiveEvent, RunEvent } from '../engine/events.js';
import { formatDuration } from '../core/duration.js';
import type { OutStream } from '../core/out-stream.js';
import { ProgressBoard } from './progress.js';
import type { RunRenderer } from './renderer.js';

const clock = (iso: string) => iso.slice(11, 19);

/** Timestamped lines for logs and CI: one line per thing that happened, output lines indented. */
export class PlainRenderer implements RunRenderer {
  private readonly c;
  private total = 0;
  private steps: readonly { readonly id: string }[] = [];
  /** Steps that started or ended; the others, once the run stops going forward, never ran. */
  private readonly reached = new Set<string>();
  private notRunShown = false;
  private rollingBack = false;
  private readonly lastProgress = new Map<string, number>();
  private readonly progress = new ProgressBoard();

  constructor(
    private readonly out: OutStream,
    color: boolean,
  ) {
    this.c = createColors(color);
  }

  private line(at: string, text: string): void {
    this.out.write(`${this.c.dim(clock(at))} ${text}\n`);
  }

  event(e: RunEvent): void {
    const c = this.c;
    switch (e.type) {
      case 'run-start':
        this.total = e.steps.length;
        this.steps = e.steps;
        this.line(e.at, `${c.bold(`run ${e.runId}`)}: ${e.plan.title ?? e.plan.name} (${this.total} steps)`);
        break;
      case 'step-start':
        this.reached.add(e.step);
        this.line(
          e.at,
          `${c.cyan('▶')} ${e.index + 1}/${this.total} ${c.bold(e.step)}${e.title ? ` — ${e.title}` : ''} ${c.dim(`[${e.kind}]`)}`,
        );
        break;
      case 'step-retry':
        this.line(
          e.at,
          `${c.yellow('↻')} ${this.rollingBack ? `undo ${e.step}` : e.step}: attempt ${e.attempt} in ${formatDuration(e.delayMs)} after: ${e.error}`,
        );
        break;
      case 'step-end':
        this.reached.add(e.step);
        if (e.status === 'succeeded')
          this.line(e.at, `${c.green('✔')} ${e.step} ${c.dim(`(${formatDuration(e.durationMs)})`)}${e.note ? ` ${e.note}` : ''}`);
        else if (e.status === 'skipped') this.line(e.at, `${c.dim('↓')} ${e.index + 1}/${this.total} ${e.step} skipped: ${e.reason ?? ''}`);
        else {
          this.line(e.at, `${c.red('✖')} ${e.step} ${c.red(e.continued ? 'failed (continuing)' : 'failed')}: ${e.error ?? ''}`);
          if (e.hint) this.out.write(`         hint: ${e.hint}\n`);
        }
        for (const w of e.warnings ?? []) this.out.write(`         ${c.yellow('warning:')} ${w}\n`);
        break;
      case 'rollback-start': {
        this.showNotRun(e.at);
        this.rollingBack = true;
        const nothing = new Set(e.nothingToUndo ?? []);
        const undoing = e.steps.filter((s) => !nothing.has(s));
        this.line(e.at, `${c.yellow('⟲ rollback')}: ${e.reason}${undoing.length ? ` — undoing ${undoing.join(', ')}` : ''}`);
        if (nothing.size)
          this.out.write(`         ${c.dim(`nothing to undo in ${nothing.size} finished step(s): ${[...nothing].join(', ')}`)}\n`);
        break;
      }
      case 'rollback-step':
        break;
      // Each action is named as the undo of its step, so an action that starts the app is never read as that step.
      case 'rollback-action-start':
        this.line(e.at, `  ${c.yellow('▶')} undo ${e.step}: ${e.title}`);
        break;
      case 'rollback-action-end':
        if (e.status === 'succeeded')
          this.line(
            e.at,
            `  ${c.green('✔')} undo ${e.step}: ${e.title} ${c.dim(`(${formatDuration(e.durationMs)})`)}${e.note ? ` ${e.note}` : ''}`,
          );
        else if (e.status === 'skipped') this.line(e.at, `  ${c.dim('↓')} undo ${e.step}: ${e.title} skipped: ${e.reason ?? ''}`);
        else this.line(e.at, `  ${c.red('✖')} undo ${e.step}: ${e.title} failed: ${e.error ?? ''}`);
        break;
      case 'rollback-end':
        this.line(
          e.at,
          e.complete ? c.green('rollback complete') : c.red(`rollback INCOMPLETE${e.failed.length ? `: ${e.failed.join('; ')}` : ''}`),
        );
        for (const line of e.byHand ?? [])
          this.out.write(`         ${c.red('still changed:')} ${line}
`);
        break;
      case 'interrupt':
        this.line(e.at, c.yellow(interruptText(e)));
        break;
      case 'fault':
        this.line(e.at, c.red(`cannot go on: ${e.message}`));
        break;
      case 'run-end':
        this.showNotRun(e.at);
        this.line(
          e.at,
          `${e.status === 'succeeded' ? c.green('run succeeded') : c.red(`run ${e.status.replace(/-/g, ' ')}`)} in ${formatDuration(e.durationMs)} (exit ${e.exitCode})`,
        );
        this.out.write(`report: ${e.reportPath}\n`);
        break;
      case 'step-output':
        break;
    }
  }

  /** Names the steps that never ran, once, when the run stops going forward. */
  private showNotRun(at: string): void {
    if (this.notRunShown) return;
    this.notRunShown = true;
    this.steps.forEach((s, i) => {
      if (!this.reached.has(s.id)) this.line(at, `${this.c.dim('↓')} ${i + 1}/${this.total} ${s.id} not run`);
    });
  }

  live(e: LiveEvent): void {
    if (e.type === 'step-line') {
      this.out.write(`         ${this.c.dim('│')} ${e.line}\n`);
      return;
    }
    const nowMs = Date.now();
    const line = this.progress.update(e, nowMs).counter;
    const key = `${e.step}\0${e.label ?? ''}`;
    const last = this.lastProgress.get(key) ?? 0;
    const finished = e.total !== undefined && e.done >= e.total;
    if (!finished && nowMs - last < 2000) return;
    this.lastProgress.set(key, nowMs);
    this.out.write(`         ${this.c.dim('│')} ${line}\n`);
  }

  async close(): Promise<void> {}
}

/** What a signal does now: during the finally steps the first one lets them finish, only a second stops them. */
function interruptText(e: Extract<RunEvent, { type: 'interrupt' }>): string {
  if (e.during.startsWith('finally'))
    return e.count === 1
      ? `interrupted (${e.signal}) during the finally steps: they go on (a second signal stops them)`
      : `interrupted again (${e.signal}): stopping the finally steps`;
  return e.count === 1
    ? `interrupted (${e.signal}): stopping the running step, then rolling back (Ctrl-C again to stop the rollback)`
    : `interrupted again (${e.signal}): stopping the rollback`;
}
