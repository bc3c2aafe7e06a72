import { stat } from 'node:fs/promises';
import { openSqlite } from '../../db/connections.js';

/**
 * Folds a WAL database's log into its main file (best effort), so the main file's hash stands
 * for the content. Returns false when committed pages may still sit in the `-wal` file.
 */
export async function settleWal(path: string): Promise<boolean> {
  try {
    const db = openSqlite(path, { readonly: false });
    try {
      // Never wait for the app's lock: an unfinished checkpoint only makes the hash less telling.
      db.pragma('busy_timeout = 0');
      if (db.pragma('journal_mode', { simple: true }) === 'wal') db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } catch {
    // Not a database, locked, or on a read-only disk: judged by the -wal file below.
  }
  const wal = await stat(`${path}-wal`).catch(() => undefined);
  return wal === undefined || wal.size === 0;
}
