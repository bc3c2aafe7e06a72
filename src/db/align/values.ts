import type Database from 'better-sqlite3';
import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';
import { qualified } from '../ddl/schema-ddl.js';
import type { SqliteTable } from '../introspect/sqlite-schema.js';

const BATCH = 5000;

/** A SQLite value as text for a PostgreSQL cast (numbers in their shortest exact form). */
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return String(v);
}

/**
 * Copies one column's values from SQLite again, row by row through the primary key, where
 * PostgreSQL holds something else. Returns how many rows it changed. The table must have a key.
 */
export async function recopyByKey(
  client: pg.Client,
  db: Database.Database,
  schema: string,
  table: SqliteTable,
  column: string,
  pgType: string,
  keyTypes: readonly string[],
): Promise<number> {
  const key = table.primaryKey;
  const name = qualified(schema, table.name);
  const vars = key.map((_, i) => `k${i}`);
  const sql =
    `UPDATE ${name} AS t SET ${q(column)} = v.val::${pgType} ` +
    `FROM unnest(${[...key.map((_, i) => `$${i + 1}::text[]`), `$${key.length + 1}::text[]`].join(', ')}) AS v(${[...vars, 'val'].join(', ')}) ` +
    `WHERE ${key.map((k, i) => `t.${q(k)} = v.k${i}::${keyTypes[i] ?? 'text'}`).join(' AND ')} AND t.${q(column)} IS DISTINCT FROM v.val::${pgType}`;
  const read = db
    .prepare(`SELECT ${[...key, column].map(q).join(', ')} FROM ${q(table.name)}`)
    .raw(true)
    .safeIntegers(true);
  let changed = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const params = [...key, column].map((_, i) => batch.map((row) => asText(row[i])));
    changed += (await client.query(sql, params)).rowCount ?? 0;
    batch = [];
  };
  for (const row of read.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return changed;
}

/**
 * For a table without a primary key: how many SQLite values of the column have no equal in
 * PostgreSQL, compared as multisets (each value with how often it occurs).
 */
export async function countDifferent(
  client: pg.Client,
  db: Database.Database,
  schema: string,
  table: SqliteTable,
  column: string,
  pgType: string,
): Promise<number> {
  await client.query(`CREATE TEMP TABLE runbook_align_values (v ${pgType}) ON COMMIT DROP`);
  let batch: (string | null)[] = [];
  const flush = async () => {
    if (batch.length > 0) await client.query(`INSERT INTO runbook_align_values SELECT x::${pgType} FROM unnest($1::text[]) x`, [batch]);
    batch = [];
  };
  for (const [v] of db
    .prepare(`SELECT ${q(column)} FROM ${q(table.name)}`)
    .raw(true)
    .iterate() as Iterable<unknown[]>) {
    batch.push(asText(v));
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // EXCEPT ALL compares as multisets and takes NULL as equal to NULL.
  const r = await client.query(
    `SELECT count(*)::int AS n FROM (SELECT v FROM runbook_align_values EXCEPT ALL SELECT ${q(column)} FROM ${qualified(schema, table.name)}) d`,
  );
  await client.query('DROP TABLE runbook_align_values');
  return Number(r.rows[0]?.n ?? 0);
}
