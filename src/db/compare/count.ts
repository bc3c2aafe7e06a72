import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { ConnectionSpec } from '../../core/connection.js';
import { quoteIdent } from '../connections.js';
import { ConnectionError } from '../failure.js';
import { EMPTY_BY_DESIGN } from '../empty-by-design.js';
import { withPostgres, withSqlite, type Outcome } from '../session.js';
import { CANONICAL_OUTPUT_SETTINGS, postgresRows, type PgTableName } from './postgres-rows.js';
import type { RowSource } from './row-source.js';
import { sqliteRows } from './sqlite-rows.js';

/** A table left out of "all tables", and why. */
export interface SkippedTable {
  readonly table: string;
  readonly reason: string;
}

/** The tables of a database that hold rows of their own, plus what was left out. */
export interface TableList {
  readonly tables: readonly string[];
  readonly skipped: readonly SkippedTable[];
  /** Tables (among `tables`) a transfer made empty on purpose as stand-ins for SQLite virtual tables. */
  readonly emptyByDesign: readonly string[];
}

/** Lists and counts tables on one open connection; every count reads the same snapshot. */
export interface CountSession {
  readonly conn: ConnectionSpec;
  listTables(): Promise<TableList>;
  /** Rows of `table` (optionally only those matching the SQL condition `where`). */
  countRows(table: string, where?: string): Promise<number>;
  /** Reads the rows of tables for a content comparison, in the same snapshot. */
  readonly rows: RowSource;
}

/** Where a counting session looks on PostgreSQL: the listed schemas, or null for every schema but the system ones. */
export interface CountOptions {
  readonly workDir: string;
  readonly signal: AbortSignal;
  readonly schemas: readonly string[] | null;
}

/** Opens a counting session on a connection (read-only), runs `work`, and closes it. */
export async function withCountSession<T>(
  conn: ConnectionSpec,
  options: CountOptions,
  work: (session: CountSession) => Promise<T>,
): Promise<Outcome<T>> {
  if (conn.type === 'postgres') {
    return withPostgres(
      conn,
      options.signal,
      async (client) => {
        await client.query('begin transaction isolation level repeatable read read only');
        try {
          await client.query(CANONICAL_OUTPUT_SETTINGS);
          return await work(postgresSession(conn, client, options.schemas));
        } finally {
          await client.query('rollback').catch(() => {});
        }
      },
      'count',
    );
  }
  return withSqlite(
    conn,
    { ...options, write: false },
    async (db) => {
      db.exec('begin');
      try {
        return await work(sqliteSession(conn, db, options.signal));
      } finally {
        if (db.inTransaction) db.exec('rollback');
      }
    },
    'count',
  );
}

const SYSTEM_SCHEMA = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'";

/**
 * A table's name in the session: the bare name, unless tables of that name are in more than one
 * of the schemas looked at; then each is named `schema.table`.
 */
function sessionNames(rows: readonly { readonly schema: string; readonly name: string }[]): Map<string, PgTableName> {
  const holders = new Map<string, number>();
  for (const r of rows) holders.set(r.name, (holders.get(r.name) ?? 0) + 1);
  return new Map(rows.map((r) => [holders.get(r.name) === 1 ? r.name : `${r.schema}.${r.name}`, { schema: r.schema, name: r.name }]));
}

function postgresSession(conn: ConnectionSpec, client: pg.Client, schemas: readonly string[] | null): CountSession {
  let names = new Map<string, PgTableName>();
  const nameOf = (table: string): PgTableName => names.get(table) ?? { schema: schemas?.[0] ?? 'public', name: table };
  return {
    conn,
    async listTables() {
      // sqlite-to-pg marks its stand-ins for virtual tables with a comment; that is how they are told apart.
      const result = await fromConnection(
        conn,
        client.query<{ schema: string; name: string; by_design: boolean }>(
          `select n.nspname as schema, c.relname as name, coalesce(obj_description(c.oid, 'pg_class') like $2, false) as by_design
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where ${schemas ? 'n.nspname = any($1)' : `${SYSTEM_SCHEMA} and $1::text[] is null`}
            and c.relkind in ('r', 'p') and not c.relispartition order by c.relname, n.nspname`,
          [schemas, `%${EMPTY_BY_DESIGN}%`],
        ),
      );
      names = sessionNames(result.rows);
      const named = [...names.keys()];
      const byDesign = new Set(result.rows.filter((r) => r.by_design).map((r) => `${r.schema}.${r.name}`));
      return {
        tables: named,
        skipped: [],
        emptyByDesign: named.filter((n) => {
          const t = nameOf(n);
          return byDesign.has(`${t.schema}.${t.name}`);
        }),
      };
    },
    async countRows(table, where) {
      const t = nameOf(table);
      const sql = `select count(*) as n from ${quoteIdent(t.schema)}.${quoteIdent(t.name)}${where ? ` where (${where})` : ''}`;
      const result = await fromConnection(conn, client.query<{ n: string }>(sql), table);
      return Number(result.rows[0]?.n ?? 0);
    },
    rows: ownedRows(conn, postgresRows(client, nameOf)),
  };
}

