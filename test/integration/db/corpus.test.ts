import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Failed } from '../../../src/core/failure.js';
import { transferOptions } from '../../helpers/transfer-options.js';
import { noEffects, transfer, type TransferOptions } from '../../../src/db/transfer/transfer.js';
import { countCompare } from '../../../src/steps/count-compare.js';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import { stepContext } from '../../helpers/step-context.js';
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
  /** Columns whose DEFAULT PostgreSQL cannot have (named in the warnings instead). */
  readonly untranslated?: string[];
  /** Columns named otherwise in PostgreSQL ("table.column" → name), each reported. */
  readonly renamed?: Record<string, string>;
  /** Tables named otherwise in PostgreSQL (SQLite name → name), each reported. */
  readonly renamedTables?: Record<string, string>;
  /** Explicit indexes named otherwise in PostgreSQL. */
  readonly renamedIndexes?: Record<string, string>;
  /** Why count-compare's checksums cannot check this file, when they cannot. */
  readonly noChecksums?: string;
  /** Texts some warning must contain. */
  readonly warnings?: string[];
}

const dir = join(import.meta.dirname, '../../fixtures/sqlite-corpus');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.db'))
  .map((f) => f.replace(/\.db$/, ''))
  .sort();

/** The step's outputs this test reads. */
interface Outputs {
  readonly reject_files: string[];
  readonly warnings: string[];
  readonly conversions: { table: string; column: string; what: string; rows: number }[];
  readonly retyped: { table: string; column: string; from: string; to: string; reason: string }[];
}

/** Runs the sqlite-to-pg step on a corpus file into a fresh database whose TimeZone is not UTC; the step must succeed. */
async function load(name: string, e: Expectation): Promise<{ url: string; report: Outputs }> {
  const url = await freshDatabase(`corpus_${name}`);
  // Not UTC, and not a whole hour: a value shifted by the session's zone shows.
  await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET TimeZone = 'Asia/Kathmandu'`);
  const ctx = stepContext({
    connections: { src: { name: 'src', type: 'sqlite', path: join(dir, `${name}.db`) }, db: { name: 'db', type: 'postgres', url } },
  });
  const r = await sqliteToPg.run(
    { source: 'src', target: 'db', on_bad_value: e.options?.onBadValue ?? 'reject', on_orphans: 'reject', cast: e.options?.cast },
    ctx,
  );
  if (!r.ok) throw new Error(`the step failed on ${name}: ${r.message}`);
  return { url, report: r.outputs as unknown as Outputs };
}

/** The PostgreSQL name of a SQLite table, by the expectation's renames. */
function pgTable(e: Expectation, table: string): string {
  return e.renamedTables?.[table] ?? table;
}

/** The SQLite name of a PostgreSQL column, by the expectation's renames. */
function sqliteName(e: Expectation, table: string, column: string): string {
  const hit = Object.entries(e.renamed ?? {}).find(([from, to]) => to === column && from.startsWith(`${table}.`));
  return hit ? hit[0].slice(table.length + 1) : column;
}

/** Rowids of the rejected rows, per table, from the reject files. */
function rejectedRows(report: Outputs): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const file of report.reject_files) {
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
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .pluck()
      .all() as string[];
    for (const table of tables) {
      const types = await query<{ column_name: string; data_type: string }>(
        url,
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [pgTable(e, table)],
      );
      if (types.length === 0) out.push(`${table}: no table "${pgTable(e, table)}" in PostgreSQL`);
      const rejected = new Set(e.rejected[table] ?? []);
      const rows = db.prepare(`SELECT rowid AS "(rowid)", * FROM "${table}"`).safeIntegers(true).all() as Record<string, unknown>[];
      // Rows are matched by primary key (the rowid when it is one), printed as text on both sides.
      const key = db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`).pluck().all(table) as string[];
      const byRowid = key.length === 0 || (key.length === 1 && rows.every((r) => r[key[0] as string] === r['(rowid)']));
      const keyOf = (row: Record<string, unknown>) => (byRowid ? String(row['(rowid)']) : key.map((k) => String(row[k])).join('|'));
      const keySql = byRowid ? `"${key[0] ?? 'id'}"::text` : key.map((k) => `coalesce("${k}"::text, 'null')`).join(` || '|' || `);
      for (const { column_name: column, data_type: type } of types) {
        const printed = await query<{ k: string; v: string | null }>(
          url,
          `SELECT ${keySql} AS k, ${pgPrinted(column, type)} AS v FROM "${pgTable(e, table)}"`,
        );
        const inPg = new Map(printed.map((r) => [r.k, r.v]));
        for (const row of rows) {
          const id = keyOf(row);
          if (rejected.has(Number(row['(rowid)']))) {
            if (byRowid && inPg.has(id)) out.push(`${table} rowid ${id}: rejected, yet in PostgreSQL`);
            continue;
          }
          const source = sqliteName(e, table, column);
          let want = expected(db, row[source], type, e.epoch?.[`${table}.${source}`]);
          if (type === 'numeric' && want !== null)
            want = (await query<{ v: string }>(url, 'SELECT trim_scale($1::numeric)::text AS v', [want]))[0]?.v ?? null;
          const got =
            type === 'numeric' && inPg.get(id) != null
              ? (await query<{ v: string }>(url, 'SELECT trim_scale($1::numeric)::text AS v', [inPg.get(id)]))[0]?.v
              : inPg.get(id);
          if (got === undefined) out.push(`${table} rowid ${id}: missing in PostgreSQL`);
          else if (got !== want)
            out.push(
              `${table}.${column} rowid ${id} (${type}): SQLite ${String(row[source])} means ${String(want)}, PostgreSQL has ${String(got)}`,
            );
        }
      }
    }
  } finally {
    db.close();
  }
  return out;
}

