/** Orders canonical key values the way both databases sort them: NULL first, integers by value, text by UTF-8 bytes. */

type Cell = string | null;

function compareInt(a: string, b: string): number {
  if (a.length < 16 && b.length < 16) {
    const d = Number(a) - Number(b);
    if (!Number.isNaN(d)) return d;
  }
  try {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

// JS compares UTF-16 units; that is the UTF-8 byte order except around surrogates and U+E000-U+FFFF.
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  if (!/[\ud800-\uffff]/.test(a) && !/[\ud800-\uffff]/.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A comparator of key tuples, one flag per key column: true for text, false for integers. */
export function keyComparator(text: readonly boolean[]): (a: readonly Cell[], b: readonly Cell[]) => number {
  return (a, b) => {
    for (let i = 0; i < text.length; i++) {
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      const c = text[i] ? compareText(x, y) : compareInt(x, y);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    return 0;
  };
}
