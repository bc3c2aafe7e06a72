import { readUndoToken } from '../kind.js';
import type { JsonValue } from '../../core/json.js';

/** What env-switch journals to restore a file later: paths and hashes, never a value from the file. */
export interface EnvSwitchUndo {
  /** Absolute path of the file that was switched (symlinks resolved). */
  readonly file: string;
  /** The private copy of the original bytes; null when the switch created the file. */
  readonly backup: string | null;
  /** Per-key sha256 of the values the switch wrote (never the values), to tell which keys someone changed afterwards. */
  readonly switched: string;
  readonly sha256_before: string | null;
  readonly sha256_after: string;
  readonly existed: boolean;
  /** Permission bits the file had (or was given), for restoring it when it has since been deleted. */
  readonly mode: number;
}

/** Reads a journaled token back; a token of another shape is a bug, so it throws. */
export function parseUndoToken(token: JsonValue): EnvSwitchUndo {
  return readUndoToken<EnvSwitchUndo>('env-switch', token, {
    file: 'string',
    backup: 'string?',
    switched: 'string',
    sha256_before: 'string?',
    sha256_after: 'string',
    existed: 'boolean',
    mode: 'number',
  });
}
