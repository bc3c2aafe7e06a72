/** One repair of a pgloader-made table, as align-schema plans it. */
export interface AlignAction {
  readonly table: string;
  /** What it changes, in words, for the `changes` output. */
  readonly change: string;
  /** Statements run in order inside the repair's transaction. */
  readonly sql: readonly string[];
  /**
   * A count of rows that stop the repair, run before anything changes: a hard guard fails the
   * step, a soft one skips this action with a warning.
   */
  readonly guard?: { readonly sql: string; readonly soft: boolean; problem(count: number): string };
  /** After the statements: copy this column's values from SQLite again where they differ. */
  readonly recopy?: { readonly column: string; readonly pgType: string; readonly why: 'timestamp' | 'real' };
  /** An optional statement (an index PostgreSQL may refuse): a refusal becomes a warning. */
  readonly optional?: boolean;
}
