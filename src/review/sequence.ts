/** One operation of a sequence diff: an item kept, removed from the old list, or added in the new. */
export type SeqOp<T> =
  | { readonly op: 'keep'; readonly old: T; readonly new: T; readonly oldIndex: number; readonly newIndex: number }
  | { readonly op: 'remove'; readonly old: T; readonly oldIndex: number }
  | { readonly op: 'add'; readonly new: T; readonly newIndex: number };

/** The longest-common-subsequence diff of two lists under an equality; small inputs only (plans, lines). */
export function diffSequence<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): SeqOp<T>[] {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i]![j] = same(a[i]!, b[j]!) ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const ops: SeqOp<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[i]!, b[j]!)) {
      ops.push({ op: 'keep', old: a[i]!, new: b[j]!, oldIndex: i, newIndex: j });
      i++;
      j++;
    } else if (i < n && (j === m || table[i + 1]![j]! >= table[i]![j + 1]!)) {
      ops.push({ op: 'remove', old: a[i]!, oldIndex: i });
      i++;
    } else {
      ops.push({ op: 'add', new: b[j]!, newIndex: j });
      j++;
    }
  }
  return ops;
}
