import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunEvent } from '../engine/events.js';

/**
 * The append-only JSONL journal of a run. Each event is written and flushed to disk before
 * `append` returns, so a crash never loses an event that was already reported.
 */
export class Journal {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  append(event: RunEvent): void {
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    fdatasyncSync(this.fd);
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
