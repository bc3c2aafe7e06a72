import Database from 'better-sqlite3';
import type pg from 'pg';
import { availableParallelism } from 'node:os';
import { quoteIdent as q } from '../connections.js';
import type { RejectLog } from './copy-rejects.js';
import { batchesHere, batchesInWorker, READ_CACHE_KB, type BatchQuery, type BatchSource } from './copy-batches.js';
import { encodeRow, rowCodec, rowWhere, type RowCodec } from './copy-rows.js';
import { abandonCopy, addBytes, endCopy, flush, openCopy, type CopySink } from './copy-stream.js';
import { batchSql, tableSql, type TableSql } from './encode-sql.js';
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

/** Streams one table through COPY FROM STDIN on a client already inside a transaction. Returns rows sent. */
export async function copyTable(client: pg.Client, job: CopyJob): Promise<number> {
  const db = new Database(job.sqlitePath, { readonly: true, fileMustExist: true });
  // One pass in rowid order gains nothing from the driver's 16 MB page cache; the OS caches the file.
  db.pragma(`cache_size = -${READ_CACHE_KB}`);
  let codec: RowCodec | undefined;
  let sink: CopySink | undefined;
  // One read transaction: every batch sees the same snapshot of the file.
  db.exec('BEGIN');
  try {
    codec = rowCodec(job);
    sink = openCopy(
      client,
      `COPY ${job.target} (${job.columns.map((c) => q(c.pgName ?? c.name)).join(', ')}) FROM STDIN${job.freeze ? ' (FREEZE)' : ''}`,
      job,
    );
    // Batches are UTF-8 bytes as stored: a UTF-16 file goes through JS.
    const fast =
      job.withoutRowid || job.lines !== undefined || db.pragma('encoding', { simple: true }) !== 'UTF-8' ? null : tableSql(job.columns);
    if (fast === null) await copyRowByRow(db, job, codec, sink);
    else await copyInBatches(db, job, fast, codec, sink);
    await endCopy(sink);
    const { tallies } = codec;
    job.columns.forEach((c, i) => tallies[i]?.forEach((n, kind) => job.converted?.(c.name, kind, n)));
    return sink.sent;
  } finally {
    abandonCopy(sink);
    db.close();
    codec?.lookup?.close();
  }
}

/** The columns read from SQLite: the rowid first, unless the table has none. */
const selected = (job: CopyJob) => [...(job.withoutRowid ? [] : ['rowid']), ...job.columns.map((c) => q(c.name))].join(', ');

/** Encodes rows in JS and queues their lines (`count`: the rows were not counted as seen yet). */
async function encodeRows(
  codec: RowCodec,
  sink: CopySink,
  lines: string[] | undefined,
  rows: Iterable<unknown[]>,
  count: boolean,
): Promise<void> {
  for (const row of rows) {
    const line = encodeRow(codec, sink, row);
    if (count) sink.seen++;
    if (line === null) continue;
    lines?.push(rowWhere(codec, row));
    sink.text += `${line}\n`;
    sink.sent++;
    await flush(sink, false);
  }
}

/** Every row through the JS encoders (a WITHOUT ROWID table, a UTF-16 file, or when each line's row must be known). */
async function copyRowByRow(db: Database.Database, job: CopyJob, codec: RowCodec, sink: CopySink): Promise<void> {
  const stmt = db
    .prepare(`SELECT ${selected(job)} FROM ${q(job.table)}${job.exclude ? ` WHERE NOT (${job.exclude})` : ''}`)
    .raw(true)
    .safeIntegers(true);
  await encodeRows(codec, sink, job.lines, stmt.iterate() as IterableIterator<unknown[]>, true);
}

/** Clean rows as COPY text SQLite writes itself, in batches (on a reader thread when the job has one); the rest through JS. */
async function copyInBatches(db: Database.Database, job: CopyJob, fast: TableSql, codec: RowCodec, sink: CopySink): Promise<void> {
  const query: BatchQuery = { sqlitePath: job.sqlitePath, sql: batchSql(job.table, fast, job.exclude), pattern: fast.pattern };
  const kept = job.exclude ? ` AND NOT (${job.exclude})` : '';
  const range = db
    .prepare(`SELECT ${selected(job)} FROM ${q(job.table)} WHERE rowid > ? AND rowid <= ?${kept} ORDER BY rowid`)
    .raw(true)
    .safeIntegers(true);
  let batches: BatchSource | undefined;
  try {
    batches = job.reader ? batchesInWorker(query) : batchesHere(db, query);
    for await (const b of batches) {
      if (!b.ok) {
        // Something SQL did not rule out (a line break, a bad date, invalid UTF-8...): JS decides, row by row.
        await encodeRows(codec, sink, job.lines, range.all(b.from, b.to) as unknown[][], false);
      } else {
        if (b.text !== null) {
          addBytes(sink, b.text);
          sink.sent += b.cleanRows;
        }
        if (b.unclean !== null)
          await encodeRows(
            codec,
            sink,
            job.lines,
            db
              .prepare(`SELECT ${selected(job)} FROM ${q(job.table)} WHERE rowid IN (${b.unclean}) ORDER BY rowid`)
              .raw(true)
              .safeIntegers(true)
              .all() as unknown[][],
            false,
          );
      }
      sink.seen += b.rows;
      await flush(sink, false);
    }
  } finally {
    await batches?.close();
  }
}
