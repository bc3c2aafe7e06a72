import type pg from 'pg';
import { copyTable, releaseReader, takeReader } from './copy.js';
import type { RejectLog } from './copy-rejects.js';
import { qualified } from '../ddl/schema-ddl.js';
import { LOST_HINT, lostConnection, lostMessage } from '../lost-connection.js';
import { BadValueFailure, TransferFailure } from './failure.js';
import { runPool } from './pool.js';
import { markComplete } from './state.js';
import type { ColumnMapping } from '../ddl/typemap.js';
import type { SqliteTable } from '../introspect/sqlite-schema.js';
import type { BadValuePolicy } from '../policies.js';

/** One table to load, with the columns COPY writes. */
export interface LoadJob {
  readonly table: SqliteTable;
  readonly columns: readonly ColumnMapping[];
  readonly sourceRows: number;
  /** Rows left out before the load (orphans), already written to the reject file. */
  readonly excluded: number;
  readonly exclude: string | null;
  /** Empty the table first (a resumed run, or if_exists: truncate). */
  readonly truncate: boolean;
}

/** Settings shared by every load job. */
export interface LoadSettings {
  readonly sqlitePath: string;
  readonly schema: string;
  readonly onBadValue: Exclude<BadValuePolicy, 'widen'>;
  readonly rejects: RejectLog;
  readonly signal: AbortSignal;
  /** Loads a table only after the tables it references (data-only loads into tables with live FKs). */
  readonly parentsFirst: boolean;
  progress(table: string, done: number, total: number): void;
  /** Values of a column written in another form than SQLite stored them (see encode.ts Tally), once the table is loaded. */
  converted?(table: string, column: string, kind: string, rows: number): void;
  /** Called after a table's COPY and its state row are committed. */
  loaded(table: string, rows: number): void;
  /**
   * Called on the table's connection after `loaded` when no other table waits for a connection:
   * work for that table (its keys) runs while the last tables are still loading.
   */
  meanwhile?(table: string, client: pg.Client): Promise<void>;
}

/** The line of the COPY data PostgreSQL refused for its value (a data or integrity error), or undefined. */
function refusedLine(e: unknown): number | undefined {
  const err = e as { code?: string; where?: string };
  const m = /COPY .*, line (\d+)/.exec(err.where ?? '');
  return m && /^2[23]/.test(err.code ?? '') ? Number(m[1]) : undefined;
}

/** The failure for a value PostgreSQL refused during COPY under on_bad_value: fail, naming table, row and column. */
function refusedValue(job: LoadJob, row: string, e: unknown): BadValueFailure {
  const err = e as { message?: string; where?: string };
  const pgColumn = /, column (.+?): /.exec(err.where ?? '')?.[1] ?? /, column (.+)$/.exec(err.where ?? '')?.[1];
  const column = job.columns.find((c) => (c.pgName ?? c.name) === pgColumn);
  return new BadValueFailure(
    `table "${job.table.name}", ${row}, column "${column?.name ?? pgColumn ?? '?'}"${column ? ` (${column.pgType})` : ''}: PostgreSQL refused the value: ${err.message ?? String(e)}.`,
    'Fix the value in SQLite, add a cast rule that takes it (a wider type, or text), or set on_bad_value: reject to write such rows to a reject file.',
  );
}

/**
 * Loads tables on parallel connections, largest first. Each table's COPY and its "complete"
 * mark commit together, so a crash leaves a table either complete or empty and pending.
 */
