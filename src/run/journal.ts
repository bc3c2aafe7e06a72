import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { RunEvent } from '../engine/events.js';

/** Events after which something outside runbook is about to change (or the run is over). */
const durableBefore: ReadonlySet<RunEvent['type']> = new Set([
  'run-start',
  'step-start',
  'rollback-start',
  'rollback-action-start',
  'interrupt',
  'fault',
  'run-end',
]);

/**
 * The append-only JSONL journal of a run. Every event is written to the file (write(2) until the
 * whole line is out, no buffering in runbook) before `append` returns, so a crash of runbook never
 * loses an event. A failed write (a full disk) is returned, never thrown: the run decides what to do.
 * Before each action starts, a sync to disk is begun in the background: it overlaps the action
 * instead of delaying it, so after a power loss the journal may miss at most the events of the
 * action that was running. `close` waits for a final sync.
 */
export class Journal {
  private readonly fd: number;
  private syncing = false;
  private syncAgain = false;
  private idle: (() => void) | undefined;
  /** The last line was only partly written: the next one starts on a fresh line, so readers can skip the torn piece. */
  private torn = false;
  private lostEvents = 0;

  /** How many events could not be written. */
  get lost(): number {
    return this.lostEvents;
  }

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+', 0o600);
    // A journal taken on again (resume, rollback) may end in the torn line of a process that died writing it.
    const size = fstatSync(this.fd).size;
    const last = Buffer.alloc(1);
    this.torn = size > 0 && readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
  }

  /** Writes one event line; returns the error when the line could not be written whole. */
  append(event: RunEvent): NodeJS.ErrnoException | undefined {
    const line = Buffer.from(`${this.torn ? '\n' : ''}${JSON.stringify(event)}\n`);
    let done = 0;
    try {
      while (done < line.length) done += writeSync(this.fd, line, done);
    } catch (e) {
      if (done > 0) this.torn = !(this.torn && done === 1);
      this.lostEvents++;
      return e as NodeJS.ErrnoException;
    }
    this.torn = false;
    if (durableBefore.has(event.type)) this.sync();
    return undefined;
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
    try {
      fdatasyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }
}

/** Reads a journal back; a torn line (a crash or a full disk mid-write) is skipped, never fatal. */
export function readJournal(path: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // A torn piece of a line: the ones after it are whole, and still read.
    }
  }
  return events;
}
