import { Failed } from '../../core/failure.js';
import type { LoadJob } from './load.js';
import type { TableOutcome, TransferEffects } from './options.js';
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
  throw new Failed(
    'data',
    `schema "${schema}" holds the state of an interrupted transfer of a different SQLite schema${detail}.`,
    words.hint(schema),
  );
}

/** Records what an interrupted transfer left: its state table and the tables it created (so undo drops them). */
export function adoptState(effects: TransferEffects, state: TransferState | null): void {
  if (state) for (const t of state.tables.values()) if (t.created) effects.tablesCreated.push(t.table);
  effects.stateTable = state !== null;
}

/** Refuses to resume when a table the interrupted run finished has another row count in SQLite now. */
export function checkUnchangedRows(jobs: readonly LoadJob[], state: TransferState | null): void {
  for (const job of jobs) {
    const done = state?.tables.get(job.table.name);
    if (done?.status === 'complete' && done.sourceRows !== job.sourceRows) {
      throw new Failed(
        'data',
        `table "${job.table.name}" changed in SQLite since the interrupted run (${done.sourceRows} rows then, ${job.sourceRows} now).`,
        'Roll back the earlier run and start again, so every table is read from the same state.',
      );
    }
  }
}

/** Whether the interrupted run finished loading a table. */
export const finished = (state: TransferState | null, table: string): boolean => state?.tables.get(table)?.status === 'complete';

/** The outcomes of the tables an interrupted run finished, kept as they are. */
export function resumedOutcomes(jobs: readonly LoadJob[], state: TransferState | null): Map<string, TableOutcome> {
  const outcomes = new Map<string, TableOutcome>();
  for (const job of jobs) {
    const done = state?.tables.get(job.table.name);
    if (done?.status === 'complete')
      outcomes.set(job.table.name, {
        table: job.table.name,
        sourceRows: job.sourceRows,
        loaded: done.rows,
        rejected: done.sourceRows - done.rows,
        resumed: true,
      });
  }
  return outcomes;
}
