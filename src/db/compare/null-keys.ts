import { createHash } from 'node:crypto';
import type { CanonicalType } from './canonical.js';
import type { Findings } from './findings.js';
import type { RowBatch, RowReader } from './row-source.js';
import { cellsOf, rowText, type Canon, type Cells } from './row-text.js';

/**
 * Rows whose key has a NULL part, which SQLite allows in a primary key: no key matches them and
 * the two databases sort them apart, so they are taken out of the key-ordered streams and
 * compared as a multiset of whole rows.
 */
export class NullKeyRows {
  private readonly balance = new Map<string, { n: number; cells: Cells }>();
  /** Rows set aside on the source and on the target. */
  readonly count = { source: 0, target: 0 };

  constructor(
    private readonly keyAt: readonly number[],
    private readonly types: readonly CanonicalType[],
  ) {}

  /** The reader without the rows whose key has a NULL part; those are counted for `side`. */
  divert(reader: RowReader, side: 'source' | 'target', canon: Canon): RowReader {
    const sign = side === 'source' ? 1 : -1;
    return {
      next: async (): Promise<RowBatch | null> => {
        for (;;) {
          const batch = await reader.next();
          if (batch === null) return null;
          const kept = batch.filter((row) => {
            if (!this.keyAt.some((at) => row[at] === null)) return true;
            const hash = createHash('md5')
              .update(rowText(row, this.types, canon))
              .digest('hex');
            const seen = this.balance.get(hash) ?? { n: 0, cells: cellsOf(row, this.types, canon) };
            this.balance.set(hash, { ...seen, n: seen.n + sign });
            this.count[side]++;
            return false;
          });
          if (kept.length > 0) return kept;
        }
      },
      close: () => reader.close(),
    };
  }

  /** Adds the rows found on one side only to `found`, named by their key (with its NULL). */
  report(found: Findings): void {
    for (const { n, cells } of this.balance.values()) {
      for (let k = 0; k < Math.abs(n); k++)
        found.add(
          n > 0 ? 'missing' : 'extra',
          this.keyAt.map((at) => cells[at] ?? null),
        );
    }
  }
}
