import { readUndoToken } from '../kind.js';
import type { JsonValue } from '../../core/json.js';

/** What sqlite-backup journals to restore the source later: paths, hashes and a mode, no data. */
export interface SqliteBackupUndo {
  /** Absolute path of the SQLite file that was backed up. */
  readonly source: string;
  /** Absolute path of the verified backup. */
  readonly backup: string;
  /** sha256 of the source's main file right after the backup (its WAL folded in when possible). */
  readonly source_sha256: string;
  readonly backup_sha256: string;
  /** Permission bits of the source, given to a restored file. */
  readonly mode: number;
}

/** Reads a journaled token back; a token of another shape is a bug, so it throws. */
export function parseUndoToken(token: JsonValue): SqliteBackupUndo {
  return readUndoToken<SqliteBackupUndo>('sqlite-backup', token, {
    source: 'string',
    backup: 'string',
    source_sha256: 'string',
    backup_sha256: 'string',
    mode: 'number',
  });
}
