import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';
import { qualified } from '../ddl/schema-ddl.js';
import { Failed } from '../../core/failure.js';
import type { TableOutcome } from './options.js';

/** Moves a column's sequence (identity or serial) past the largest id and SQLite's AUTOINCREMENT mark. */
export async function advanceSequence(
  client: pg.Client,
  schema: string,
  table: string,
  column: string,
  highWater: number,
  onlyIfOwned = false,
): Promise<void> {
  const name = qualified(schema, table);
  if (onlyIfOwned) {
    const r = await client.query('SELECT pg_get_serial_sequence($1, $2) AS s', [name, column]);
    if (!r.rows[0]?.s) return;
  }
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(m, 1), m > 0) FROM (SELECT GREATEST(COALESCE(MAX(${q(column)}), 0), $3::bigint) AS m FROM ${name}) x`,
    [name, column, highWater],
  );
}

/** Proves the load: PostgreSQL holds exactly the rows sent, and sent + rejected = rows in SQLite. */
export async function verifyCounts(client: pg.Client, schema: string, outcomes: readonly TableOutcome[]): Promise<void> {
  for (const t of outcomes) {
    const n = Number((await client.query(`SELECT count(*) AS n FROM ${qualified(schema, t.table)}`)).rows[0]?.n);
    if (n !== t.loaded || t.loaded + t.rejected !== t.sourceRows) {
      throw new Failed(
        'data',
        `table "${t.table}": SQLite has ${t.sourceRows} rows, ${t.rejected} were rejected, PostgreSQL holds ${n} (expected ${t.sourceRows - t.rejected}).`,
        'Something else wrote to the table during the load; roll back and run the transfer again with writes stopped.',
      );
    }
  }
}
