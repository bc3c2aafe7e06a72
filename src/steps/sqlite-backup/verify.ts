import { openSqlite } from '../../db/connections.js';
import { countTables, differingTables, type TableCounts } from './table-counts.js';

/** What is wrong with a copy, one phrase per problem; empty when it is sound and holds the expected rows. */
export function checkCopy(path: string, expected: TableCounts | undefined): string[] {
  try {
    return checkOpen(path, expected);
  } catch (e) {
    if (!isSqliteError(e)) throw e;
    return [`SQLite could not read it: ${e.message}`];
  }
}

/** An error raised by SQLite itself (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_BUSY, ...), as opposed to a bug. */
export function isSqliteError(e: unknown): e is Error & { readonly code: string } {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

function checkOpen(path: string, expected: TableCounts | undefined): string[] {
  const db = openSqlite(path, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      return [
        `integrity_check reported ${integrity
          .slice(0, 5)
          .map((l) => `"${l}"`)
          .join(', ')}${integrity.length > 5 ? ` and ${integrity.length - 5} more` : ''}`,
      ];
    }
    if (expected === undefined) return [];
    const differing = differingTables(expected, countTables(db));
    return differing.length === 0 ? [] : [`row counts differ in ${differing.length} table(s): ${differing.join(', ')}`];
  } finally {
    db.close();
  }
}
