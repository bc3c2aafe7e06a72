import { TransferFailure } from './failure.js';
import type { TransferState } from './state.js';

/** How a mode words state left by a transfer of another SQLite schema. */
export interface StrangerState {
  /** Name both fingerprints in the message. */
  readonly showFingerprints: boolean;
  /** The way out, for a target schema. */
  hint(schema: string): string;
}

/** Refuses to resume from the state of a transfer of a different SQLite schema (its fingerprint is not this plan's). */
export function checkStateFingerprint(state: TransferState | null, fingerprint: string, schema: string, words: StrangerState): void {
  if (!state || state.fingerprint === fingerprint) return;
  const detail = words.showFingerprints ? ` (fingerprint ${state.fingerprint}, now ${fingerprint})` : '';
  throw new TransferFailure(
    `schema "${schema}" holds the state of an interrupted transfer of a different SQLite schema${detail}.`,
    words.hint(schema),
  );
}
