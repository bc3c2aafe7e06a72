import { createHash } from 'node:crypto';

const MAX = 63;

/**
 * Shortens a name to PostgreSQL's 63 bytes deterministically: a long name keeps its start and
 * gets a short hash of the whole, so two long names never collapse into one.
 */
export function fitName(name: string): string {
  if (Buffer.byteLength(name) <= MAX) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  let head = name;
  while (Buffer.byteLength(head) > MAX - 9) head = head.slice(0, -1);
  return `${head}_${hash}`;
}

/**
 * A table's name in PostgreSQL, the same on every run: a name over 63 bytes keeps its start and a
 * hash of the whole (PostgreSQL would cut it, and two names equal in their first 63 bytes would clash).
 */
export function pgTableName(name: string): string {
  return fitName(name);
}

/** Hands out unique, readable names in one PostgreSQL namespace (relations of a schema, or constraints of a table). */
export class NameBook {
  private readonly used = new Set<string>();

  /** Marks names as taken (the tables themselves). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.used.add(n.toLowerCase());
  }

  /** The name itself when free, else the name with _1, _2, ... */
  take(wanted: string): string {
    let name = fitName(wanted);
    for (let k = 1; this.used.has(name.toLowerCase()); k++) name = fitName(`${wanted}_${k}`);
    this.used.add(name.toLowerCase());
    return name;
  }
}

/** PostgreSQL's own naming convention for a constraint: table_col1_col2_suffix. */
export function conventionalName(table: string, columns: readonly string[], suffix: string): string {
  return [table, ...columns, suffix].join('_');
}

/** Names PostgreSQL keeps for the system columns of every table. */
const systemColumns = new Set(['xmin', 'xmax', 'cmin', 'cmax', 'ctid', 'tableoid', 'oid']);

/**
 * PostgreSQL names of a table's columns (SQLite name → PostgreSQL name), the same on every run: a
 * system column name gets a "_" suffix, a name over 63 bytes is shortened with a hash, and a
 * clash after either gets _1, _2, ... Only the columns whose name changes are in the map.
 */
export function pgColumnNames(columns: readonly string[]): Map<string, string> {
  const book = new NameBook();
  book.reserve(columns.filter((c) => !systemColumns.has(c.toLowerCase()) && Buffer.byteLength(c) <= MAX));
  const out = new Map<string, string>();
  for (const c of columns) {
    if (!systemColumns.has(c.toLowerCase()) && Buffer.byteLength(c) <= MAX) continue;
    out.set(c, book.take(systemColumns.has(c.toLowerCase()) ? `${c}_` : c));
  }
  return out;
}
