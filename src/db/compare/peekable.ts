import type { RowReader } from './row-source.js';

/** A row reader with a look-ahead buffer: the caller fills it, looks at it, and takes rows off its front. */
export class Peekable {
  private buffer: (readonly unknown[])[] = [];
  private ended = false;
  constructor(private readonly reader: RowReader) {}

  /** Rows buffered and not yet taken. */
  get size(): number {
    return this.buffer.length;
  }

  /** Reads until `rows` rows are buffered or the reader ends. */
  async fill(rows: number): Promise<void> {
    while (!this.ended && this.buffer.length < rows) {
      const batch = await this.reader.next();
      if (batch === null) this.ended = true;
      else this.buffer = this.buffer.length === 0 ? [...batch] : this.buffer.concat(batch);
    }
  }

  /** The buffered row at `index` (which must be below size). */
  at(index: number): readonly unknown[] {
    return this.buffer[index] as readonly unknown[];
  }

  /** Takes the buffered rows from the front while `keep` holds (the buffer is in key order, so it stops at the first miss). */
  takeWhile(keep: (row: readonly unknown[]) => boolean): readonly (readonly unknown[])[] {
    let lo = 0;
    let hi = this.buffer.length;
    // Binary search: keep is true for a prefix.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keep(this.buffer[mid] as readonly unknown[])) lo = mid + 1;
      else hi = mid;
    }
    const taken = this.buffer.slice(0, lo);
    this.buffer = this.buffer.slice(lo);
    return taken;
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
