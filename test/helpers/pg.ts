import pg from 'pg';
import { inject } from 'vitest';

let counter = 0;

/**
 * A fresh, empty database on the run's embedded PostgreSQL, for one test file or test.
 * Returns its URL; the server is stopped (and everything dropped) at the end of the run.
 */
export async function freshDatabase(label = 'db'): Promise<string> {
  const base = inject('pgUrl');
  const name = `t_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now()}_${counter++}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one query on a database URL and returns its rows. */
export async function query<T extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params as unknown[])).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs `sql` on the server until it returns a row, and returns that row: a wait on a condition, never a fixed time. */
export async function waitForRow<T extends Record<string, unknown>>(url: string, sql: string, params: readonly unknown[]): Promise<T> {
  for (;;) {
    const [row] = await query<T>(url, sql, params);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until a statement whose text contains `text` runs on the database of `url`, then ends
 * its session with pg_terminate_backend, as an operator (or a failover) would. Returns its pid.
 */
export async function terminateWhenRunning(url: string, text: string): Promise<number> {
  const { pid } = await waitForRow<{ pid: number }>(
    url,
    `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and strpos(query, $1) > 0`,
    [text],
  );
  await query(url, 'select pg_terminate_backend($1)', [pid]);
  return pid;
}

/** Waits until no session but the caller's is left on the database of `url` (every client was closed). */
export async function noSessionsLeft(url: string): Promise<void> {
  await waitForRow(url, 'select 1 as none where not exists (select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid())', []);
}

/** Waits until PostgreSQL is writing rows of `table` (schema-qualified) through COPY, and returns that backend's pid. */
export async function copyingInto(url: string, table: string): Promise<number> {
  const { pid } = await waitForRow<{ pid: number }>(url, 'select pid from pg_stat_progress_copy where relid = to_regclass($1) and tuples_processed > 0', [table]);
  return pid;
}
