import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noEffects, transfer, type TransferOptions, type TransferReport } from '../../../src/db/transfer.js';
import { freshDatabase, query } from '../../helpers/pg.js';
import { expected, pgPrinted } from './corpus-oracle.js';

/** What a corpus file's <case>.expect.json says the transfer makes of it. */
interface Expectation {
  readonly about: string;
  readonly options?: Partial<Pick<TransferOptions, 'cast' | 'onBadValue'>>;
  readonly epoch?: Record<string, 'seconds' | 'milliseconds'>;
  readonly rejected: Record<string, number[]>;
  readonly conversions?: Record<string, Record<string, number>>;
  readonly retyped?: string[];
  readonly types?: Record<string, string>;
}

const dir = join(import.meta.dirname, '../../fixtures/sqlite-corpus');
const cases = readdirSync(dir).filter((f) => f.endsWith('.db')).map((f) => f.replace(/\.db$/, '')).sort();

async function load(name: string, e: Expectation): Promise<{ url: string; report: TransferReport }> {
  const url = await freshDatabase(`corpus_${name}`);
  // Not UTC, and not a whole hour: a value shifted by the session's zone shows.
  await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET TimeZone = 'Asia/Kathmandu'`);
  const report = await transfer(
    {
      sqlitePath: join(dir, `${name}.db`), pgUrl: url, mode: 'create', schema: 'public', cast: [], jsonType: 'json', onBadValue: 'reject',
      onOrphans: 'reject', ifExists: 'fail', parallel: 2, virtualTables: 'skip', rejectDir: join(mkdtempSync(join(tmpdir(), 'runbook-corpus-')), 'rejects'),
      signal: new AbortController().signal, progress: () => {}, warn: () => {}, ...e.options,
    },
    noEffects('public'),
  );
  return { url, report };
}

/** Rowids of the rejected rows, per table, from the reject files. */
function rejectedRows(report: TransferReport): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const file of report.rejectFiles) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
      const r = JSON.parse(line) as { table: string; at: string };
      (out[r.table] ??= []).push(Number(/rowid (-?\d+)/.exec(r.at)?.[1]));
    }
  }
  return Object.fromEntries(Object.entries(out).map(([t, ids]) => [t, ids.sort((a, b) => a - b)]));
}

/** Every cell of every table: SQLite's value (by SQLite's readers) against PostgreSQL's, as "table.column rowid: sqlite | pg". */
async function differences(url: string, name: string, e: Expectation): Promise<string[]> {
  const db = new Database(join(dir, `${name}.db`), { readonly: true });
  const out: string[] = [];
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
    for (const table of tables) {
      const types = await query<{ column_name: string; data_type: string }>(url, `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`, [table]);
      const rejected = new Set(e.rejected[table] ?? []);
      const rows = db.prepare(`SELECT rowid AS "(rowid)", * FROM "${table}"`).safeIntegers(true).all() as Record<string, unknown>[];
      const key = (db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk = 1`).pluck().get(table) as string | undefined) ?? 'id';
      for (const { column_name: column, data_type: type } of types) {
        const printed = await query<{ k: string; v: string | null }>(url, `SELECT "${key}"::text AS k, ${pgPrinted(column, type)} AS v FROM "${table}"`);
        const inPg = new Map(printed.map((r) => [r.k, r.v]));
        for (const row of rows) {
          const id = String(row['(rowid)']);
          if (rejected.has(Number(id))) {
            if (inPg.has(id)) out.push(`${table} rowid ${id}: rejected, yet in PostgreSQL`);
            continue;
          }
          let want = expected(db, row[column], type, e.epoch?.[`${table}.${column}`]);
          if (type === 'numeric' && want !== null) want = (await query<{ v: string }>(url, 'SELECT trim_scale($1::numeric)::text AS v', [want]))[0]?.v ?? null;
          const got = type === 'numeric' && inPg.get(id) != null ? (await query<{ v: string }>(url, 'SELECT trim_scale($1::numeric)::text AS v', [inPg.get(id)]))[0]?.v : inPg.get(id);
          if (got === undefined) out.push(`${table} rowid ${id}: missing in PostgreSQL`);
          else if (got !== want) out.push(`${table}.${column} rowid ${id} (${type}): SQLite ${String(row[column])} means ${String(want)}, PostgreSQL has ${String(got)}`);
        }
      }
    }
  } finally {
    db.close();
  }
  return out;
}

describe('the SQLite corpus: every quirk loads faithfully or is reported', () => {
  it('has a corpus file for each expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) expect(() => readFileSync(join(dir, `${c}.expect.json`), 'utf8')).not.toThrow();
  });

  for (const name of cases) {
    const e = JSON.parse(readFileSync(join(dir, `${name}.expect.json`), 'utf8')) as Expectation;
    it(`${name}: ${e.about}`, async () => {
      const { url, report } = await load(name, e);
      expect(rejectedRows(report)).toEqual(e.rejected);
      const conversions: Record<string, Record<string, number>> = {};
      for (const c of report.conversions) (conversions[`${c.table}.${c.column}`] ??= {})[c.what] = c.rows;
      expect(conversions).toEqual(e.conversions ?? {});
      expect(report.retyped.map((r) => `${r.table}.${r.column} ${r.to}`)).toEqual(e.retyped ?? []);
      for (const r of report.retyped) expect(report.warnings).toContain(`${r.table}.${r.column} becomes ${r.to} instead of ${r.from}: it ${r.reason}`);
      for (const [col, type] of Object.entries(e.types ?? {})) {
        const [table, column] = col.split('.');
        const [row] = await query<{ t: string }>(url, `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`, [table, column]);
        expect(row?.t).toBe(type);
      }
      expect(await differences(url, name, e)).toEqual([]);
    });
  }
});
