import type { ConnectionSpec } from '../core/connection.js';
import { redactUrl } from './connections.js';
import { LOST_HINT, lostMessage } from './lost-connection.js';

/** Why a database operation did not produce a result, worded for the operator. */
export interface DbFailure {
  readonly ok: false;
  readonly phase: 'connect' | 'query' | 'cancelled';
  readonly message: string;
  readonly hint?: string;
}

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
export function connectFailure(conn: ConnectionSpec, err: unknown): DbFailure {
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
  const [cause, hint] =
    (f.code ? known[f.code] : undefined) ??
    (/timeout/i.test(f.message)
      ? ['the connection timed out', `check that ${hostPort} is reachable from this machine`]
      : [f.message, conn.type === 'sqlite' ? 'check the path of the SQLite file in the plan' : 'check the connection URL']);
  return { ok: false, phase: 'connect', message: `cannot connect to ${where}: ${cause}`, hint };
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
export function queryFailure(conn: ConnectionSpec, err: unknown, what = 'query', lost?: string, table?: string): DbFailure {
  if (err instanceof ConnectionError) return queryFailure(err.conn, err.cause, what, lost, err.table);
  const about = table === undefined ? '' : `table "${table}": `;
  if (lost !== undefined) {
    return {
      ok: false,
      phase: 'query',
      message: lostMessage(lost, `during the ${what}${table === undefined ? '' : ` of table "${table}"`}`, conn.name),
      hint: LOST_HINT,
    };
  }
  const f = fieldsOf(err);
  return {
    ok: false,
    phase: 'query',
    message: `${what} failed on connection "${conn.name}": ${about}${f.message}`,
    hint: f.hint ?? `the ${what} ran on ${whereLabel(conn)}; try it there by hand to see the full error`,
  };
}

/** The operation stopped because the step was aborted (timeout or Ctrl-C). */
export function cancelledFailure(conn: ConnectionSpec, signal: AbortSignal): DbFailure {
  const reason: unknown = signal.reason;
  const why = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'aborted';
  return { ok: false, phase: 'cancelled', message: `work on connection "${conn.name}" was cancelled (${why})` };
}

function hostPortOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the host and port of the URL';
  }
}