/** Two printed values that are the same, or the same moment within a few seconds (a clock default read twice). */
function sameOrClose(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const moment = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?$/;
  if (moment.test(a) && moment.test(b))
    return (
      Math.abs(Date.parse(`${a.replace(' ', 'T').replace(/Z$/, '')}Z`) - Date.parse(`${b.replace(' ', 'T').replace(/Z$/, '')}Z`)) < 5000
    );
  const clock = /^(\d{2}):(\d{2}):(\d{2}(\.\d+)?)$/;
  const seconds = (m: RegExpExecArray) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const ca = clock.exec(a);
  const cb = clock.exec(b);
  if (ca && cb) return Math.abs(seconds(ca) - seconds(cb)) % 86400 < 5;
  return /^\d+$/.test(a) && /^\d+$/.test(b) && Math.abs(Number(a) - Number(b)) < 5;
}

/** A row inserted without any column on both sides: each cell as SQLite's DEFAULT gives it (localtime in the session's zone). */
async function defaultDifferences(url: string, name: string, e: Expectation): Promise<string[]> {
  const source = new Database(join(dir, `${name}.db`), { readonly: true });
  const db = new Database(source.serialize());
  source.close();
  const out: string[] = [];
  const zone = process.env.TZ;
  try {
    const tables = db
      .prepare(
        `SELECT DISTINCT m.name FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.dflt_value IS NOT NULL ORDER BY 1`,
      )
      .pluck()
      .all() as string[];
    for (const table of tables) {
      process.env.TZ = 'Asia/Kathmandu';
      const id = db.prepare(`INSERT INTO "${table}" DEFAULT VALUES`).run().lastInsertRowid;
      process.env.TZ = zone;
      const [made] = await query<{ k: string }>(url, `INSERT INTO "${pgTable(e, table)}" DEFAULT VALUES RETURNING id::text AS k`);
      if (made?.k !== String(id)) out.push(`${table}: SQLite gave the new row id ${id}, PostgreSQL ${String(made?.k)}`);
      const row = db.prepare(`SELECT * FROM "${table}" WHERE rowid = ?`).safeIntegers(true).get(id) as Record<string, unknown>;
      const types = await query<{ column_name: string; data_type: string }>(
        url,
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [pgTable(e, table)],
      );
      for (const { column_name: column, data_type: type } of types) {
        if (e.untranslated?.includes(`${table}.${column}`)) continue;
        const [pg] = await query<{ v: string | null }>(
          url,
          `SELECT ${pgPrinted(column, type)} AS v FROM "${pgTable(e, table)}" WHERE id = $1`,
          [made?.k],
        );
        const want = expected(db, row[sqliteName(e, table, column)], type);
        if (!sameOrClose(want, pg?.v ?? null))
          out.push(
            `${table}.${column} default (${type}): SQLite gives ${String(row[sqliteName(e, table, column)])} meaning ${String(want)}, PostgreSQL ${String(pg?.v)}`,
          );
      }
    }
  } finally {
    process.env.TZ = zone;
    db.close();
  }
  return out;
}

