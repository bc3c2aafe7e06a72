import { canonicalTypeOfPg, type CanonicalType } from './canonical.js';
import type { KeyOrder, TableShape } from './row-source.js';

/** How one table is compared: which columns on each side, their canonical types, and the key (or why there is none). */
export interface TablePlan {
  /** Column names as the source has them (the names reported). */
  readonly columns: readonly string[];
  /** The same columns as the target names them (a case-folded match is accepted). */
  readonly targetColumns: readonly string[];
  readonly types: readonly CanonicalType[];
  /** Source columns the target does not have. */
  readonly missingColumns: readonly string[];
  /** The key to compare ranges by, or null for a multiset comparison. */
  readonly key: readonly KeyOrder[] | null;
  /** Positions of the key columns in `columns`. */
  readonly keyAt: readonly number[];
  /** Why there is no usable key (null when there is one). */
  readonly noKeyReason: string | null;
}

const ORDERABLE: ReadonlySet<CanonicalType> = new Set(['int', 'text']);

/** Matches the two sides' columns and picks the key: the source's primary key, else the target's. */
export function planTable(source: TableShape, target: TableShape): TablePlan {
  const columns: string[] = [];
  const targetColumns: string[] = [];
  const types: CanonicalType[] = [];
  const missingColumns: string[] = [];
  for (const col of source.columns) {
    const found =
      target.columns.find((t) => t.name === col.name) ?? target.columns.find((t) => t.name.toLowerCase() === col.name.toLowerCase());
    if (!found) {
      missingColumns.push(col.name);
      continue;
    }
    columns.push(col.name);
    targetColumns.push(found.name);
    // The PostgreSQL side's type says what the value became; between two SQLite files, text is enough.
    const pgType = found.pgType ?? col.pgType;
    types.push(pgType === null ? 'text' : canonicalTypeOfPg(pgType));
  }
  const keyNames = source.key.length > 0 ? source.key : target.key.map((k) => columns[targetColumns.indexOf(k)] ?? k);
  const keyAt = keyNames.map((k) => columns.indexOf(k));
  const base = { columns, targetColumns, types, missingColumns };
  if (keyNames.length === 0) return { ...base, key: null, keyAt: [], noKeyReason: 'it has no primary key' };
  if (keyAt.some((i) => i < 0))
    return { ...base, key: null, keyAt: [], noKeyReason: `its key (${keyNames.join(', ')}) is not on both sides` };
  const unorderable = keyAt.find((i) => !ORDERABLE.has(types[i] as CanonicalType));
  if (unorderable !== undefined) {
    return {
      ...base,
      key: null,
      keyAt: [],
      noKeyReason: `its key column "${columns[unorderable]}" is ${types[unorderable]}, which the two databases may sort differently`,
    };
  }
  return { ...base, key: keyAt.map((i) => ({ name: columns[i] as string, text: types[i] === 'text' })), keyAt, noKeyReason: null };
}
