import type Database from 'better-sqlite3';
import { quoteIdent } from '../../db/connections.js';

/** Rows per table, by table name. */
export type TableCounts = Readonly<Record<string, number>>;

interface TableListRow {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
}

/**
 * Counts the rows of every real table of the main database: ordinary tables and the shadow
 * tables behind virtual ones (they hold real pages), not the virtual tables themselves (their
 * module may not be loaded) nor SQLite's own `sqlite_` tables. Call inside a read transaction
 * to get one snapshot.
 */
export function countTables(db: Database.Database): TableCounts {
  const tables = (db.prepare('pragma table_list').all() as TableListRow[])
    .filter((t) => t.schema === 'main' && (t.type === 'table' || t.type === 'shadow') && !t.name.startsWith('sqlite_'))
    .map((t) => t.name)
    .sort();
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = (db.prepare(`select count(*) as n from main.${quoteIdent(t)}`).get() as { n: number }).n;
  return counts;
}

/** Tables whose count differs between two snapshots, worded for a message: `files (source 12, backup 11)`. */
export function differingTables(source: TableCounts, backup: TableCounts): string[] {
  const names = [...new Set([...Object.keys(source), ...Object.keys(backup)])].sort();
  const shown = (n: number | undefined) => (n === undefined ? 'missing' : String(n));
  return names.filter((t) => source[t] !== backup[t]).map((t) => `${t} (source ${shown(source[t])}, backup ${shown(backup[t])})`);
}
