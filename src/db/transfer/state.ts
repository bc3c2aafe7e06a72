import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';

/** Name of the table in the target schema that marks which tables a transfer has finished. */
export const STATE_TABLE = '_runbook_transfer';

/** A table's row in the state table. */
export interface TableState {
  readonly table: string;
  readonly status: 'pending' | 'complete';
  readonly rows: number;
  readonly sourceRows: number;
  /** The table was created by the transfer (so rollback may drop it). */
  readonly created: boolean;
}

/** What the state table holds: the schema fingerprint it was made for and each table's status. */
export interface TransferState {
  readonly fingerprint: string;
  readonly tables: ReadonlyMap<string, TableState>;
}

const stateName = (schema: string) => `${q(schema)}.${q(STATE_TABLE)}`;

/** Reads the state of an interrupted transfer, or null when there is none. */
export async function readState(client: pg.Client, schema: string): Promise<TransferState | null> {
  const exists = await client.query(`SELECT to_regclass($1) AS r`, [stateName(schema)]);
  if (exists.rows[0]?.r === null) return null;
  const rows = (await client.query(`SELECT table_name, status, rows, source_rows, created, fingerprint FROM ${stateName(schema)}`))
    .rows as {
    table_name: string;
    status: 'pending' | 'complete';
    rows: string;
    source_rows: string;
    created: boolean;
    fingerprint: string;
  }[];
  return {
    fingerprint: rows[0]?.fingerprint ?? '',
    tables: new Map(
      rows.map((r) => [
        r.table_name,
        { table: r.table_name, status: r.status, rows: Number(r.rows), sourceRows: Number(r.source_rows), created: r.created },
      ]),
    ),
  };
}

/** Creates the state table with every table pending (inside the caller's transaction). */
export async function createState(
  client: pg.Client,
  schema: string,
  fingerprint: string,
  tables: readonly { name: string; created: boolean }[],
): Promise<void> {
  await client.query(
    `CREATE TABLE ${stateName(schema)} (table_name text PRIMARY KEY, status text NOT NULL, rows bigint NOT NULL DEFAULT 0, source_rows bigint NOT NULL DEFAULT 0, created boolean NOT NULL, fingerprint text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const t of tables) {
    await client.query(`INSERT INTO ${stateName(schema)} (table_name, status, created, fingerprint) VALUES ($1, 'pending', $2, $3)`, [
      t.name,
      t.created,
      fingerprint,
    ]);
  }
}

/** Marks a table complete in the same transaction as its COPY, so a crash leaves it pending and empty. */
export async function markComplete(client: pg.Client, schema: string, table: string, rows: number, sourceRows: number): Promise<void> {
  await client.query(
    `UPDATE ${stateName(schema)} SET status = 'complete', rows = $2, source_rows = $3, updated_at = now() WHERE table_name = $1`,
    [table, rows, sourceRows],
  );
}

/** Removes the state table once the whole transfer has finished. */
export async function dropState(client: pg.Client, schema: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${stateName(schema)}`);
}
