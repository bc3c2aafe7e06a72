import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '../../src/run/journal.js';
import type { RunEvent } from '../../src/engine/events.js';

/** A temporary directory to run plans in, with helpers to read what runs left behind. */
export interface Workspace {
  readonly dir: string;
  /** Writes a file (e.g. a plan) and returns its path. */
  write(name: string, text: string): string;
  /** Every file under the run directories, recursively. */
  runFiles(): string[];
  /** The journal events of the newest run. */
  lastJournal(): RunEvent[];
  lastRunDir(): string;
  /** Waits until the newest run's journal has an event matching `test`, and returns it. */
  waitForEvent(test: (e: RunEvent) => boolean): Promise<RunEvent>;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Makes a fresh workspace under the OS temp dir. */
export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-ws-'));
  const runs = join(dir, '.runbook', 'runs');
  // Run ids of one second differ only by a random tail: the newest of them is the one made last.
  const order = (a: string, b: string) =>
    a.slice(0, 15).localeCompare(b.slice(0, 15)) || statSync(join(runs, a)).birthtimeMs - statSync(join(runs, b)).birthtimeMs;
  const last = () => join(runs, readdirSync(runs).sort(order).pop()!);
  return {
    dir,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    runFiles: () => walk(runs),
    lastJournal: () => readJournal(join(last(), 'journal.jsonl')),
    lastRunDir: last,
    async waitForEvent(test) {
      for (;;) {
        const journal = existsSync(runs) && readdirSync(runs).length > 0 ? join(last(), 'journal.jsonl') : undefined;
        const found = journal !== undefined && existsSync(journal) ? readJournal(journal).find(test) : undefined;
        if (found) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Reads every file as text, for "this secret appears nowhere" assertions. */
export function readAll(files: readonly string[]): string {
  return files.map((f) => readFileSync(f, 'latin1')).join('\n');
}
