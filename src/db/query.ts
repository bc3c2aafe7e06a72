import type pg from 'pg';
import type { ConnectionSpec } from '../core/connection.js';
import type { JsonValue } from '../core/json.js';
import { withPostgres, withSqlite, type Outcome } from './session.js';
import { checkTypes, toJsonValue, toSqliteParam } from './values.js';

/** The result of one statement: column names in order and rows as arrays (duplicate names survive). */
export interface QueryRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly JsonValue[])[];
  /** Rows the statement changed (0 for a read). */
  readonly changed: number;
}

/** How a query runs: where relative SQLite paths resolve, when to stop, and whether it may write. */
export interface QueryOptions {
  readonly workDir: string;
  readonly signal: AbortSignal;
  /** False: SQLite opens read-only and PostgreSQL runs the statement in a READ ONLY transaction. */
  readonly write: boolean;
}

/**
 * Runs one statement with bound parameters (`?` for SQLite, `$1` for PostgreSQL) and returns
 * its rows as plain JSON. A read-only query that tries to write fails with a clear message.
 */
export async function runQuery(
  conn: ConnectionSpec,
  sql: string,
  params: readonly JsonValue[],
  options: QueryOptions,
): Promise<Outcome<QueryRows>> {
  if (conn.type === 'postgres') {
    return withPostgres(conn, options.signal, (client) => queryPostgres(client, sql, params, options.write));
  }
  return withSqlite(conn, options, (db) => {
    const stmt = db.prepare(sql);
    if (!options.write && !stmt.readonly) {
      throw Object.assign(new Error('the query writes to the database, but the check is read-only'), { hint: WRITE_HINT });
    }
    const bound = params.map(toSqliteParam);
    if (!stmt.reader) return { columns: [], rows: [], changed: stmt.run(...bound).changes };
    stmt.safeIntegers(true).raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows = (stmt.all(...bound) as unknown[][]).map((r) => r.map(toJsonValue));
    return { columns, rows, changed: 0 };
  });
}

const WRITE_HINT = 'add `write: true` to the step if the change is intended';

async function queryPostgres(client: pg.Client, sql: string, params: readonly JsonValue[], write: boolean): Promise<QueryRows> {
  // The extended protocol accepts exactly one statement, so `commit; delete ...` cannot slip
  // out of the read-only transaction. queryMode is in pg but not in its typings.
  const config: pg.QueryArrayConfig & { readonly queryMode: 'extended' } = {
    text: sql,
    values: [...params],
    rowMode: 'array',
    types: checkTypes,
    queryMode: 'extended',
  };
  if (write) return shape(await client.query(config));
  await client.query('begin transaction read only');
  try {
    return shape(await client.query(config));
  } catch (err) {
    // 25006: read_only_sql_transaction, PostgreSQL's refusal of a write.
    if ((err as { code?: unknown }).code === '25006') throw Object.assign(err as Error, { hint: WRITE_HINT });
    throw err;
  } finally {
    await client.query('rollback').catch(() => {});
  }
}

function shape(result: pg.QueryArrayResult): QueryRows {
  const rows = result.rows.map((r) => r.map(toJsonValue));
  const columns = result.fields.map((f) => f.name);
  const changed = result.command === 'SELECT' || columns.length > 0 ? 0 : (result.rowCount ?? 0);
  return { columns, rows, changed };
}
