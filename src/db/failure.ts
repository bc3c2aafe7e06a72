import type Database from 'better-sqlite3';
import type pg from 'pg';
import { createRequire } from 'node:module';
import type { ConnectionSpec } from '../core/connection.js';
import { Failed, stoppedMessage, type Failure } from '../core/failure.js';
import { ConnectTimeout, redactUrl } from './connections.js';
import { LOST_HINT, lostMessage } from './lost-connection.js';

const load = createRequire(import.meta.url);

/** `"target" (postgresql://u:****@host/db)` or `"source" (SQLite file /abs/path.db)`. */
export function whereLabel(conn: ConnectionSpec, fullPath?: string): string {
  return conn.type === 'postgres' ? `"${conn.name}" (${redactUrl(conn.url)})` : `"${conn.name}" (SQLite file ${fullPath ?? conn.path})`;
}

interface ErrorFields {
  readonly code?: string;
  readonly message: string;
  readonly hint?: string;
}

// Node reports a refused dual-stack connect as an AggregateError whose parts carry the code.
function fieldsOf(err: unknown): ErrorFields {
  if (err instanceof AggregateError && err.errors.length > 0) {
    const first = fieldsOf(err.errors[0]);
    return { ...first, code: (err as { code?: string }).code ?? first.code };
  }
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; hint?: unknown };
    return {
      message: e.message,
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    };
  }
  return { message: String(err) };
}

/** A failed connect, with the cause in plain words and where to look. */
export function connectFailure(conn: ConnectionSpec, err: unknown): Failure {
  const f = fieldsOf(err);
  const where = whereLabel(conn);
  const hostPort = conn.type === 'postgres' ? hostPortOf(conn.url) : '';
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: [
      'connection refused',
      `is PostgreSQL running and listening on ${hostPort}? Check the host and port of the connection URL`,
    ],
    ENOTFOUND: ['host not found', 'check the host name of the connection URL'],
    EAI_AGAIN: ['host not found', 'check the host name of the connection URL and the DNS'],
    ETIMEDOUT: ['the connection timed out', `check that ${hostPort} is reachable from this machine`],
    '28P01': [f.message, 'check the user name and password of the connection URL'],
    '28000': [f.message, 'check the user name of the connection URL and pg_hba.conf'],
    '3D000': [f.message, 'create the database first, or fix the database name at the end of the URL'],
  };
  // pg's own connect timeout carries no code: it reads like the socket's.
  const code = err instanceof ConnectTimeout ? 'ETIMEDOUT' : f.code;
  const [cause, hint] = (code ? known[code] : undefined) ?? [
    f.message,
    conn.type === 'sqlite' ? 'check the path of the SQLite file in the plan' : 'check the connection URL',
  ];
  return { ok: false, kind: 'connect', message: `cannot connect to ${where}: ${cause}`, hint };
}

/**
 * An error that says which connection it came from, for work spanning two connections:
 * a source error must not be reported as the target's by the session that catches it.
 */
export class ConnectionError extends Error {
  constructor(
    readonly conn: ConnectionSpec,
    override readonly cause: unknown,
    /** The table the failed statement was about, when there was one. */
    readonly table?: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * A query the database rejected, with the database's own hint when it gave one; or, when the
 * connection itself died (`lost` is its cause), a lost connection that blames no statement.
 */
export function queryFailure(conn: ConnectionSpec, err: unknown, what = 'query', lost?: string, table?: string): Failure {
  if (err instanceof ConnectionError) return queryFailure(err.conn, err.cause, what, lost, err.table);
  const about = table === undefined ? '' : `table "${table}": `;
  if (lost !== undefined) {
    return {
      ok: false,
      kind: 'query',
      message: lostMessage(lost, `during the ${what}${table === undefined ? '' : ` of table "${table}"`}`, conn.name),
      hint: LOST_HINT,
    };
  }
  const f = fieldsOf(err);
  return {
    ok: false,
    kind: 'query',
    message: `${what} failed on connection "${conn.name}": ${about}${f.message}`,
    hint: f.hint ?? `the ${what} ran on ${whereLabel(conn)}; try it there by hand to see the full error`,
  };
}

/** The statement stopped because the step was aborted (timeout or Ctrl-C): it reads like every other stopped step. */
export function cancelledFailure(signal: AbortSignal): Failure {
  return { ok: false, kind: 'cancelled', message: stoppedMessage(signal), hint: 'the running statement was cancelled' };
}

/**
 * The failure an error stands for: a Failed's own value, or an error a driver or the system raised
 * (it carries a code: a SQLite result code, a SQLSTATE, an errno name), bare in its own words so
 * the step can say which work it stopped; undefined for anything else, which is a bug.
 */
export function failureOf(err: unknown): Failure | undefined {
  if (err instanceof Failed) return err.failure;
  if (!(err instanceof Error) || typeof (err as { code?: unknown }).code !== 'string') return undefined;
  return { ok: false, kind: kindOf(err), message: err.message, bare: true };
}

// By class where the driver has one, else by the system call that failed.
function kindOf(err: Error): Failure['kind'] {
  if (err instanceof (load('better-sqlite3') as typeof Database).SqliteError) return 'file';
  if (err instanceof (load('pg') as typeof pg).DatabaseError) return 'query';
  const { syscall } = err as { syscall?: unknown };
  if (err instanceof AggregateError || syscall === 'connect' || syscall === 'getaddrinfo') return 'connect';
  return typeof syscall === 'string' ? 'file' : 'query';
}

function hostPortOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the host and port of the URL';
  }
}
