import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { RejectLog } from './copy-rejects.js';
import type { TableDdl } from '../ddl/schema-ddl.js';
import type { LoadJob, LoadSettings } from './load.js';
import type { TableOutcome, TransferEffects, TransferOptions } from './options.js';
import type { TransferPlan } from './plan.js';
import type { Prepared } from './prepare-load.js';
import type { StrangerState } from './resume.js';
import type { TransferState } from './state.js';
import type { ColumnMapping } from '../ddl/typemap.js';

/** What the transfer is doing, for a message when the connection is lost in the middle of it. */
export interface Stage {
  phase: string;
}

/** One transfer under way: what every phase reads, and the records it keeps up to date. */
export interface TransferRun {
  readonly db: Database.Database;
  readonly plan: TransferPlan;
  /** With the schema resolved (test-import loads into a scratch schema). */
  readonly options: TransferOptions;
  readonly schema: string;
  readonly clients: pg.Client[];
  /** The connection that reads and changes the schema; the load uses all of them. */
  readonly control: pg.Client;
  readonly effects: TransferEffects;
  readonly rejects: RejectLog;
  readonly stage: Stage;
  warn(message: string): void;
}

/** The columns COPY writes into a table. */
export type ColumnsOf = (t: TableDdl) => readonly ColumnMapping[];

/**
 * What a mode does at each point of the run skeleton (transfer.ts): create makes the tables,
 * data-only loads into tables that exist. Made per run: a mode may keep what one point learns for a later one.
 */
export interface ModeSteps {
  /** Rows are loaded (all but schema-only). */
  readonly withData: boolean;
  /** How a lost connection names the work after the load, and the removal of the state table. */
  readonly phases: { readonly afterLoad: string; readonly dropState: string };
  /** The words for state left by a transfer of another SQLite schema. */
  readonly strangerState: StrangerState;
  /** Reads what the target already has, before SQLite is: the columns COPY writes. */
  inspectTarget(run: TransferRun): Promise<ColumnsOf>;
  /** Makes the target schema when it is missing (before the state table is looked for). */
  ensureSchema(run: TransferRun): Promise<void>;
  /** Checks the target against the plan and makes it ready (tables, state table); returns the jobs still to load. */
  prepareTarget(run: TransferRun, prepared: Prepared, state: TransferState | null): Promise<readonly LoadJob[]>;
  /** How the load runs in this mode. */
  loadSettings(run: TransferRun): Pick<LoadSettings, 'parentsFirst' | 'meanwhile'> & { readonly filled: string[] | null };
  /** Keys, foreign keys, sequences and the count check, once the rows are in. */
  afterLoad(run: TransferRun, prepared: Prepared, outcomes: ReadonlyMap<string, TableOutcome>): Promise<void>;
}
