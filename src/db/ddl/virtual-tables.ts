import type Database from 'better-sqlite3';
import type pg from 'pg';
import { quoteIdent as q } from '../connections.js';
import { qualified } from './schema-ddl.js';
import { emptyTableComment } from '../empty-by-design.js';
import type { SqliteSchema } from '../introspect/sqlite-schema.js';
import { mapColumn, type TypeMapOptions } from './typemap.js';

export type { VirtualTablesPolicy } from '../policies.js';

/** A SQLite virtual table as the empty plain table PostgreSQL gets: its declared columns plus `rowid`. */
export interface EmptyTable {
  readonly name: string;
  readonly module: string;
  /** `rowid bigint` first, then each declared column with its PostgreSQL type. */
  readonly columns: readonly { readonly name: string; readonly pgType: string }[];
  /** CREATE TABLE and COMMENT ON TABLE, in order. */
  readonly sql: readonly string[];
}

/** A virtual table whose columns cannot be read (its module is not loaded), so it stays out. */
export interface UnreadableVirtualTable {
  readonly name: string;
  readonly module: string;
  readonly problem: string;
}

interface XInfo {
  name: string;
  type: string;
  hidden: number;
}

// FTS5 and FTS3/4 columns have no declared type. The values SQLite holds say what the app puts
// there (FTS keeps them as given); with no values, a key-like name is the best evidence left.
// Both matter: the app compares such a column with an integer (WHERE file_id = 5), which
// PostgreSQL refuses on text.
function typeFromValues(types: string | null, column: string): string {
  const seen = new Set((types ?? '').split(',').filter((t) => t !== '' && t !== 'null'));
  if (seen.size === 0) return /^(id|.*_id)$/i.test(column) ? 'bigint' : 'text';
  if ([...seen].every((t) => t === 'integer')) return 'bigint';
  if ([...seen].every((t) => t === 'integer' || t === 'real')) return 'double precision';
  if ([...seen].every((t) => t === 'blob')) return 'bytea';
  return 'text';
}

function valueTypes(db: Database.Database, table: string, columns: readonly string[]): (string | null)[] {
  if (columns.length === 0) return [];
  try {
    const row = db
      .prepare(`SELECT ${columns.map((c, i) => `group_concat(DISTINCT typeof(${q(c)})) AS c${i}`).join(', ')} FROM ${q(table)}`)
      .raw()
      .get() as (string | null)[];
    return row;
  } catch {
    // An external-content table whose content table no longer matches cannot be read; types come from the names.
    return columns.map(() => null);
  }
}

/** Reads one virtual table's columns and types them for PostgreSQL: a cast rule, the declared type, else the values held. */
function emptyTable(
  db: Database.Database,
  schema: string,
  v: SqliteSchema['virtualTables'][number],
  options: TypeMapOptions,
): EmptyTable | UnreadableVirtualTable {
  let xinfo: XInfo[];
  try {
    xinfo = (db.prepare(`PRAGMA table_xinfo(${`'${v.name.replace(/'/g, "''")}'`})`).all() as XInfo[]).filter((c) => c.hidden === 0);
  } catch (e) {
    return { name: v.name, module: v.module, problem: `its columns cannot be read (${(e as Error).message})` };
  }
  if (xinfo.length === 0)
    return { name: v.name, module: v.module, problem: `its columns cannot be read (the ${v.module} module is not loaded)` };
  const table = {
    name: v.name,
    columns: [],
    primaryKey: [],
    primaryKeyName: null,
    rowidAlias: null,
    autoincrement: false,
    withoutRowid: false,
    checks: [],
    foreignKeys: [],
    indexes: [],
    sql: v.sql,
  };
  const held = valueTypes(
    db,
    v.name,
    xinfo.map((c) => c.name),
  );
  const columns = xinfo.map((c, i) => {
    const col = {
      name: c.name,
      declaredType: c.type,
      notNull: false,
      defaultSql: null,
      generated: null,
      generatedExpr: null,
      collate: null,
    };
    const mapped = mapColumn(table, col, options);
    // mapColumn warns exactly when neither a cast rule nor a declared type chose the type.
    return {
      name: c.name,
      pgType: mapped.warning !== null && c.type.trim() === '' ? typeFromValues(held[i] ?? null, c.name) : mapped.pgType,
    };
  });
  const all = [{ name: 'rowid', pgType: 'bigint' }, ...columns.filter((c) => c.name.toLowerCase() !== 'rowid')];
  const name = qualified(schema, v.name);
  // rowid is the key FTS5 gives every row: the app inserts it explicitly and deletes by it.
  const create = `CREATE TABLE ${name} (\n  ${all.map((c) => `${q(c.name)} ${c.pgType}${c.name === 'rowid' ? ' NOT NULL' : ''}`).join(',\n  ')},\n  PRIMARY KEY (${q('rowid')})\n)`;
  const comment = `COMMENT ON TABLE ${name} IS '${emptyTableComment(v.module, v.name).replace(/'/g, "''")}'`;
  return { name: v.name, module: v.module, columns: all, sql: [create, comment] };
}

/** The empty stand-ins of every virtual table (those whose columns can be read), and those that cannot be made. */
export function planEmptyTables(
  db: Database.Database,
  schema: string,
  sqlite: SqliteSchema,
  options: TypeMapOptions,
): { made: EmptyTable[]; unreadable: UnreadableVirtualTable[] } {
  const made: EmptyTable[] = [];
  const unreadable: UnreadableVirtualTable[] = [];
  for (const v of sqlite.virtualTables) {
    const t = emptyTable(db, schema, v, options);
    if ('problem' in t) unreadable.push(t);
    else made.push(t);
  }
  return { made, unreadable };
}

/** Runs the statements that make the empty tables, on a client inside the caller's transaction. */
export async function createEmptyTables(client: pg.Client, tables: readonly EmptyTable[]): Promise<void> {
  for (const t of tables) for (const sql of t.sql) await client.query(sql);
}
