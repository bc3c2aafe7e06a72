import type Database from 'better-sqlite3';
import type pg from 'pg';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Failed } from '../core/failure.js';
import { watchConnection } from './lost-connection.js';

// Drivers load on first use, so validating a plan does not pay for them.
const load = createRequire(import.meta.url);

/** Opens a SQLite file; read-only unless the caller writes. A missing file is a typed failure with a clear message. */
export function openSqlite(path: string, options: { readonly readonly: boolean; readonly workDir?: string }): Database.Database {
  const full = resolve(options.workDir ?? process.cwd(), path);
  if (!existsSync(full)) throw new Failed('file', `SQLite file "${path}" does not exist (looked at ${full})`, undefined, { bare: true });
  const Driver = load('better-sqlite3') as typeof Database;
  return new Driver(full, { readonly: options.readonly, fileMustExist: true });
}

const CONNECT_TIMEOUT_MS = 10_000;

/** The server did not complete the connection within the connect timeout (pg says so only in words). */
export class ConnectTimeout extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ConnectTimeout';
  }
}

/** Connects to PostgreSQL; the caller ends the client. A lost connection fails the client's statements, never the process. */
export async function connectPostgres(url: string): Promise<pg.Client> {
  const { Client } = load('pg') as typeof pg;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  watchConnection(client);
  // Made before pg's own timer of the same length, so it has fired by the time pg gives up.
  let expired = false;
  const timer = setTimeout(() => (expired = true), CONNECT_TIMEOUT_MS);
  try {
    await client.connect();
  } catch (e) {
    throw expired && typeof (e as { code?: unknown }).code !== 'string' ? new ConnectTimeout(e) : e;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** Quotes an identifier for PostgreSQL or SQLite (both use double quotes, doubled inside). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1****@');
}
