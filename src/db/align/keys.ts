import { quoteIdent as q } from '../connections.js';
import { qualified, type DdlStatement, type TableDdl } from '../ddl/schema-ddl.js';
import type { TargetTable } from './target.js';
import type { AlignAction } from './action.js';

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const nameIn = (s: DdlStatement) => s.what.replace(/^(primary key|unique constraint|index|foreign key) /, '');

/**
 * The key repairs of one table: the primary key, unique constraints, indexes and foreign keys
 * create mode would make, found in the pgloader result by columns (or by pgloader's
 * `idx_<oid>_<name>` index names) and renamed to create mode's names, or added when missing. Pure.
 */
export function keyActions(
  schema: string,
  t: TableDdl,
  target: TargetTable,
  warn: (m: string) => void,
): { keys: AlignAction[]; fks: AlignAction[] } {
  const name = qualified(schema, t.source.name);
  const table = t.source.name;
  const actions: AlignAction[] = [];
  const claimed = new Set<string>();
  const rename = (kind: 'constraint' | 'index', from: string, to: string, what: string): AlignAction => ({
    table,
    change: `${table}: ${what} ${from} renamed ${to}`,
    sql: [
      kind === 'constraint'
        ? `ALTER TABLE ${name} RENAME CONSTRAINT ${q(from)} TO ${q(to)}`
        : `ALTER INDEX ${qualified(schema, from)} RENAME TO ${q(to)}`,
    ],
  });
  const keys = t.statements.filter((s) => s.phase === 'keys');
  const pk = keys.find((s) => s.what.startsWith('primary key '));
  if (pk) {
    const wanted = nameIn(pk);
    const have = target.constraints.find((c) => c.kind === 'p');
    if (!have) actions.push({ table, change: `${table}: primary key ${wanted} added`, sql: [pk.sql] });
    else if (!same(have.columns, t.source.primaryKey))
      warn(
        `${table}: the primary key in PostgreSQL is (${have.columns.join(', ')}), SQLite's is (${t.source.primaryKey.join(', ')}); left as it is`,
      );
    else if (have.name !== wanted) actions.push(rename('constraint', have.name, wanted, 'primary key'));
    if (have) claimed.add(have.name);
  }
  const indexStatements = keys.filter((s) => s.what.startsWith('unique constraint ') || s.what.startsWith('index '));
  const sourceIndexes = t.source.indexes.filter((ix) => ix.origin !== 'pk');
  indexStatements.forEach((s, i) => {
    const ix = sourceIndexes[i];
    if (!ix) return;
    const wanted = nameIn(s);
    const cols = ix.parts.map((p) => p.column ?? '');
    const plainCols = ix.parts.every((p) => p.column !== null && p.collate === null) && ix.where === null;
    if (s.what.startsWith('unique constraint ')) {
      const con = target.constraints.find((c) => c.kind === 'u' && same(c.columns, cols) && !claimed.has(c.name));
      const index = target.indexes.find(
        (x) => x.unique && x.plain && x.constraint === null && same(x.columns, cols) && !claimed.has(x.name),
      );
      if (con) {
        claimed.add(con.name);
        if (con.name !== wanted) actions.push(rename('constraint', con.name, wanted, 'unique constraint'));
      } else if (index) {
        claimed.add(index.name);
        actions.push({
          table,
          change: `${table}: unique index ${index.name} became unique constraint ${wanted}`,
          sql: [`ALTER TABLE ${name} ADD CONSTRAINT ${q(wanted)} UNIQUE USING INDEX ${q(index.name)}`],
        });
      } else {
        actions.push({
          table,
          change: `${table}: unique constraint ${wanted} (${cols.join(', ')}) added`,
          sql: [s.sql],
          guard: {
            sql: `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${name} GROUP BY ${cols.map(q).join(', ')} HAVING count(*) > 1) d`,
            soft: false,
            problem: (k) => `${table}(${cols.join(', ')}) is UNIQUE in SQLite but ${k} value(s) occur more than once in PostgreSQL`,
          },
        });
      }
      return;
    }
    const byName = target.indexes.find(
      (x) =>
        !claimed.has(x.name) &&
        (x.name === wanted ||
          x.name === ix.name ||
          new RegExp(`^idx_\\d+_${ix.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(x.name)),
    );
    const byCols = plainCols
      ? target.indexes.find(
          (x) => !claimed.has(x.name) && x.plain && x.constraint === null && x.unique === ix.unique && same(x.columns, cols),
        )
      : undefined;
    const found = byName ?? byCols;
    if (found) {
      claimed.add(found.name);
      if (found.name !== wanted) actions.push(rename('index', found.name, wanted, 'index'));
    } else {
      actions.push({ table, change: `${table}: index ${wanted} created`, sql: [s.sql], optional: s.optional });
    }
  });
  const fks: AlignAction[] = [];
  for (const s of t.statements.filter((x) => x.phase === 'fks')) {
    const fk = t.source.foreignKeys.find((f) => s.sql.includes(`FOREIGN KEY (${f.columns.map(q).join(', ')})`));
    if (!fk) continue;
    const wanted = nameIn(s);
    const have = target.constraints.find(
      (c) =>
        c.kind === 'f' && same(c.columns, fk.columns) && c.refTable?.toLowerCase() === fk.refTable.toLowerCase() && !claimed.has(c.name),
    );
    if (have) {
      claimed.add(have.name);
      if (have.onDelete !== fk.onDelete || have.onUpdate !== fk.onUpdate) {
        warn(
          `${table}: foreign key ${have.name} is ON DELETE ${have.onDelete} ON UPDATE ${have.onUpdate} in PostgreSQL, SQLite says ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}; left as it is`,
        );
      }
      if (have.name !== wanted) fks.push(rename('constraint', have.name, wanted, 'foreign key'));
      continue;
    }
    const parent = qualified(schema, fk.refTable);
    const match = fk.columns.map((c, k) => `p.${q(fk.refColumns[k] ?? c)} = t.${q(c)}`).join(' AND ');
    fks.push({
      table,
      change: `${table}: foreign key ${wanted} (${fk.columns.join(', ')}) -> ${fk.refTable} added`,
      sql: [s.sql],
      guard: {
        sql: `SELECT count(*)::int AS n FROM ${name} t WHERE ${fk.columns.map((c) => `t.${q(c)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE ${match})`,
        soft: false,
        problem: (k) =>
          `${table}(${fk.columns.join(', ')}) -> ${fk.refTable}: ${k} row(s) have no parent row, so the foreign key cannot be added`,
      },
    });
  }
  return { keys: actions, fks };
}