/** Each UNIQUE and PRIMARY KEY of SQLite, tried in PostgreSQL with a copy of a loaded row: every one must refuse it. */
async function keysNotEnforced(url: string, name: string, e: Expectation): Promise<string[]> {
  const db = new Database(join(dir, `${name}.db`), { readonly: true });
  const out: string[] = [];
  try {
    const keys = db
      .prepare(
        `SELECT m.name AS t, i.name AS i FROM sqlite_schema m, pragma_index_list(m.name) i WHERE m.type = 'table' AND i."unique" = 1 AND i.partial = 0`,
      )
      .all() as { t: string; i: string }[];
    for (const t of db
      .prepare(
        `SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.pk = 1 AND lower(c.type) = 'integer'`,
      )
      .pluck()
      .all() as string[])
      keys.push({ t, i: '' });
    for (const { t, i } of keys) {
      const columns = i ? (db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(i) as string[]) : ['id'];
      const notNull = columns.map((c) => `"${e.renamed?.[`${t}.${c}`] ?? c}" IS NOT NULL`).join(' AND ');
      try {
        await query(
          url,
          `INSERT INTO "${pgTable(e, t)}" OVERRIDING SYSTEM VALUE SELECT * FROM "${pgTable(e, t)}" WHERE ${notNull} LIMIT 1`,
        );
        const [n] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "${pgTable(e, t)}" WHERE ${notNull}`);
        if ((n?.n ?? 0) > 0) out.push(`${t} (${columns.join(', ')}): a copy of a row was accepted`);
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') out.push(`${t} (${columns.join(', ')}): ${(err as Error).message}`);
      }
    }
  } finally {
    db.close();
  }
  return out;
}

/** Explicit SQLite indexes PostgreSQL does not have (by name). */
async function indexesMissing(url: string, name: string, e: Expectation): Promise<string[]> {
  const db = new Database(join(dir, `${name}.db`), { readonly: true });
  try {
    const wanted = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all() as string[];
    const have = new Set(
      (await query<{ n: string }>(url, `SELECT indexname AS n FROM pg_indexes WHERE schemaname = 'public'`)).map((r) => r.n),
    );
    return wanted.filter((w) => !have.has(e.renamedIndexes?.[w] ?? w));
  } finally {
    db.close();
  }
}

describe('the SQLite corpus: under reject the step succeeds on every file, and every value loads faithfully or is reported', () => {
  it('has a corpus file for each expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) expect(() => readFileSync(join(dir, `${c}.expect.json`), 'utf8')).not.toThrow();
  });

  // (NULL in a primary key is no failure: the key becomes UNIQUE, see null-pk.)
  it('under fail, rows a key would refuse stop the transfer before anything is created, naming table, row and column', async () => {
    const url = await freshDatabase('corpus_keys_fail');
    const failure = await transfer(transferOptions(join(dir, 'keys.db'), url), noEffects('public')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(Failed);
    const f = (failure as Failed).failure;
    expect(f.message).toBe(
      'rows a PostgreSQL key would refuse (SQLite accepted them): ' +
        'table "codes", rowid 2, column "code": the same unique constraint (code) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart); ' +
        'table "codes", rowid 2, column "raw": the same unique constraint (raw) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart); ' +
        'table "codes", rowid 3, column "raw": the same unique constraint (raw) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart); ' +
        'table "pairs", rowid 2, columns "a", "b": the same primary key (a, b) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart).',
    );
    expect(f.hint).toBe(
      'Fix or delete those rows in SQLite, or set on_bad_value: reject to write them to a reject file (the key is still built).',
    );
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([]);
  });

  it('the dry run names the rows a key would refuse, and what the policy does with them', async () => {
    const ctx = stepContext({
      connections: {
        src: { name: 'src', type: 'sqlite', path: join(dir, 'keys.db') },
        db: { name: 'db', type: 'postgres', url: 'postgresql://u@h/db' },
      },
    });
    const dry = { connection: (n: string) => ctx.connection(n), mask: (t: string) => t, workDir: '/' };
    const lines = await sqliteToPg.inspect!({ source: 'src', target: 'db', on_bad_value: 'reject' }, dry);
    expect(lines.filter((l) => l.label === 'key').map((l) => l.text)).toEqual([
      'table "codes", rowid 2, column "code": the same unique constraint (code) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart) — the row goes to the reject file',
      'table "codes", rowid 2, column "raw": the same unique constraint (raw) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart) — the row goes to the reject file',
      'table "codes", rowid 3, column "raw": the same unique constraint (raw) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart) — the row goes to the reject file',
      'table "names", rowid 2, column "name": NULL in the primary key (name), which PostgreSQL does not allow — the row goes to the reject file',
      'table "names", rowid 3, column "name": NULL in the primary key (name), which PostgreSQL does not allow — the row goes to the reject file',
      'table "pairs", rowid 2, columns "a", "b": the same primary key (a, b) as rowid 1 once PostgreSQL reads the values (SQLite tells 1, \'1\' and x\'31\' apart) — the row goes to the reject file',
    ]);
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
      for (const r of report.retyped)
        expect(report.warnings).toContain(`${r.table}.${r.column} becomes ${r.to} instead of ${r.from}: it ${r.reason}`);
      for (const [col, type] of Object.entries(e.types ?? {})) {
        const [table, column] = col.split('.');
        const [row] = await query<{ t: string }>(
          url,
          `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`,
          [table, column],
        );
        expect(row?.t).toBe(type);
      }
      for (const w of e.warnings ?? []) expect(report.warnings.join('\n')).toContain(w);
      expect(await differences(url, name, e)).toEqual([]);
      // count-compare's checksums agree with the transfer on what the same value is (where all rows load under their own names).
      if (Object.values(e.rejected).every((r) => r.length === 0) && !e.renamed && !e.options?.cast && !e.noChecksums) {
        const ctx = stepContext({
          connections: { src: { name: 'src', type: 'sqlite', path: join(dir, `${name}.db`) }, db: { name: 'db', type: 'postgres', url } },
        });
        const checked = await countCompare.run({ source: 'src', target: 'db', verify: 'checksums' }, ctx);
        expect(checked.ok ? 'same' : checked.message).toBe('same');
      }
      for (const [from, to] of Object.entries(e.renamed ?? {}))
        expect(report.warnings).toContain(
          `${from} is named "${to}" in PostgreSQL: ${Buffer.byteLength(from.split('.')[1] ?? '') > 63 ? 'the name is longer than its 63 bytes' : `${from.split('.')[1] ?? ''} is one of its system columns`}`,
        );
      for (const [from, to] of Object.entries(e.renamedIndexes ?? {}))
        expect(report.warnings.join('\n')).toContain(`index "${from}" is named "${to}" in PostgreSQL`);
      expect(await keysNotEnforced(url, name, e)).toEqual([]);
      expect(await indexesMissing(url, name, e)).toEqual([]);
      expect(await defaultDifferences(url, name, e)).toEqual([]);
    });
  }
});
