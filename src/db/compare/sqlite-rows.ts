import type Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import { BATCH_ROWS, type RowReader, type RowSource } from './row-source.js';

interface XInfo {
  name: string;
  pk: number;
  hidden: number;
}

/** Reads SQLite tables as better-sqlite3 returns values (integers as bigint, BLOBs as Buffer). */
export function sqliteRows(db: Database.Database, signal: AbortSignal): RowSource {
  return {
    dialect: 'sqlite',
    async shape(table) {
      // hidden 1 is a virtual table's hidden column; 2 and 3 are generated columns, which are stored data.
      const cols = (db.prepare(`pragma main.table_xinfo(${q(table)})`).all() as XInfo[]).filter((c) => c.hidden !== 1);
      const key = cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      return { columns: cols.map((c) => ({ name: c.name, pgType: null })), key };
    },
    read(table, columns, order, where) {
      // BINARY sorts text by its UTF-8 bytes, as PostgreSQL's "C" collation does.
      const by = order ? ` ORDER BY ${order.map((k) => `${q(k.name)}${k.text ? ' COLLATE BINARY' : ''}`).join(', ')}` : '';
      const sql = `SELECT ${columns.map(q).join(', ')} FROM main.${q(table)}${where ? ` WHERE (${where})` : ''}${by}`;
      const rows = db.prepare(sql).raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>;
      let done = false;
      const reader: RowReader = {
        async next() {
          // better-sqlite3 blocks while it reads: yielding lets the other side's fetch and an abort through.
          await new Promise((r) => setImmediate(r));
          if (signal.aborted) throw new Error('aborted');
          if (done) return null;
          const batch: unknown[][] = [];
          for (let r = rows.next(); ; r = rows.next()) {
            if (r.done) {
              done = true;
              break;
            }
            batch.push(r.value);
            if (batch.length === BATCH_ROWS) break;
          }
          return batch.length > 0 ? batch : null;
        },
        async close() {
          done = true;
          rows.return?.();
        },
      };
      return reader;
    },
  };
}
