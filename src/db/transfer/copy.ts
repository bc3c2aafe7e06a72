import Database from 'better-sqlite3';
import type pg from 'pg';
import { availableParallelism } from 'node:os';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdent as q } from '../connections.js';
import type { RejectLog } from './copy-rejects.js';
import { encoderFor, MAYBE_INVALID_UTF8, refusal, type Encoder, type Tally } from './encode.js';
import { batchesHere, batchesInWorker, READ_CACHE_KB, type BatchQuery, type BatchSource } from './copy-batches.js';
import { batchSql, tableSql } from './encode-sql.js';
import { Failed } from '../../core/failure.js';
import { showValue } from './show-value.js';
import type { ColumnMapping } from '../ddl/typemap.js';
import type { BadValuePolicy } from '../policies.js';

/** What to copy from one SQLite table into one PostgreSQL table. */
export interface CopyJob {
  readonly sqlitePath: string;
  readonly table: string;
  /** Columns copied, with the codec of their PostgreSQL column. */
  readonly columns: readonly ColumnMapping[];
  /** Quoted, schema-qualified target. */
  readonly target: string;
  readonly withoutRowid: boolean;
  /** Read the table on a worker thread (taken with takeReader). */
  readonly reader: boolean;
  /** The table was created or truncated in the current transaction: COPY may write frozen rows. */
  readonly freeze: boolean;
  readonly primaryKey: readonly string[];
  /** SQL condition of rows left out (orphans rejected before the load), or null. */
  readonly exclude: string | null;
  readonly onBadValue: Exclude<BadValuePolicy, 'widen'>;
  readonly rejects: RejectLog;
  readonly signal: AbortSignal;
  progress(done: number): void;
  /** Rows PostgreSQL refused in an earlier attempt (by `where`), rejected with its reason without being sent. */
  readonly refused?: ReadonlyMap<string, string>;
  /** When given, every row goes through JS and the `where` of each line sent is appended, so a COPY error's line number names its row. */
  readonly lines?: string[];
  /** Called once the table is read, for each kind of value written in another form than stored (see Tally). */
  converted?(column: string, kind: string, rows: number): void;
}

/**
 * Bytes per write to the COPY stream. Every write is a CopyData message and two socket writes;
 * fewer, larger ones wake the server less often (with 64 KB writes, socket writes took 0.3 s of CPU for
 * the 100 MB of the benchmark; 0.1 s with 256 KB).
 */
const SEND = 1 << 18;
/** Tables with at least this many rows are read on a worker thread (when one is free). */
export const WORKER_ROWS = 20_000;
/** Reader threads at once, in this process: the main thread and PostgreSQL need cores too. */
const MAX_READERS = Math.max(1, Math.min(3, availableParallelism() - 1));
let readers = 0;

/**
 * Takes a reader thread for a table of `rows` rows if one is free (call it before the first
 * await, largest table first, so the biggest tables get them); give it back with releaseReader.
 */
export function takeReader(rows: number): boolean {
  if (rows < WORKER_ROWS || readers >= MAX_READERS) return false;
  readers++;
  return true;
}