function sqliteSession(conn: ConnectionSpec, db: Database.Database, signal: AbortSignal): CountSession {
  return {
    conn,
    async listTables() {
      return fromConnection(
        conn,
        Promise.resolve().then(() => sqliteTables(db)),
      );
    },
    async countRows(table, where) {
      // better-sqlite3 blocks while counting; yielding first lets the other side's queries
      // progress and an abort be seen between tables.
      await new Promise((r) => setImmediate(r));
      if (signal.aborted) throw new Error('aborted');
      const sql = `select count(*) as n from main.${quoteIdent(table)}${where ? ` where (${where})` : ''}`;
      const row = await fromConnection(
        conn,
        Promise.resolve().then(() => db.prepare(sql).get() as { n: number }),
        table,
      );
      return row.n;
    },
    rows: ownedRows(conn, sqliteRows(db, signal)),
  };
}

// Two sessions run inside each other; the error has to say which connection raised it.
// With `table`, the failure also says which table it was about.
async function fromConnection<T>(conn: ConnectionSpec, work: Promise<T>, table?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new ConnectionError(conn, err, table);
  }
}

/** The same reads, each failure marked with the connection and table it came from (see fromConnection). */
function ownedRows(conn: ConnectionSpec, rows: RowSource): RowSource {
  return {
    dialect: rows.dialect,
    shape: (table) => fromConnection(conn, rows.shape(table), table),
    read(table, columns, order, where) {
      const reader = rows.read(table, columns, order, where);
      return { next: () => fromConnection(conn, reader.next(), table), close: () => reader.close() };
    },
  };
}

interface TableListRow {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly ncol: number;
}

/**
 * Ordinary tables of a SQLite file. Internal `sqlite_%` tables are left out silently; virtual
 * tables (FTS5, R*Tree) and their shadow tables (`docs_data`, `docs_idx`, ...) are reported as
 * skipped, since their rows are derived from other tables.
 */
export function sqliteTables(db: Database.Database): TableList {
  const rows = (db.prepare('pragma table_list').all() as TableListRow[]).filter(
    (r) => r.schema === 'main' && !r.name.startsWith('sqlite_'),
  );
  const virtual = rows.filter((r) => r.type === 'virtual').map((r) => r.name);
  const skipped: SkippedTable[] = [];
  const tables: string[] = [];
  // A virtual table whose module is not loaded shows no columns.
  const unloaded = rows.filter((r) => r.type === 'virtual' && r.ncol === 0).map((r) => r.name);
  const ownerOf = (name: string, among: readonly string[]) =>
    among.filter((v) => name.startsWith(`${v}_`)).sort((a, b) => b.length - a.length)[0];
  for (const r of rows) {
    const owner = ownerOf(r.name, r.type === 'table' ? unloaded : virtual);
    if (r.type === 'virtual') skipped.push({ table: r.name, reason: 'virtual table' });
    else if (r.type === 'shadow') skipped.push({ table: r.name, reason: owner ? `shadow table of ${owner}` : 'shadow table' });
    // When a virtual table's module (e.g. sqlite-vec) is not loaded, SQLite cannot tell its
    // shadow tables apart and lists them as plain tables; the name prefix is all there is.
    else if (r.type === 'table' && owner)
      skipped.push({ table: r.name, reason: `shadow table of ${owner} (by name; its module is not loaded)` });
    else if (r.type === 'table') tables.push(r.name);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    tables: tables.sort(byName),
    skipped: skipped.sort((a, b) => byName(a.table, b.table)),
    emptyByDesign: [],
  };
}
