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
  await waitForRow(
    url,
    'select 1 as none where not exists (select 1 from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid())',
    [],
  );
}

/** Waits until PostgreSQL is writing rows of `table` (schema-qualified) through COPY, and returns that backend's pid. */
export async function copyingInto(url: string, table: string): Promise<number> {
  const { pid } = await waitForRow<{ pid: number }>(
    url,
    'select pid from pg_stat_progress_copy where relid = to_regclass($1) and tuples_processed > 0',
    [table],
  );
  return pid;
}

/** A gate the test holds on a table the code under test will create: see gateTruncate. */
export interface TruncateGate {
  /** Waits until a TRUNCATE of the table is held at the gate. */
  held(): Promise<void>;
  /** Lets it (and any later one) through. */
  open(): Promise<void>;
}

/**
 * Holds back every TRUNCATE of `table` (in public, made later by the code under test) until the
 * test calls `open()`: an event trigger gives the new table a BEFORE TRUNCATE trigger that waits
 * for an advisory lock the test holds. The transfer empties each table in its load transaction
 * before COPY, so this stops a table's load before its first row, for as long as the test wants.
 */
export async function gateTruncate(url: string, table: string): Promise<TruncateGate> {
  const key = 7_310_017;
  await query(
    url,
    `
    CREATE FUNCTION runbook_test_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(${key}); RETURN NULL; END $$;
    CREATE FUNCTION runbook_test_add_gate() RETURNS event_trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_identity = ${pgLiteral(`public.${table}`)}) THEN
        EXECUTE 'CREATE TRIGGER runbook_test_gate BEFORE TRUNCATE ON public.${table} FOR EACH STATEMENT EXECUTE FUNCTION runbook_test_gate()';
      END IF;
    END $$;
    CREATE EVENT TRIGGER runbook_test_add_gate ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION runbook_test_add_gate();`,
  );
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [key]);
  return {
    held: async () => {
      await waitForRow(
        url,
        `select 1 as held from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory' and strpos(query, 'TRUNCATE') > 0`,
        [],
      );
    },
    open: async () => {
      await holder.query('SELECT pg_advisory_unlock($1)', [key]);
      await holder.end();
    },
  };
}

const pgLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
