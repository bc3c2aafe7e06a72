import type Database from 'better-sqlite3';
import { constraintKey, parseCreateIndex, parseCreateTable } from './create-table.js';

/** A column of a SQLite table as declared. */
export interface SqliteColumn {
  readonly name: string;
  /** The declared type as written ('' when none). */
  readonly declaredType: string;
  readonly notNull: boolean;
  /** The DEFAULT clause's SQL text, or null. */
  readonly defaultSql: string | null;
  readonly generated: 'virtual' | 'stored' | null;
  readonly generatedExpr: string | null;
  /** COLLATE of the column definition, upper-cased (NOCASE, RTRIM), or null. */
  readonly collate: string | null;
}

/** A foreign key, with the parent's key columns resolved. */
export interface SqliteForeignKey {
  readonly name: string | null;
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: string;
  readonly onUpdate: string;
}

/** One indexed term: a column or an expression. */
export interface SqliteIndexPart {
  readonly column: string | null;
  /** The expression text when the term is not a plain column. */
  readonly expr: string | null;
  readonly desc: boolean;
  /** Collation when it is not the default BINARY. */
  readonly collate: string | null;
}

/** An index: explicit (CREATE INDEX) or made by a UNIQUE / PRIMARY KEY constraint. */
export interface SqliteIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly origin: 'c' | 'u' | 'pk';
  readonly parts: readonly SqliteIndexPart[];
  readonly where: string | null;
  /** The constraint name the CREATE TABLE gave, for origin u / pk. */
  readonly constraintName: string | null;
}

/** A SQLite table with everything needed to rebuild it elsewhere. */
export interface SqliteTable {
  readonly name: string;
  readonly columns: readonly SqliteColumn[];
  readonly primaryKey: readonly string[];
  readonly primaryKeyName: string | null;
  /** The INTEGER PRIMARY KEY column that aliases the rowid, or null. */
  readonly rowidAlias: string | null;
  readonly autoincrement: boolean;
  readonly withoutRowid: boolean;
  readonly checks: readonly { readonly name: string | null; readonly expr: string; readonly column: string | null }[];
  readonly foreignKeys: readonly SqliteForeignKey[];
  readonly indexes: readonly SqliteIndex[];
  readonly sql: string;
}

/** Everything in a SQLite file, sorted into what is copied and what is only reported. */
export interface SqliteSchema {
  readonly tables: readonly SqliteTable[];
  readonly views: readonly { readonly name: string; readonly sql: string }[];
  readonly triggers: readonly { readonly name: string; readonly table: string; readonly sql: string }[];
  readonly virtualTables: readonly { readonly name: string; readonly module: string; readonly sql: string }[];
  readonly shadowTables: readonly { readonly name: string; readonly owner: string | null }[];
  /** AUTOINCREMENT high-water marks from sqlite_sequence (table → last id handed out). */
  readonly sequences: ReadonlyMap<string, number>;
}

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}
interface XInfo {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface FkRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}
interface IndexListRow {
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
  partial: number;
}
interface IndexXInfo {
  seqno: number;
  cid: number;
  name: string | null;
  desc: number;
  coll: string;
  key: number;
}

