import { openSqlite } from '../../db/connections.js';
import type { Progress } from '../kind.js';
import { countTables, type TableCounts } from './table-counts.js';

/** Pages copied between two looks at the abort signal: 4 MiB with the default page size. */
const PAGES_PER_STEP = 1000;

/** Thrown from the backup's progress callback to stop it; the caller reports the abort. */
export class BackupStopped extends Error {}

/**
 * Copies a SQLite database with SQLite's online backup API, inside one read transaction of the
 * source, and counts the source's tables in that same transaction: the copy and the counts are
 * one snapshot even while another connection writes. Committed rows only; a writer's open
 * transaction is not in the copy.
 */
export async function backupSnapshot(
  source: string,
  destination: string,
  options: { readonly signal: AbortSignal; readonly progress: (p: Progress) => void },
): Promise<TableCounts> {
  const db = openSqlite(source, { readonly: true });
  try {
    db.exec('begin');
    // The counts' reads open the snapshot the backup then reads from.
    const counts = countTables(db);
    await db.backup(destination, {
      progress({ totalPages, remainingPages }) {
        if (options.signal.aborted) throw new BackupStopped();
        options.progress({ label: 'pages', done: totalPages - remainingPages, total: totalPages, unit: 'pages' });
        return PAGES_PER_STEP;
      },
    });
    db.exec('commit');
    return counts;
  } finally {
    db.close();
  }
}
