import type { SkippedObject } from './plan.js';
import type { CastRule } from '../ddl/typemap.js';
import type { Retyped } from './retype.js';
import type { EmptyTable, VirtualTablesPolicy } from '../ddl/virtual-tables.js';
import type { BadValuePolicy, IfExistsPolicy, JsonType, OrphanPolicy, TransferMode } from '../policies.js';

/** How a transfer runs. */
export interface TransferOptions {
  readonly sqlitePath: string;
  readonly pgUrl: string;
  readonly mode: TransferMode;
  readonly schema: string;
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  readonly cast: readonly CastRule[];
  readonly jsonType: JsonType;
  /** widen: a column whose values its type refuses becomes text; what text refuses too is rejected. */
  readonly onBadValue: BadValuePolicy;
  readonly onOrphans: OrphanPolicy;
  readonly ifExists: IfExistsPolicy;
  readonly parallel: number;
  readonly virtualTables: VirtualTablesPolicy;
  readonly rejectDir: string;
  readonly signal: AbortSignal;
  /** Filled with the conversions as tables load (transfer() starts it empty; the report sorts them). */
  readonly conversions?: { table: string; column: string; what: string; rows: number }[];
  progress(table: string, done: number, total: number): void;
  warn(message: string): void;
}

/** What the transfer has created or filled so far: kept up to date so a failure can still be undone. */
export interface TransferEffects {
  schema: string;
  schemaCreated: boolean;
  tablesCreated: string[];
  /** Existing tables (data-only) this transfer filled. */
  tablesFilled: string[];
  stateTable: boolean;
  /** Reject files written (they stay in the run directory). */
  rejectFiles: string[];
}

/** Per-table result. */
export interface TableOutcome {
  readonly table: string;
  readonly sourceRows: number;
  readonly loaded: number;
  readonly rejected: number;
  /** Loaded by an earlier, interrupted run and kept. */
  readonly resumed: boolean;
}

/** The result of a finished transfer. */
export interface TransferReport {
  readonly mode: TransferOptions['mode'];
  readonly schema: string;
  readonly tables: readonly TableOutcome[];
  readonly rejectFiles: readonly string[];
  readonly skipped: readonly SkippedObject[];
  /** Virtual tables made as empty plain tables, on purpose (no rows to compare). */
  readonly emptyTables: readonly EmptyTable[];
  readonly warnings: readonly string[];
  /** Values written in another form than SQLite stored them, per column and kind (see sqlite-values.ts). */
  readonly conversions: readonly Conversion[];
  /** Columns given another type than their declaration because of their values. */
  readonly retyped: readonly Retyped[];
}

/** How many values of a column were converted one way. */
export interface Conversion {
  readonly table: string;
  readonly column: string;
  readonly what: string;
  readonly rows: number;
}

/** Starts an empty effects record for a target schema. */
export function noEffects(schema: string): TransferEffects {
  return { schema, schemaCreated: false, tablesCreated: [], tablesFilled: [], stateTable: false, rejectFiles: [] };
}
