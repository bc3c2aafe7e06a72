import { canonicalFromPostgres, canonicalFromSqlite, type CanonicalType } from './canonical.js';
import type { RowSource } from './row-source.js';

/** Canonical values of a row or key. */
export type Cells = readonly (string | null)[];
/** Makes a value of one side canonical. */
export type Canon = (type: CanonicalType, v: unknown) => string | null;

/** The canonical form of a value as one side gives it. */
export const canonOf = (side: RowSource): Canon =>
  side.dialect === 'sqlite' ? canonicalFromSqlite : (type, v) => canonicalFromPostgres(type, v as string | null);

/** A row's values in canonical form. */
export function cellsOf(row: readonly unknown[], types: readonly CanonicalType[], canon: Canon): Cells {
  return types.map((t, i) => canon(t, row[i]));
}

/** A row as one text of length-prefixed canonical cells: no two different rows give the same text, NULL included. */
export function rowText(row: readonly unknown[], types: readonly CanonicalType[], canon: Canon): string {
  let s = '';
  for (let i = 0; i < types.length; i++) {
    const c = canon(types[i] as CanonicalType, row[i]);
    s += c === null ? '\u0000|' : `${c.length}|${c}`;
  }
  return s;
}
