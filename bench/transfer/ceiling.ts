/**
 * The complete-load ceiling: an upper bound on the transfer's speed. It does what the step must
 * do (the same tables, rows, keys, indexes, FKs and sequences) with everything the step may use
 * and none of its costs: rows exported beforehand (untimed) and read by the server itself
 * (`COPY ... FROM 'file'`: no SQLite, no encoding, no socket), each table created and loaded with
 * the step's settings (`synchronous_commit = off`, TRUNCATE + `COPY ... FREEZE` in one
 * transaction), on as many connections as the step, largest table first, and the keys other
 * tables point at built while the last table still loads, by the step's own key-building code.
 * No state table, no count check. If the step ever beats it, the ceiling is wrong.
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import { chmodSync, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { connectPostgres, quoteIdent } from '../../src/db/connections.js';
import { qualified, type DdlStatement, type TableDdl } from '../../src/db/ddl/schema-ddl.js';
import { encoderFor } from '../../src/db/transfer/encode.js';
import { planTransfer, type TransferPlan } from '../../src/db/transfer/plan.js';
import { runPool } from '../../src/db/transfer/pool.js';
import { buildAfterLoad, uniqueKeyColumns } from '../../src/db/transfer/postload.js';

/** The transfer's plan for a SQLite file (the ceiling runs exactly its DDL). */
export function planOf(sqlitePath: string): TransferPlan {
  const db = new Database(sqlitePath, { readonly: true });
  try {
    return planTransfer(db, { schema: 'public', cast: [], jsonType: 'json' });
  } finally {
    db.close();
  }
}

/** Writes each table as a COPY text file in `dir`, readable by the server's own user; returns table → file. */
export async function exportTables(sqlitePath: string, plan: TransferPlan, dir: string): Promise<Map<string, string>> {
  chmodSync(dir, 0o755);
  const db = new Database(sqlitePath, { readonly: true });
  const files = new Map<string, string>();
  for (const t of plan.ddl.tables) {
    const file = join(dir, `${t.source.name}.copy`);
    const out = createWriteStream(file, { mode: 0o644 });
    const enc = t.columns.map((c) => encoderFor(c));
    const stmt = db
      .prepare(`SELECT ${t.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.source.name)}`)
      .raw(true)
      .safeIntegers(true);
    let chunk = '';
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      chunk += `${row.map((v, i) => (v === null ? '\\N' : enc[i]!(v))).join('\t')}\n`;
      if (chunk.length > 1 << 16) {
        const more = out.write(chunk);
        chunk = '';
        if (!more) await once(out, 'drain');
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    files.set(t.source.name, file);
  }
  db.close();
  return files;
}

/** The keys of `t` (PK or UNIQUE) that other tables' foreign keys point at: the step builds them while the last table loads. */
function pointedAtKeys(plan: TransferPlan, t: TableDdl): DdlStatement[] {
  const columnSet = (cols: readonly string[]) =>
    cols
      .map((c) => c.toLowerCase())
      .sort()
      .join('\u0000');
  const wanted = plan.ddl.tables.flatMap((o) =>
    o.source.foreignKeys.filter((fk) => fk.refTable.toLowerCase() === t.source.name.toLowerCase()).map((fk) => columnSet(fk.refColumns)),
  );
  return t.statements.filter((s) => {
    const cols = s.phase === 'keys' ? uniqueKeyColumns(s) : null;
    return cols !== null && wanted.includes(columnSet(cols));
  });
}

/** Loads the tables from the exported files and builds their keys, on `parallel` connections. */
export async function ceilingLoad(url: string, plan: TransferPlan, files: ReadonlyMap<string, string>, parallel: number): Promise<void> {
  const clients: pg.Client[] = await Promise.all(Array.from({ length: Math.max(1, parallel) }, () => connectPostgres(url)));
  const control = clients[0] as pg.Client;
  const schema = plan.ddl.schema;
  try {
    await control.query('BEGIN');
    for (const t of plan.ddl.tables) {
      await control.query(t.create);
      for (const s of t.statements.filter((x) => x.phase === 'defaults')) await control.query(s.sql);
    }
    await control.query('COMMIT');
    const tables = [...plan.ddl.tables].sort(
      (a, b) => statSync(files.get(b.source.name) as string).size - statSync(files.get(a.source.name) as string).size,
    );
    const early = new Set<DdlStatement>();
    let started = 0;
    let finished = 0;
    await runPool(tables, clients.length, async (t, worker) => {
      started++;
      const c = clients[worker] as pg.Client;
      const target = qualified(schema, t.source.name);
      await c.query('BEGIN');
      await c.query('SET LOCAL synchronous_commit = off');
      await c.query(`TRUNCATE ${target}`);
      await c.query(
        `COPY ${target} (${t.columns.map((m) => quoteIdent(m.name)).join(', ')}) FROM '${(files.get(t.source.name) as string).replace(/'/g, "''")}' (FREEZE)`,
      );
      await c.query('COMMIT');
      finished++;
      // As the step does: while the last tables load, a free connection builds the keys others point at.
      if (started === tables.length && finished < tables.length) {
        const keys = pointedAtKeys(plan, t);
        await buildAfterLoad([c], keys, () => {}, false);
        keys.forEach((k) => early.add(k));
      }
    });
    const rest = plan.ddl.tables.flatMap((t) => t.statements.filter((s) => (s.phase === 'keys' || s.phase === 'fks') && !early.has(s)));
    const finisher = clients[clients.length - 1] as pg.Client;
    await buildAfterLoad(
      clients,
      rest,
      () => {},
      false,
      async () => {
        for (const t of plan.ddl.tables) {
          if (!t.identity) continue;
          const name = qualified(schema, t.source.name);
          await finisher.query(
            `SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(${quoteIdent(t.identity.column)}) FROM ${name}))`,
            [name, t.identity.column],
          );
        }
      },
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
