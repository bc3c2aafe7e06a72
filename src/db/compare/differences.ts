/** What a content comparison found in one table. */

/** One column's two canonical values in a row that differs (null is SQL NULL). */
export interface ValueDifference {
  readonly column: string;
  readonly source: string | null;
  readonly target: string | null;
}

/** A row that differs, is missing on the target, or is extra there; named by its key. */
export interface RowDifference {
  readonly kind: 'differs' | 'missing' | 'extra';
  readonly key: Readonly<Record<string, string | null>>;
  readonly columns: readonly ValueDifference[];
}

/** Rows listed per table at most; the totals count all of them. */
export const LISTED_ROWS = 20;

/** The verdict on one table's contents. */
export interface TableContents {
  readonly method: 'key ranges' | 'multiset';
  /** The key the ranges ran over (empty for a multiset). */
  readonly key: readonly string[];
  /** Why the table was compared as a multiset. */
  readonly noKeyReason: string | null;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly differing: number;
  readonly missing: number;
  readonly extra: number;
  /** A multiset comparison found more differing rows than it could match and name. */
  readonly unnamedDifference: boolean;
  /** Source columns the target does not have (their values were not compared). */
  readonly missingColumns: readonly string[];
  /** Up to LISTED_ROWS rows, in key order. */
  readonly rows: readonly RowDifference[];
}

/** True when the table's contents are the same on both sides. */
export function contentsEqual(t: TableContents): boolean {
  return t.differing === 0 && t.missing === 0 && t.extra === 0 && !t.unnamedDifference && t.missingColumns.length === 0;
}
