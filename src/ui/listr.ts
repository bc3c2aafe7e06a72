import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer, PRESET_TIMER } from 'listr2';
import type { LiveEvent, RunEvent } from '../engine/events.js';
import type { OutStream } from '../cli/io.js';
import type { RunRenderer } from './renderer.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface Gate {
  task?: Task;
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
  private readonly options;

  /** listr2 draws on the process's terminal itself; `out` is that terminal. */
  constructor(_out: OutStream) {
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
          this.steps.set(s.id, g);
          return {
            title: `${i + 1}/${e.steps.length} ${s.title ?? s.id}`,
            rendererOptions: { outputBar: 1, timer: PRESET_TIMER },
            task: async (_: unknown, task: Task) => {
              g.task = task;
              await g.promise;
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
          g.task?.skip(`${e.step} skipped: ${e.reason ?? ''}`);
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
        for (const g of this.steps.values()) {
          g.task?.skip('not run');
          g.resolve();
        }
        const tasks = e.steps.map((id) => {
          const g = gate();
          this.rollbackGates.set(id, g);
          return {
            title: `undo ${id}`,
            rendererOptions: { outputBar: 1, timer: PRESET_TIMER },
            task: async (_: unknown, task: Task) => {
              g.task = task;
              await g.promise;
            },
          };
        });
        const list = new Listr([{ title: `Rolling back: ${e.reason}`, task: (_: unknown, task: Task) => task.newListr(tasks, { concurrent: false, exitOnError: false }) }], this.options);
        this.rollbackList = (this.main ?? Promise.resolve()).then(() => list.run()).catch(() => {});
        break;
      }
      case 'rollback-step': {
        const g = this.rollbackGates.get(e.step);
        if (g?.task && e.nothingToUndo) g.task.title = `undo ${e.step}: nothing to undo`;
        break;
      }
      case 'rollback-action-start': {
        const g = this.rollbackGates.get(e.step);
        if (g?.task) g.task.output = e.title;
        break;
      }
      case 'rollback-action-end': {
        const g = this.rollbackGates.get(e.step);
        if (g?.task && e.status === 'failed') g.task.output = `FAILED ${e.title}: ${e.error ?? ''}`;
        break;
      }
      case 'rollback-end': {
        for (const [id, g] of this.rollbackGates) {
          const failedHere = e.failed.some((f) => f.startsWith(`${id}:`));
          if (failedHere) g.reject(new Error(`undo ${id} incomplete`));
          else g.resolve();
        }
        break;
      }
      default:
        break;
    }
  }

  live(e: LiveEvent): void {
    const g = this.steps.get(e.step) ?? this.rollbackGates.get(e.step);
    if (!g?.task) return;
    if (e.type === 'step-line') g.task.output = e.line;
    else g.task.output = `${e.label ? `${e.label}: ` : ''}${e.done}${e.total !== undefined ? ` / ${e.total}` : ''}${e.unit ? ` ${e.unit}` : ''}`;
  }

  async close(): Promise<void> {
    for (const g of this.steps.values()) g.resolve();
    await this.main;
    await this.rollbackList;
  }
}
