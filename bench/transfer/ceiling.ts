/**
 * The complete-load ceiling: the same tables filled by `psql \copy` from files exported
 * beforehand (untimed), both tables in parallel, then the same keys, indexes and FKs.
 */
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { connectPostgres, quoteIdent } from '../../src/db/connections.js';
import { encoderFor } from '../../src/db/encode.js';
import { planTransfer, type TransferPlan } from '../../src/db/transfer-plan.js';
import { buildAfterLoad } from '../../src/db/transfer-postload.js';

/** The transfer's plan for a SQLite file (the ceiling runs exactly its DDL). */
export function planOf(sqlitePath: string): TransferPlan {
  const db = new Database(sqlitePath, { readonly: true });
  try {
    return planTransfer(db, { schema: 'public', cast: [], jsonType: 'json' });
  } finally {
    db.close();
  }
}

/** Writes each table as a COPY text file in `dir`; returns table → file. */
export async function exportTables(sqlitePath: string, plan: TransferPlan, dir: string): Promise<Map<string, string>> {
  const db = new Database(sqlitePath, { readonly: true });
  const files = new Map<string, string>();
  for (const t of plan.ddl.tables) {
    const file = join(dir, `${t.source.name}.copy`);
    const out = createWriteStream(file);
    const enc = t.columns.map((c) => encoderFor(c));
    const stmt = db.prepare(`SELECT ${t.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(t.source.name)}`).raw(true).safeIntegers(true);
    let chunk = '';
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      chunk += `${row.map((v, i) => (v === null ? '\\N' : enc[i]!(v))).join('\t')}\n`;
      if (chunk.length > 1 << 16 && !out.write(chunk)) { chunk = ''; await once(out, 'drain'); } else if (chunk.length > 1 << 16) chunk = '';
    }
    out.end(chunk);
    await once(out, 'finish');
    files.set(t.source.name, file);
  }
  db.close();
  return files;
}

/** Creates the tables, runs one `psql \copy` per table in parallel, then builds keys and FKs. Returns psql pids for RSS sampling. */
export async function ceilingLoad(url: string, plan: TransferPlan, files: ReadonlyMap<string, string>, psql: string, onPid: (pid: number) => void): Promise<void> {
  const control = await connectPostgres(url);
  const second = await connectPostgres(url);
  try {
    for (const t of plan.ddl.tables) await control.query(t.create);
    await Promise.all(
      plan.ddl.tables.map((t) => {
        const child = execa(psql, [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${quoteIdent(t.source.name)} FROM '${files.get(t.source.name)}'`]);
        if (child.pid) onPid(child.pid);
        return child;
      }),
    );
    await buildAfterLoad([control, second], plan.ddl.tables.flatMap((t) => t.statements), () => {}, false);
    for (const t of plan.ddl.tables) {
      if (!t.identity) continue;
      const name = `public.${quoteIdent(t.source.name)}`;
      await control.query(`SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(${quoteIdent(t.identity.column)}) FROM ${name}))`, [name, t.identity.column]);
    }
  } finally {
    await control.end();
    await second.end();
  }
}