/** Gives back a reader thread taken with takeReader. */
export function releaseReader(): void {
  readers--;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Streams one table through COPY FROM STDIN on a client already inside a transaction. Returns rows sent. */
export async function copyTable(client: pg.Client, job: CopyJob): Promise<number> {
  const db = new Database(job.sqlitePath, { readonly: true, fileMustExist: true });
  // One pass in rowid order gains nothing from the driver's 16 MB page cache; the OS caches the file.
  db.pragma(`cache_size = -${READ_CACHE_KB}`);
  let lookup: Database.Database | undefined;
  // Ended early (a refused value, an abort, a reader that failed): the server must hear of it,
  // or the transaction's ROLLBACK would wait behind a COPY that never ends.
  let open: { destroyed: boolean; destroy(e: Error): void } | undefined;
  // One read transaction: every batch sees the same snapshot of the file.
  db.exec('BEGIN');
  try {
    const keyCols = job.withoutRowid ? [] : ['rowid'];
    const offset = keyCols.length;
    const selected = [...keyCols, ...job.columns.map((c) => q(c.name))].join(', ');
    const kept = job.exclude ? ` AND NOT (${job.exclude})` : '';
    const tallies: Tally[] = job.columns.map(() => new Map());
    const encoders: Encoder[] = job.columns.map((c, i) => encoderFor(c, { tally: tallies[i] }));
    const trusted: Encoder[] = job.columns.map((c, i) => encoderFor(c, { trustFffd: true, tally: tallies[i] }));
    const n = encoders.length;
    const stream = client.query(
      copyFrom(
        `COPY ${job.target} (${job.columns.map((c) => q(c.pgName ?? c.name)).join(', ')}) FROM STDIN${job.freeze ? ' (FREEZE)' : ''}`,
      ),
    );
    open = stream;
    let streamError: Error | undefined;
    const failed = new Promise<never>((_, reject) =>
      stream.on('error', (e: Error) => {
        streamError = e;
        reject(e);
      }),
    );
    failed.catch(() => {});
    const finished = new Promise<void>((resolve) => stream.on('finish', () => resolve()));
    const where = (row: unknown[]) =>
      job.withoutRowid
        ? `key (${job.primaryKey.map((k) => `${k}=${showValue(row[offset + job.columns.findIndex((c) => c.name === k)])}`).join(', ')})`
        : `rowid ${String(row[0])}`;
    // better-sqlite3 keeps a connection busy while iterating, so raw bytes are read on a second one.
    const storedBytes = (row: unknown[], column: string): Buffer | null => {
      lookup ??= new Database(job.sqlitePath, { readonly: true, fileMustExist: true });
      const cond = job.withoutRowid ? job.primaryKey.map((k) => `${q(k)} = ?`).join(' AND ') : 'rowid = ?';
      const args = job.withoutRowid ? job.primaryKey.map((k) => row[offset + job.columns.findIndex((c) => c.name === k)]) : [row[0]];
      const r = lookup
        .prepare(`SELECT CAST(${q(column)} AS BLOB) FROM ${q(job.table)} WHERE ${cond}`)
        .raw(true)
        .safeIntegers(true)
        .get(...args) as [Buffer] | undefined;
      return r ? r[0] : null;
    };
    /** The row's COPY line, or null when it was written to the reject file; throws under on_bad_value: fail. */
    const encodeRow = (row: unknown[]): string | null => {
      if (job.refused !== undefined && job.refused.size > 0) {
        const why = job.refused.get(where(row));
        if (why !== undefined) {
          job.rejects.add({
            table: job.table,
            where: where(row),
            column: null,
            reason: why,
            row: Object.fromEntries(job.columns.map((c, i) => [c.name, row[i + offset]])),
          });
          return null;
        }
      }
      let line = '';
      let badColumn = -1;
      for (let i = 0; i < n; i++) {
        const v = row[i + offset];
        let s: string | undefined;
        if (v === null) s = '\\N';
        else {
          s = (encoders[i] as Encoder)(v);
          if (s === undefined && refusal.reason === MAYBE_INVALID_UTF8) {
            const bytes = storedBytes(row, (job.columns[i] as ColumnMapping).name);
            let valid = true;
            try {
              if (bytes) utf8.decode(bytes);
            } catch {
              valid = false;
            }
            if (valid) s = (trusted[i] as Encoder)(v);
            else refusal.reason = 'is not valid UTF-8';
          }
          if (s === undefined) {
            badColumn = i;
            break;
          }
        }
        line = i === 0 ? s : `${line}\t${s}`;
      }
      if (badColumn < 0) return line;
      const col = job.columns[badColumn] as ColumnMapping;
      const value = row[badColumn + offset];
      if (job.onBadValue === 'fail') {
        stream.destroy(new Error('stopped at a refused value'));
        throw new Failed(
          'data',
          `table "${job.table}", ${where(row)}, column "${col.name}" (${col.pgType}): the value ${showValue(value)} ${refusal.reason}.`,
          'Fix the value in SQLite, add a cast rule for the column, or set on_bad_value: reject to write such rows to a reject file.',
          { removeMade: true },
        );
      }
      job.rejects.add({
        table: job.table,
        where: where(row),
        column: col.name,
        reason: refusal.reason,
        row: Object.fromEntries(job.columns.map((c, i) => [c.name, row[i + offset]])),
      });
      return null;
    };
    let sent = 0;
    let seen = 0;
    /** Writes to the COPY stream, waiting while PostgreSQL catches up. */
    const write = async (data: Uint8Array): Promise<void> => {
      if (streamError) throw streamError;
      if (job.signal.aborted) {
        stream.destroy(new Error('aborted'));
        throw new Failed('cancelled', `the transfer was stopped while copying "${job.table}"`);
      }
      const more = stream.write(data);
      job.progress(seen);
      // The socket often takes a chunk straight into the kernel and never says "wait": yield
      // anyway, so tables loading side by side share the thread.
      if (!more) await Promise.race([new Promise((r) => stream.once('drain', r)), failed]);
      else await new Promise((r) => setImmediate(r));
    };
    // Lines waiting to be sent, in order: JS-encoded text, then bytes (SQLite's batches and that text).
    let text = '';
    const parts: Uint8Array[] = [];
    let waiting = 0;
    const textToBytes = () => {
      if (text.length === 0) return;
      const bytes = Buffer.from(text, 'utf8');
      parts.push(bytes);
      waiting += bytes.byteLength;
      text = '';
    };
    const addBytes = (bytes: Uint8Array) => {
      textToBytes();
      parts.push(bytes);
      waiting += bytes.byteLength;
    };
    /** Sends what waits once it is big enough (or now, when `force`). */
    const flush = async (force: boolean): Promise<void> => {
      if (waiting + text.length < SEND && !(force && waiting + text.length > 0)) return;
      textToBytes();
      const data = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, waiting);
      parts.length = 0;
      waiting = 0;
      await write(data);
    };
    const encodeAll = async (rows: Iterable<unknown[]>, count: boolean): Promise<void> => {
      for (const row of rows) {
        const line = encodeRow(row);
        if (count) seen++;
        if (line === null) continue;
        job.lines?.push(where(row));
        text += `${line}\n`;
        sent++;
        await flush(false);
      }
    };
    // Batches are UTF-8 bytes as stored: a UTF-16 file goes through JS.
    const fast =
      job.withoutRowid || job.lines !== undefined || db.pragma('encoding', { simple: true }) !== 'UTF-8' ? null : tableSql(job.columns);
    if (fast === null) {
      const stmt = db
        .prepare(`SELECT ${selected} FROM ${q(job.table)}${job.exclude ? ` WHERE NOT (${job.exclude})` : ''}`)
        .raw(true)
        .safeIntegers(true);
      await encodeAll(stmt.iterate() as IterableIterator<unknown[]>, true);
    } else {
      const query: BatchQuery = {
        sqlitePath: job.sqlitePath,
        sql: batchSql(job.table, fast, job.exclude),
        pattern: fast.pattern,
      };
      const range = db
        .prepare(`SELECT ${selected} FROM ${q(job.table)} WHERE rowid > ? AND rowid <= ?${kept} ORDER BY rowid`)
        .raw(true)
        .safeIntegers(true);
      let batches: BatchSource | undefined;
      try {
        batches = job.reader ? batchesInWorker(query) : batchesHere(db, query);
        for await (const b of batches) {
          if (!b.ok) {
            // Something SQL did not rule out (a line break, a bad date, invalid UTF-8...): JS decides, row by row.
            await encodeAll(range.all(b.from, b.to) as unknown[][], false);
          } else {
            if (b.text !== null) {
              addBytes(b.text);
              sent += b.cleanRows;
            }
            if (b.unclean !== null)
              await encodeAll(
                db
                  .prepare(`SELECT ${selected} FROM ${q(job.table)} WHERE rowid IN (${b.unclean}) ORDER BY rowid`)
                  .raw(true)
                  .safeIntegers(true)
                  .all() as unknown[][],
                false,
              );
          }
          seen += b.rows;
          await flush(false);
        }
      } finally {
        await batches?.close();
      }
    }
    await flush(true);
    stream.end();
    await Promise.race([finished, failed]);
    open = undefined;
    job.progress(seen);
    job.columns.forEach((c, i) => tallies[i]?.forEach((n, kind) => job.converted?.(c.name, kind, n)));
    return sent;
  } finally {
    if (open && !open.destroyed) open.destroy(new Error('stopped'));
    db.close();
    lookup?.close();
  }
}
