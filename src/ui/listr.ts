import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer, PRESET_TIMER } from 'listr2';
import type { LiveEvent, RunEvent } from '../engine/events.js';
import type { OutStream } from '../core/out-stream.js';
import type { RunRenderer } from './renderer.js';
import { formatDuration } from '../core/duration.js';
import { ProgressBoard } from './progress.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface Gate {
  task?: Task;
  /** Set when the step will never run (a failure before it): its task shows as skipped. */
  notRun?: string;
  /** What the task is called when it shows as not run. */
  name?: string;
  /** A finally step: it runs after a rollback, so it is not "not run" when one starts. */
  finally?: boolean;
  /** A title to show once the task starts (events may arrive before listr2 starts it). */
  title?: string;
  /** Why undoing this step failed, if it did. */
  failed?: string;
  resolve: () => void;
  reject: (e: Error) => void;
  promise: Promise<void>;
}

function gate(): Gate {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { resolve, reject, promise };
}

/**
 * listr2 on a terminal. listr2 only draws: each task waits on a gate that the engine's events
 * open, so the engine's step loop and rollback stack stay the single source of truth.
 */
export class ListrRenderer implements RunRenderer {
  private steps = new Map<string, Gate>();
  private main?: Promise<unknown>;
  private rollbackList?: Promise<unknown>;
  private rollbackGates = new Map<string, Gate>();
  private rollingBack = false;
  private summary?: string;
  private undoing?: string;
  private readonly progress = new ProgressBoard();
  private readonly options;

  /** listr2 draws on the process's terminal itself; `out` is that terminal. */
  constructor(private readonly out: OutStream) {
    this.options = {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, showErrorMessage: true, formatOutput: 'truncate' as const },
    };
  }

  event(e: RunEvent): void {
    switch (e.type) {
      case 'run-start': {
        const tasks = e.steps.map((s, i) => {
          const g = gate();
          g.name = `${i + 1}/${e.steps.length} ${s.id}`;
          if (s.finally) g.finally = true;
          this.steps.set(s.id, g);
          return {
            title: `${i + 1}/${e.steps.length} ${s.title ?? s.id}`,
            rendererOptions: { outputBar: 1, timer: PRESET_TIMER },
            task: async (_: unknown, task: Task) => {
              g.task = task;
              await g.promise;
              if (g.notRun !== undefined) task.skip(g.notRun);
            },
          };
        });
        this.main = new Listr(tasks, this.options).run().catch(() => {});
        break;
      }
      case 'step-end': {
        const g = this.steps.get(e.step);
        if (!g) break;
        if (e.status === 'skipped') {
          g.notRun = `${e.step} skipped: ${e.reason ?? ''}`;
          g.resolve();
        } else if (e.status === 'failed') g.reject(new Error(`${e.step}: ${e.error ?? 'failed'}`));
        else g.resolve();
        break;
      }
      case 'step-retry': {
        const g = this.steps.get(e.step);
        if (g?.task) g.task.output = `retry ${e.attempt}: ${e.error}`;
        break;
      }
      case 'rollback-start': {
        // Steps after the failure never ran: close their tasks so the list finishes.
        this.rollingBack = true;
        for (const g of this.steps.values()) {
          // Finally steps do run, after the rollback; the plain lines and the report show how they went.
          g.notRun = g.finally ? `${g.name ?? ''} runs after the rollback` : `${g.name ?? ''} not run`;
          g.resolve();
        }
        const nothing = new Set(e.nothingToUndo ?? []);
        const tasks = e.steps
          .filter((id) => !nothing.has(id))
          .map((id) => {
            const g = gate();
            this.rollbackGates.set(id, g);
            return {
              title: `undo ${id}`,
              rendererOptions: { outputBar: 1, timer: PRESET_TIMER },
              task: async (_: unknown, task: Task) => {
                g.task = task;
                if (g.title) task.title = g.title;
                await g.promise;
              },
            };
          });
        const rest = nothing.size ? ` (nothing to undo in ${nothing.size} finished step(s): ${[...nothing].join(', ')})` : '';
        const list = new Listr(
          [
            {
              title: `Rolling back: ${e.reason}${rest}`,
              task: (_: unknown, task: Task) => task.newListr(tasks, { concurrent: false, exitOnError: false }),
            },
          ],
          this.options,
        );
        this.rollbackList = (this.main ?? Promise.resolve()).then(() => list.run()).catch(() => {});
        break;
      }
      case 'rollback-step': {
        // Steps are undone one after another: a new one means the previous one is done.
        if (this.undoing) this.finishUndo(this.undoing);
        this.undoing = e.step;
        const g = this.rollbackGates.get(e.step);
        if (g && e.nothingToUndo) {
          g.title = `undo ${e.step}: nothing to undo`;
          if (g.task) g.task.title = g.title;
        }
        break;
      }
      case 'rollback-action-start': {
        const g = this.rollbackGates.get(e.step);
        if (g?.task) g.task.output = e.title;
        break;
      }
      case 'rollback-action-end': {
        const g = this.rollbackGates.get(e.step);
        if (g && e.status === 'skipped' && e.reason) {
          g.title = `undo ${e.step}: ${e.title} skipped, ${e.reason}`;
          if (g.task) g.task.title = g.title;
        }
        if (g && e.status === 'failed') {
          g.failed = `undo ${e.step} incomplete: ${e.title} failed: ${e.error ?? ''}`;
          if (g.task) g.task.output = g.failed;
        }
        break;
      }
      case 'rollback-end': {
        for (const id of this.rollbackGates.keys()) this.finishUndo(id);
        break;
      }
      case 'run-end':
        this.summary = `${e.status === 'succeeded' ? 'run succeeded' : `run ${e.status.replace(/-/g, ' ')}`} in ${formatDuration(e.durationMs)} (exit ${e.exitCode})\nreport: ${e.reportPath}\n`;
        break;
      default:
        break;
    }
  }

  private finishUndo(id: string): void {
    const g = this.rollbackGates.get(id);
    if (!g) return;
    if (g.failed) g.reject(new Error(g.failed));
    else g.resolve();
  }

  live(e: LiveEvent): void {
    const g = this.rollingBack ? this.rollbackGates.get(e.step) : this.steps.get(e.step);
    if (!g?.task) return;
    if (e.type === 'step-line') g.task.output = e.line;
    else g.task.output = this.progress.update(e).step;
  }

  async close(): Promise<void> {
    for (const g of this.steps.values()) g.resolve();
    await this.main;
    await this.rollbackList;
    if (this.summary) this.out.write(this.summary);
  }
}
