import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A value as it can be written to a JSON reject line (bigints as text when unsafe, blobs as hex). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  return v;
}

/** One refused row: where it was and why. */
export interface RejectedRow {
  readonly table: string;
  /** `rowid 42` or `key (a=1, b=2)`. */
  readonly where: string;
  readonly column: string | null;
  readonly reason: string;
  readonly row: Record<string, unknown>;
}

/** Reject files of a transfer: one JSON-lines file per table, created on the first refused row. */
export class RejectLog {
  private readonly files = new Map<string, { fd: number; path: string; count: number }>();
  /** Rows already written: a table loaded again (after PostgreSQL refused a row) refuses the same rows again. */
  private readonly written = new Set<string>();

  constructor(private readonly dir: string) {}

  /** Appends a refused row to its table's file. */
  add(r: RejectedRow): void {
    const key = `${r.table}\u0000${r.where}`;
    if (this.written.has(key)) return;
    this.written.add(key);
    let f = this.files.get(r.table);
    if (!f) {
      mkdirSync(this.dir, { recursive: true });
      const path = join(this.dir, `${r.table.replace(/[^A-Za-z0-9_.-]/g, '_')}.rejects.jsonl`);
      f = { fd: openSync(path, 'a'), path, count: 0 };
      this.files.set(r.table, f);
    }
    const row = Object.fromEntries(Object.entries(r.row).map(([k, v]) => [k, jsonSafe(v)]));
    writeSync(f.fd, `${JSON.stringify({ table: r.table, at: r.where, column: r.column, reason: r.reason, row })}\n`);
    f.count++;
  }

  /** Rows refused so far in one table. */
  count(table: string): number {
    return this.files.get(table)?.count ?? 0;
  }

  /** Paths of the files written. */
  paths(): string[] {
    return [...this.files.values()].map((f) => f.path);
  }

  /** Closes every file. */
  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
  }
}