export async function loadTables(clients: readonly pg.Client[], jobs: readonly LoadJob[], s: LoadSettings): Promise<void> {
  const sorted = [...jobs].sort((a, b) => b.sourceRows - a.sourceRows);
  const names = new Set(jobs.map((j) => j.table.name.toLowerCase()));
  const ready = (job: LoadJob, done: ReadonlySet<LoadJob>) =>
    !s.parentsFirst ||
    job.table.foreignKeys.every((fk) => {
      const parent = fk.refTable.toLowerCase();
      return parent === job.table.name.toLowerCase() || !names.has(parent) || [...done].some((d) => d.table.name.toLowerCase() === parent);
    });
  let started = 0;
  let finished = 0;
  // The first failure stops the other tables' COPY too: nobody waits for a big table to finish
  // loading only to hear that a small one failed.
  const stop = new AbortController();
  const stopAll = () => stop.abort();
  let first: unknown;
  const loadOne = async (job: LoadJob, worker: number): Promise<void> => {
    if (stop.signal.aborted) throw new TransferFailure(`the transfer was stopped before copying "${job.table.name}"`);
    // Before any await: jobs start largest first, so the biggest tables get the reader threads.
    const reader = takeReader(job.sourceRows);
    started++;
    const client = clients[worker] as pg.Client;
    const target = qualified(s.schema, job.table.name);
    let last = 0;
    let lastDone = -1;
    // Tables without live foreign keys (every mode but data-only, the one that loads parents
    // first) are emptied in the load's own transaction: it costs nothing on a new table and lets
    // COPY FREEZE write rows already frozen, so index builds and VACUUM need not revisit pages.
    const truncate = job.truncate || !s.parentsFirst;
    // A row PostgreSQL itself refuses (an overflow, a date out of its range) ends the COPY; under
    // reject the table is loaded again, one row at a time through JS so the error's line number
    // names the row, without the rows refused so far.
    const refused = new Map<string, string>();
    let lines: string[] | undefined;
    const attempt = async (): Promise<number> => {
      await client.query('BEGIN');
      // Only this transaction: a server crash may lose it, and then the table is still pending.
      await client.query('SET LOCAL synchronous_commit = off');
      if (truncate) await client.query(`TRUNCATE ${target}`);
      return copyTable(client, {
        sqlitePath: s.sqlitePath,
        table: job.table.name,
        columns: job.columns,
        target,
        withoutRowid: job.table.withoutRowid,
        freeze: truncate,
        reader: reader && lines === undefined,
        primaryKey: job.table.primaryKey,
        exclude: job.exclude,
        onBadValue: s.onBadValue,
        rejects: s.rejects,
        signal: stop.signal,
        refused,
        lines,
        converted: (column, kind, n) => s.converted?.(job.table.name, column, kind, n),
        progress: (done) => {
          const now = Date.now();
          if (done !== lastDone && (now - last >= 250 || done === job.sourceRows)) {
            last = now;
            lastDone = done;
            s.progress(job.table.name, done + job.excluded, job.sourceRows);
          }
        },
      });
    };
    try {
      let rows: number | undefined;
      while (rows === undefined) {
        try {
          rows = await attempt();
        } catch (e) {
          const line = e instanceof TransferFailure ? undefined : refusedLine(e);
          if (line === undefined || lostConnection(e, [client]) !== undefined) throw e;
          await client.query('ROLLBACK');
          const at = lines?.[line - 1];
          if (s.onBadValue === 'fail') {
            // Loaded again through JS once, so the refused line names its row.
            if (at !== undefined) throw refusedValue(job, at, e);
            if (lines !== undefined) throw e;
            lines = [];
            continue;
          }
          if ((lines !== undefined && at === undefined) || (at !== undefined && refused.has(at))) throw e;
          if (at !== undefined) refused.set(at, `PostgreSQL refused it: ${(e as Error).message}`);
          lines = [];
        }
      }
      await markComplete(client, s.schema, job.table.name, rows, job.sourceRows);
      await client.query('COMMIT');
      s.loaded(job.table.name, rows);
      finished++;
      if (started === sorted.length && finished < sorted.length) await s.meanwhile?.(job.table.name, client);
    } catch (e) {
      const err = e as { message?: string; where?: string };
      // A lost connection also ends a COPY with an error, but no row is to blame for it.
      const lost = lostConnection(e, [client]);
      const failure =
        lost !== undefined
          ? new TransferFailure(lostMessage(lost, `while copying table "${job.table.name}"`), LOST_HINT)
          : !(e instanceof TransferFailure) && err.where?.includes('COPY')
            ? new TransferFailure(
                `PostgreSQL refused a row of "${job.table.name}": ${err.message ?? String(e)} (${err.where}).`,
                'Add a cast rule for the column or fix the value in SQLite.',
              )
            : e;
      first ??= failure;
      stopAll();
      await client.query('ROLLBACK').catch(() => {});
      throw failure;
    } finally {
      if (reader) releaseReader();
    }
  };
  s.signal.addEventListener('abort', stopAll);
  try {
    await runPool(sorted, clients.length, loadOne, ready);
  } catch (e) {
    // The failure that stopped the others, not one of the "stopped" that followed it.
    throw first ?? e;
  } finally {
    s.signal.removeEventListener('abort', stopAll);
  }
}
