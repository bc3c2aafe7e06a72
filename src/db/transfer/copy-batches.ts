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
  /** Takes the last rowid read and a row limit; returns max rowid, rows, and the lines as a BLOB (see batchSql). */
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
 * Reads the batches of a query in rowid order. A batch starts at 16 rows and doubles up to 16384
 * while its text stays under 128 KB (halving past 256 KB): wide rows never make a huge blob and
 * memory stays flat, while batches stay big enough that the per-query and per-message costs do
 * not show. Marker lines (rows SQL left to JS, see batchSql) are taken out before the check.
 * Self-contained (no outside names): it runs in workers too.
 */
export function* readBatches(db: Database.Database, q: BatchQuery, check: Check, isUtf8: (b: Uint8Array) => boolean): Generator<Batch> {
  const stmt = db.prepare(q.sql).raw(true).safeIntegers(true);
  const whole = new RegExp(q.pattern);
  /** The clean lines and the marked rowids of a batch whose check failed; null if it was not for markers. */
  const unmark = (text: Uint8Array): { clean: Uint8Array | null; rows: number; markers: number; marked: string } | null => {
    const keep: Uint8Array[] = [];
    const marked: string[] = [];
    for (let at = 0; at < text.length;) {
      const nl = text.indexOf(10, at);
      const end = nl < 0 ? text.length : nl + 1;
      const next = text[at + 1] ?? 0;
      // A marker: a backslash, then a digit or "-" (clean lines start with \N, \\x or no backslash).
      if (text[at] === 92 && ((next >= 48 && next <= 57) || next === 45)) {
        const rowid = Buffer.from(text.subarray(at + 1, end - 1)).toString('latin1');
        if (!/^-?\d+$/.test(rowid)) return null;
        marked.push(rowid);
      } else keep.push(text.subarray(at, end));
      at = end;
    }
    return marked.length === 0
      ? null
      : { clean: keep.length > 0 ? Buffer.concat(keep) : null, rows: keep.length, markers: marked.length, marked: marked.join(',') };
  };
  let last = -(2n ** 63n);
  let size = 16;
  for (;;) {
    const [max, rowCount, text] = stmt.get(last, size) as [bigint | null, bigint, Uint8Array];
    if (max === null || rowCount === 0n) return;
    const rows = Number(rowCount);
    const length = text.byteLength;
    if (length > 1 << 18) size = Math.max(1, size >> 1);
    else if (length < 1 << 17 && size < 16384) size *= 2;
    if (check(text, rows, whole, isUtf8)) {
      yield { from: last, to: max, rows, cleanRows: rows, text, unclean: null, ok: true };
    } else {
      // Lines with markers fail the check: without them, the rest may pass. A value with a line
      // break makes more lines than rows (and could look like a marker): the whole batch goes to JS.
      const parts = unmark(text);
      const ok =
        parts !== null && parts.rows + parts.markers === rows && (parts.clean === null || check(parts.clean, parts.rows, whole, isUtf8));
      yield {
        from: last,
        to: max,
        rows,
        cleanRows: ok && parts ? parts.rows : 0,
        text: ok && parts ? parts.clean : null,
        unclean: ok && parts ? parts.marked : null,
        ok,
      };
    }
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
        while (credit === 0)
          await new Promise<void>((r) => {
            wake = r;
          });
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
  const worker = new Worker(source, {
    eval: true,
    workerData: { driver, query: q, ahead: AHEAD, cacheKb: READ_CACHE_KB },
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const queue: (Batch | null)[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (b: Batch | null) => {
    queue.push(b);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`the batch reader stopped with code ${code}`);
    notify();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length === 0 && !failure)
          await new Promise<void>((r) => {
            wake = r;
          });
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
