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
