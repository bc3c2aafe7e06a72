/**
 * Batches of COPY text made by SQLite (see encode-sql.ts), read either on the calling thread or,
 * for big tables, on a worker thread of their own so several tables are read side by side while
 * the main thread only feeds the sockets. The worker runs the source text of `readBatches` and
 * `checkLines` (evaluated, not loaded from a file), so it works the same from TypeScript sources
 * under the test runner and from the built JavaScript.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { checkLines } from './encode-sql.js';

/**
 * One batch: rows with rowid in (from, to]. `text` holds the clean rows' COPY lines as UTF-8, each
 * ended by a newline; null when none was clean or the check failed.
 */
export interface Batch {
  readonly from: bigint;
  readonly to: bigint;
  readonly rows: number;
  readonly cleanRows: number;
  readonly text: Uint8Array | null;
  /** Rowids (comma-separated) of rows SQL did not call clean, or null. */
  readonly unclean: string | null;
  /** False when the batch text failed its check: every row of the range goes through JS. */
  readonly ok: boolean;
}

/** What a batch reader needs: plain data, so it can be sent to a worker. */
export interface BatchQuery {
  readonly sqlitePath: string;
  /** Takes the last rowid read and a row limit; returns max rowid, rows, clean rows, lines (a BLOB), unclean rowids. */
  readonly sql: string;
  /** Source of the regular expression a batch's text must match. */
  readonly pattern: string;
}

/** Batches in rowid order; `close` stops reading early. */
export interface BatchSource extends AsyncIterable<Batch> {
  close(): Promise<void>;
}

/** The checks a batch reader runs: checkLines and what it needs, passed in (see readBatches). */
type Check = (bytes: Uint8Array, rows: number, whole: RegExp, isUtf8: (b: Uint8Array) => boolean) => boolean;

/**
 * Reads the batches of a query in rowid order. A batch starts at 16 rows and doubles up to 4096
 * while its text stays under 32 KB (halving past 64 KB): wide rows never make a huge blob and
 * memory stays flat, while batches stay big enough that the per-query and per-message costs do
 * not show (16 KB batches read 1M rows about 15% slower). Self-contained (no outside names): it
 * runs in workers too.
 */
export function* readBatches(db: Database.Database, q: BatchQuery, check: Check, isUtf8: (b: Uint8Array) => boolean): Generator<Batch> {
  const stmt = db.prepare(q.sql).raw(true).safeIntegers(true);
  const whole = new RegExp(q.pattern);
  let last = -(2n ** 63n);
  let size = 16;
  for (;;) {
    const [max, rows, cleanRows, text, unclean] = stmt.get(last, size) as [bigint | null, bigint, bigint, Uint8Array | null, string | null];
    if (max === null || rows === 0n) return;
    const length = text?.byteLength ?? 0;
    if (length > 1 << 18) size = Math.max(1, size >> 1);
    else if (length < 1 << 17 && size < 16384) size *= 2;
    const ok = text === null || check(text, Number(cleanRows), whole, isUtf8);
    yield { from: last, to: max, rows: Number(rows), cleanRows: Number(cleanRows), text: ok ? text : null, unclean, ok };
    last = max;
  }
}

/** Batches read on the calling thread, from `db` (inside the caller's read transaction). */
export function batchesHere(db: Database.Database, q: BatchQuery): BatchSource {
  return {
    async *[Symbol.asyncIterator]() {
      yield* readBatches(db, q, checkLines, isUtf8);
    },
    close: async () => {},
  };
}

/** Page cache of a connection that reads a table once, in KB (the driver's default is 16 MB). */
export const READ_CACHE_KB = 2048;

/** Batches the worker may have sent ahead of the consumer: bounds memory at a few MB per table. */
const AHEAD = 4;

/** The worker's program: open the file read-only in one transaction, send batches while it has credit. */
function workerMain(read: typeof readBatches, check: typeof checkLines): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { isUtf8: utf8 } = require('node:buffer') as typeof import('node:buffer');
  const w = workerData as { driver: string; query: BatchQuery; ahead: number; cacheKb: number };
  const Driver = require(w.driver) as typeof Database;
  const db = new Driver(w.query.sqlitePath, { readonly: true, fileMustExist: true });
  db.pragma(`cache_size = -${w.cacheKb}`);
  let credit = w.ahead;
  let wake: (() => void) | null = null;
  parentPort?.on('message', () => {
    credit++;
    wake?.();
    wake = null;
  });
  db.exec('BEGIN');
  void (async () => {
    try {
      for (const b of read(db, w.query, check, utf8)) {
        while (credit === 0) await new Promise<void>((r) => { wake = r; });
        credit--;
        // Handed over without a copy when the bytes own their memory (SQLite's blobs do).
        const t = b.text;
        const own = t !== null && t.byteOffset === 0 && t.byteLength === t.buffer.byteLength;
        parentPort?.postMessage(b, own ? [t.buffer as ArrayBuffer] : []);
      }
      parentPort?.postMessage(null);
    } finally {
      db.close();
    }
  })();
}

/** Batches read on a worker thread with its own connection to the file; at most AHEAD wait in memory. */
export function batchesInWorker(q: BatchQuery): BatchSource {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // Functions passed as arguments, not named inside: the test runner rewrites imported names.
  const source = `(${workerMain.toString()})(${readBatches.toString()}, ${checkLines.toString()});`;
  // A small young generation: the worker's garbage is short-lived batch text, and RSS stays low.
  const worker = new Worker(source, { eval: true, workerData: { driver, query: q, ahead: AHEAD, cacheKb: READ_CACHE_KB }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const queue: (Batch | null)[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (b: Batch | null) => { queue.push(b); notify(); });
  worker.on('error', (e) => { failure = e; notify(); });
  worker.on('exit', (code) => { if (code !== 0 && !failure) failure = new Error(`the batch reader stopped with code ${code}`); notify(); });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length === 0 && !failure) await new Promise<void>((r) => { wake = r; });
        if (queue.length === 0 && failure) throw failure;
        const b = queue.shift() as Batch | null;
        if (b === null) return;
        worker.postMessage(1);
        yield b;
      }
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
