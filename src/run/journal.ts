import { closeSync, fdatasync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunEvent } from '../engine/events.js';

/** Events after which something outside runbook is about to change (or the run is over). */
const durableBefore: ReadonlySet<RunEvent['type']> = new Set(['run-start', 'step-start', 'rollback-start', 'rollback-action-start', 'interrupt', 'run-end']);

/**
 * The append-only JSONL journal of a run. Every event is written to the file (one write(2),
 * no buffering in runbook) before `append` returns, so a crash of runbook never loses an event.
 * Before each action starts, a sync to disk is begun in the background: it overlaps the action
 * instead of delaying it, so after a power loss the journal may miss at most the events of the
 * action that was running. `close` waits for a final sync.
 */
export class Journal {
  private readonly fd: number;
  private syncing = false;
  private syncAgain = false;
  private idle: (() => void) | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  append(event: RunEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (durableBefore.has(event.type)) this.sync();
  }

  private sync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    fdatasync(this.fd, () => {
      this.syncing = false;
      if (this.syncAgain) {
        this.syncAgain = false;
        this.sync();
      } else {
        this.idle?.();
      }
    });
  }

  /** Waits for a background sync in flight, syncs what is left and closes the file. */
  async close(): Promise<void> {
    if (this.syncing) await new Promise<void>((resolve) => (this.idle = resolve));
    fdatasyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** Reads a journal back; a torn last line (crash mid-write) is ignored, never fatal. */
export function readJournal(path: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      break;
    }
  }
  return events;
}
