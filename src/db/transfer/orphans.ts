import type Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import type { SqliteForeignKey, SqliteTable } from '../introspect/sqlite-schema.js';

/** Rows of a table whose foreign key points at no parent row (SQLite does not enforce FKs by default). */
export interface OrphanReport {
  readonly table: string;
  readonly foreignKey: SqliteForeignKey;
  readonly count: number;
  /** SQL condition over the child table that is true for exactly these rows. */
  readonly condition: string;
  /** A few rowids or keys, for the message. */
  readonly examples: readonly string[];
}

/** The SQLite condition that a row of `table` is an orphan for `fk` (MATCH SIMPLE: a NULL in the key never is). */
export function orphanCondition(table: string, fk: SqliteForeignKey, parent: string): string {
  const notNull = fk.columns.map((c) => `${q(table)}.${q(c)} IS NOT NULL`).join(' AND ');
  const match = fk.columns.map((c, i) => `p.${q(fk.refColumns[i] ?? c)} = ${q(table)}.${q(c)}`).join(' AND ');
  return `(${notNull} AND NOT EXISTS (SELECT 1 FROM ${q(parent)} AS p WHERE ${match}))`;
}

/**
 * Counts a foreign key's orphans. A one-column key whose two columns compare the same way (binary
 * collation) uses NOT IN: each child key is searched among the parent's rowids, or in a list of
 * the parent's keys made once (half the time of the forms below for 1M child rows). Otherwise, with an
 * index that starts with the key's columns (binary collation, not partial), each distinct key is
 * looked up once instead of once per row. Without one, GROUP BY would sort.
 */
function countSql(t: SqliteTable, fk: SqliteForeignKey, parent: SqliteTable, condition: string): string {
  const column = fk.columns[0] ?? '';
  const ref = fk.refColumns[0] ?? column;
  const binary = (table: SqliteTable, name: string) =>
    table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.collate === null;
  if (fk.columns.length === 1 && binary(t, column) && binary(parent, ref)) {
    // A rowid is never NULL, and SQLite then searches the parent's rowids directly; other keys
    // may be: NULLs are left out, as one would make every NOT IN unknown.
    const nullable = parent.rowidAlias?.toLowerCase() === ref.toLowerCase() ? '' : ` WHERE ${q(ref)} IS NOT NULL`;
    return `SELECT count(*) AS n FROM ${q(t.name)} WHERE ${q(column)} IS NOT NULL AND ${q(column)} NOT IN (SELECT ${q(ref)} FROM ${q(parent.name)}${nullable})`;
  }
  const indexed = t.indexes.some(
    (ix) =>
      ix.where === null &&
      fk.columns.every(
        (c, i) => ix.parts[i]?.column?.toLowerCase() === c.toLowerCase() && ix.parts[i]?.expr === null && ix.parts[i]?.collate === null,
      ),
  );
  if (!indexed) return `SELECT count(*) AS n FROM ${q(t.name)} WHERE ${condition}`;
  const keys = fk.columns.map((c, i) => `${q(t.name)}.${q(c)} AS k${i}`).join(', ');
  const notNull = fk.columns.map((c) => `${q(t.name)}.${q(c)} IS NOT NULL`).join(' AND ');
  const match = fk.columns.map((c, i) => `p.${q(fk.refColumns[i] ?? c)} = g.k${i}`).join(' AND ');
  return (
    `SELECT coalesce(sum(g.n), 0) AS n FROM (SELECT ${keys}, count(*) AS n FROM ${q(t.name)} WHERE ${notNull} GROUP BY ${fk.columns.map((_, i) => `k${i}`).join(', ')}) AS g ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${q(parent.name)} AS p WHERE ${match})`
  );
}

/** Finds orphan rows of every foreign key between copied tables. Read-only. */
export function findOrphans(db: Database.Database, tables: readonly SqliteTable[]): OrphanReport[] {
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const out: OrphanReport[] = [];
  for (const t of tables) {
    for (const fk of t.foreignKeys) {
      const parent = byName.get(fk.refTable.toLowerCase());
      if (!parent) continue;
      const condition = orphanCondition(t.name, fk, parent.name);
      const count = (db.prepare(countSql(t, fk, parent, condition)).get() as { n: number }).n;
      if (count === 0) continue;
      const key = t.withoutRowid ? t.primaryKey.map(q).join(` || ',' || `) : 'rowid';
      const examples = (db.prepare(`SELECT ${key} AS k FROM ${q(t.name)} WHERE ${condition} LIMIT 3`).all() as { k: unknown }[]).map((r) =>
        String(r.k),
      );
      out.push({ table: t.name, foreignKey: fk, count, condition, examples });
    }
  }
  return out;
}

/** One line per orphan set: `tags.file_id -> files.id: 2 rows (rowid 7, 9)`. */
export function describeOrphans(o: OrphanReport): string {
  const fk = o.foreignKey;
  const at = o.examples.join(', ');
  return `${o.table}(${fk.columns.join(', ')}) -> ${fk.refTable}(${fk.refColumns.join(', ')}): ${o.count} row${o.count === 1 ? '' : 's'} with no parent (rowid/key ${at}${o.count > o.examples.length ? ', …' : ''})`;
}
