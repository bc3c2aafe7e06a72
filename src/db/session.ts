import type Database from 'better-sqlite3';
import type pg from 'pg';
import { resolve } from 'node:path';
import type { ConnectionSpec } from '../core/connection.js';
import { connectPostgres, openSqlite } from './connections.js';
import type { Failure } from '../core/failure.js';
import { cancelledFailure, connectFailure, ConnectionError, queryFailure } from './failure.js';
import { lostConnection } from './lost-connection.js';

type PostgresSpec = Extract<ConnectionSpec, { type: 'postgres' }>;
type SqliteSpec = Extract<ConnectionSpec, { type: 'sqlite' }>;

/** The value of `work`, or why it failed: connect errors, SQL errors and aborts become values. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

/**
 * Connects, runs `work`, and always ends the client. When the signal fires, the running
 * statement is cancelled on the server (pg_cancel_backend from a second connection) so a
 * long query does not go on after the step gave up.
 */
export async function withPostgres<T>(
  conn: PostgresSpec,
  signal: AbortSignal,
  work: (client: pg.Client) => Promise<T>,
  what = 'query',
): Promise<Outcome<T>> {
  if (signal.aborted) return cancelledFailure(signal);
  let client: pg.Client;
  try {
    client = await connectPostgres(conn.url);
  } catch (err) {
    return signal.aborted ? cancelledFailure(signal) : connectFailure(conn, err);
  }
  let cancelling: Promise<void> | undefined;
  const onAbort = () => {
    cancelling = cancelStatement(conn.url, client);
  };
  try {
    if (signal.aborted) return cancelledFailure(signal);
    signal.addEventListener('abort', onAbort, { once: true });
    return { ok: true, value: await work(client) };
  } catch (err) {
    if (signal.aborted) {
      await cancelling;
      return cancelledFailure(signal);
    }
    // An error from the other connection of a two-connection session is not this client's.
    const own = !(err instanceof ConnectionError) || err.conn === conn;
    return queryFailure(conn, err, what, lostConnection(err instanceof ConnectionError ? err.cause : err, own ? [client] : []));
  } finally {
    signal.removeEventListener('abort', onAbort);
    await cancelling;
    await client.end().catch(() => {});
  }
}

// pg keeps the pid from the BackendKeyData message at connect; it is not in the typings.
function backendPid(client: pg.Client): number | undefined {
  const pid = (client as unknown as { processID?: unknown }).processID;
  return typeof pid === 'number' ? pid : undefined;
}

/** Cancels the statement `client` is running, from a second connection (pg_cancel_backend); best effort, never fails. */
export async function cancelStatement(url: string, client: pg.Client): Promise<void> {
  const pid = backendPid(client);
  if (pid === undefined) return;
  try {
    const killer = await connectPostgres(url);
    try {
      await killer.query('select pg_cancel_backend($1)', [pid]);
    } finally {
      await killer.end();
    }
  } catch {
    // Best effort: ending the client below still stops us waiting for the query.
  }
}

/** Opens the SQLite file (read-only unless `write`), runs `work`, always closes it. */
export async function withSqlite<T>(
  conn: SqliteSpec,
  options: { readonly workDir: string; readonly write: boolean; readonly signal: AbortSignal },
  work: (db: Database.Database, fullPath: string) => Promise<T> | T,
  what = 'query',
): Promise<Outcome<T>> {
  if (options.signal.aborted) return cancelledFailure(options.signal);
  let db: Database.Database;
  try {
    db = openSqlite(conn.path, { readonly: !options.write, workDir: options.workDir });
  } catch (err) {
    return {
      ok: false,
      kind: 'connect',
      message: `cannot open "${conn.name}": ${err instanceof Error ? err.message : String(err)}`,
      hint: `relative SQLite paths resolve against ${options.workDir}`,
    };
  }
  try {
    return { ok: true, value: await work(db, resolve(options.workDir, conn.path)) };
  } catch (err) {
    if (options.signal.aborted) return cancelledFailure(options.signal);
    return queryFailure(conn, err, what);
  } finally {
    db.close();
  }
}