const pragma = <T>(db: Database.Database, text: string): T[] => db.prepare(`PRAGMA ${text}`).all() as T[];
const lit = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** Reads the whole schema of an open SQLite database. Read-only. */
export function introspectSqlite(db: Database.Database): SqliteSchema {
  const master = db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid`).all() as MasterRow[];
  const list = pragma<{ schema: string; name: string; type: string; wr: number }>(db, 'table_list').filter((t) => t.schema === 'main');
  const kindOf = new Map(list.map((t) => [t.name, t]));
  const virtualTables = master
    .filter((m) => m.type === 'table' && /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(m.sql ?? ''))
    .map((m) => ({ name: m.name, module: (/USING\s+("?)(\w+)\1/i.exec(m.sql ?? '')?.[2] ?? '?').toLowerCase(), sql: m.sql ?? '' }));
  const virtualNames = virtualTables.map((v) => v.name);
  const shadowTables = list
    .filter((t) => t.type === 'shadow')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      owner: virtualNames.filter((v) => t.name.startsWith(`${v}_`)).sort((a, b) => b.length - a.length)[0] ?? null,
    }));
  const skip = new Set([...virtualNames, ...shadowTables.map((s) => s.name)]);
  const tables = master
    .filter((m) => m.type === 'table' && !m.name.startsWith('sqlite_') && !skip.has(m.name) && m.sql)
    .map((m) => readTable(db, m, kindOf.get(m.name)?.wr === 1));
  const sequences = new Map<string, number>();
  if (master.some((m) => m.name === 'sqlite_sequence')) {
    for (const r of db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[])
      sequences.set(r.name, r.seq);
  }
  return {
    tables,
    views: master.filter((m) => m.type === 'view').map((m) => ({ name: m.name, sql: m.sql ?? '' })),
    triggers: master.filter((m) => m.type === 'trigger').map((m) => ({ name: m.name, table: m.tbl_name, sql: m.sql ?? '' })),
    virtualTables,
    shadowTables,
    sequences,
  };
}

function readTable(db: Database.Database, m: MasterRow, withoutRowid: boolean): SqliteTable {
  const sql = m.sql ?? '';
  const facts = parseCreateTable(sql);
  const xinfo = pragma<XInfo>(db, `table_xinfo(${lit(m.name)})`);
  const columns: SqliteColumn[] = xinfo.map((c) => ({
    name: c.name,
    declaredType: c.type,
    notNull: c.notnull === 1,
    defaultSql: c.dflt_value,
    generated: c.hidden === 2 ? 'virtual' : c.hidden === 3 ? 'stored' : null,
    generatedExpr: c.hidden >= 2 ? (facts.columns.get(c.name)?.generatedExpr ?? null) : null,
    collate: facts.columns.get(c.name)?.collate ?? null,
  }));
  const primaryKey = xinfo
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  const pkCol = primaryKey.length === 1 ? xinfo.find((c) => c.name === primaryKey[0]) : undefined;
  // SQLite makes a column the rowid only when its type is exactly INTEGER (not INT, not BIGINT)
  // and it is not declared DESC; an index of origin "pk" means it is not the rowid.
  const indexList = pragma<IndexListRow>(db, `index_list(${lit(m.name)})`);
  const rowidAlias =
    !withoutRowid && pkCol && pkCol.type.toUpperCase() === 'INTEGER' && !indexList.some((i) => i.origin === 'pk') ? pkCol.name : null;
  const pkIndexSql = new Map(
    (
      db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?`).all(m.name) as {
        name: string;
        sql: string | null;
      }[]
    ).map((r) => [r.name, r.sql]),
  );
  const indexes: SqliteIndex[] = indexList
    .map((ix) => {
      const info = pragma<IndexXInfo>(db, `index_xinfo(${lit(ix.name)})`)
        .filter((p) => p.key === 1)
        .sort((a, b) => a.seqno - b.seqno);
      const parsed = parseCreateIndex(pkIndexSql.get(ix.name) ?? '');
      const parts = info.map((p, k) => ({
        column: p.cid >= 0 ? p.name : null,
        expr: p.cid === -2 ? (parsed.terms[k] ?? '').replace(/\s+(ASC|DESC)\s*$/i, '').replace(/\s+COLLATE\s+\S+\s*$/i, '') : null,
        desc: p.desc === 1,
        collate: p.coll.toUpperCase() === 'BINARY' ? null : p.coll.toUpperCase(),
      }));
      const cols = parts.map((p) => p.column ?? '');
      const constraintName =
        ix.origin === 'c' ? null : (facts.constraintNames.get(constraintKey(ix.origin === 'pk' ? 'p' : 'u', cols)) ?? null);
      return {
        name: ix.name,
        unique: ix.unique === 1,
        origin: ix.origin,
        parts,
        where: ix.partial === 1 ? parsed.where : null,
        constraintName,
      };
    })
    .reverse();
  const fkRows = pragma<FkRow>(db, `foreign_key_list(${lit(m.name)})`);
  const foreignKeys: SqliteForeignKey[] = [];
  for (const id of [...new Set(fkRows.map((r) => r.id))].sort((a, b) => b - a)) {
    const rows = fkRows.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
    const first = rows[0];
    if (!first) continue;
    const columnsOf = rows.map((r) => r.from);
    let refColumns = rows.map((r) => r.to ?? '');
    if (refColumns.some((c) => c === '')) refColumns = parentKey(db, first.table);
    foreignKeys.push({
      name: facts.constraintNames.get(constraintKey('f', columnsOf)) ?? null,
      columns: columnsOf,
      refTable: first.table,
      refColumns,
      onDelete: first.on_delete,
      onUpdate: first.on_update,
    });
  }
  return {
    name: m.name,
    columns,
    primaryKey,
    primaryKeyName: facts.constraintNames.get(constraintKey('p', primaryKey)) ?? null,
    rowidAlias,
    autoincrement: facts.autoincrement && rowidAlias !== null,
    withoutRowid,
    checks: facts.checks,
    foreignKeys,
    indexes,
    sql,
  };
}

function parentKey(db: Database.Database, table: string): string[] {
  return pragma<XInfo>(db, `table_xinfo(${lit(table)})`)
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
}
