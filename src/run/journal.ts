import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunEvent } from '../engine/events.js';

/** Events after which something outside runbook is about to change (or the run is over). */
const durableBefore: ReadonlySet<RunEvent['type']> = new Set(['run-start', 'step-start', 'rollback-start', 'rollback-action-start', 'interrupt', 'run-end']);

/**
 * The append-only JSONL journal of a run. Every event is written to the file before `append`
 * returns (a crash of runbook never loses one), and the file is synced to disk before each
 * action starts, which also makes every earlier event durable: after a power loss the journal
 * still shows every step that may have changed something.
 */
export class Journal {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  append(event: RunEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (durableBefore.has(event.type)) fdatasyncSync(this.fd);
  }

  close(): void {
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
