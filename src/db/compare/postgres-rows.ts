import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';
import { BATCH_ROWS, type RowBatch, type RowSource } from './row-source.js';

/** A table of the session: its schema and name on the server. */
export interface PgTableName {
  readonly schema: string;
  readonly name: string;
}

// Every value as the server prints it: the canonical form is computed from that text.
const asText: pg.CustomTypesConfig = { getTypeParser: (() => (text: string) => text) as unknown as pg.CustomTypesConfig['getTypeParser'] };

/** The session settings that make the server's text output the same on every server: UTC, ISO dates, exact floats, hex bytes. */
export const CANONICAL_OUTPUT_SETTINGS =
  "set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'; set local extra_float_digits = 3; set local bytea_output = 'hex'";

let cursors = 0;

/** Reads PostgreSQL tables through a cursor inside the session's transaction, fetching the next batch while the last one is checked. */
export function postgresRows(client: pg.Client, nameOf: (table: string) => PgTableName): RowSource {
  const qualified = (table: string) => {
    const t = nameOf(table);
    return `${q(t.schema)}.${q(t.name)}`;
  };
  return {
    dialect: 'postgres',
    async shape(table) {
      const rel = qualified(table);
      const cols = await client.query<{ name: string; type: string }>(
        `select a.attname as name, t.typname as type from pg_attribute a join pg_type t on t.oid = a.atttypid
          where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
        [rel],
      );
      const key = await client.query<{ name: string }>(
        `select a.attname as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
          where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
        [rel],
      );
      return { columns: cols.rows.map((c) => ({ name: c.name, pgType: c.type })), key: key.rows.map((k) => k.name) };
    },
    read(table, columns, order, where) {
      const cursor = `rb_rows_${++cursors}`;
      const by = order ? ` order by ${order.map((k) => `${q(k.name)}${k.text ? ' collate "C"' : ''}`).join(', ')}` : '';
      const sql = `select ${columns.map(q).join(', ')} from ${qualified(table)}${where ? ` where (${where})` : ''}${by}`;
      const opened = client.query(`declare ${cursor} no scroll cursor for ${sql}`);
      const fetch = async (): Promise<RowBatch> => {
        await opened;
        const r = await client.query<unknown[]>({ text: `fetch forward ${BATCH_ROWS} from ${cursor}`, rowMode: 'array', types: asText });
        return r.rows;
      };
      let pending: Promise<RowBatch> | null = fetch();
      // A rejected prefetch nobody awaits yet must not become an unhandled rejection.
      pending.catch(() => {});
      return {
        async next() {
          if (pending === null) return null;
          const batch = await pending;
          pending = batch.length < BATCH_ROWS ? null : fetch();
          pending?.catch(() => {});
          return batch.length > 0 ? batch : null;
        },
        async close() {
          await pending?.catch(() => {});
          pending = null;
          await opened.catch(() => {});
          await client.query(`close ${cursor}`).catch(() => {});
        },
      };
    },
  };
}
