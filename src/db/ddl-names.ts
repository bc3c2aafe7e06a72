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
