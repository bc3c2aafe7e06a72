import { createHash } from 'node:crypto';
import type { CanonicalType } from './canonical.js';
import type { TableContents } from './differences.js';
import { Findings, result } from './findings.js';
import { compareAsMultiset } from './multiset.js';
import { canonOf, cellsOf, rowText, type Canon, type Cells } from './row-text.js';
import { keyComparator } from './key-order.js';
import { BATCH_ROWS, type RowSource } from './row-source.js';
import type { TablePlan } from './table-plan.js';
import { NullKeyRows } from './null-keys.js';
import { Peekable } from './peekable.js';

/** What one table comparison needs beyond the two sides. */
export interface TableRequest {
  readonly table: string;
  readonly targetTable: string;
  readonly plan: TablePlan;
  readonly where?: string;
  /** Called with the rows read so far on both sides together. */
  readonly onRows: (rows: number) => void;
}

/**
 * Compares a table with a key: both sides are read in key order; each range of up to BATCH_ROWS
 * keys gets one checksum per side, and only a range whose checksums differ is compared row by row.
 */
async function compareByKey(source: RowSource, target: RowSource, request: TableRequest): Promise<TableContents> {
  const { plan } = request;
  const key = plan.key ?? [];
  const byKey = keyComparator(key.map((k) => k.text));
  const targetKey = key.map((k, i) => ({ ...k, name: plan.targetColumns[plan.keyAt[i] as number] as string }));
  const nullKeys = new NullKeyRows(plan.keyAt, plan.types);
  const left = {
    rows: new Peekable(nullKeys.divert(source.read(request.table, plan.columns, key, request.where), 'source', canonOf(source))),
    canon: canonOf(source),
    count: 0,
  };
  const right = {
    rows: new Peekable(
      nullKeys.divert(target.read(request.targetTable, plan.targetColumns, targetKey, request.where), 'target', canonOf(target)),
    ),
    canon: canonOf(target),
    count: 0,
  };
  const sides = [left, right];
  const keyOf = (row: readonly unknown[], canon: Canon): Cells => plan.keyAt.map((at) => canon(plan.types[at] as CanonicalType, row[at]));
  const found = new Findings(plan);
  try {
    for (;;) {
      await Promise.all(sides.map((s) => s.rows.fill(BATCH_ROWS)));
      if (sides.every((s) => s.rows.size === 0)) break;
      // The range ends at the smaller of the two sides' BATCH_ROWS-th key, so neither side holds more.
      const bounds = sides.filter((s) => s.rows.size >= BATCH_ROWS).map((s) => keyOf(s.rows.at(BATCH_ROWS - 1), s.canon));
      const upper = bounds.length === 0 ? null : bounds.reduce((a, b) => (byKey(a, b) <= 0 ? a : b));
      const within = (s: typeof left) => s.rows.takeWhile((row) => upper === null || byKey(keyOf(row, s.canon), upper) <= 0);
      const src = within(left);
      const tgt = within(right);
      // Both sides sort by the same rules; if they ever did not, no range could end and the loop would not either.
      if (src.length + tgt.length === 0)
        throw new Error(`the rows of "${request.table}" do not come in the order of their key (${key.map((k) => k.name).join(', ')})`);
      left.count += src.length;
      right.count += tgt.length;
      request.onRows(left.count + right.count);
      if (src.length === tgt.length && digest(src, plan.types, left.canon) === digest(tgt, plan.types, right.canon)) continue;
      narrow(src, tgt, plan, left.canon, right.canon, byKey, found);
    }
  } finally {
    await Promise.all(sides.map((s) => s.rows.close()));
  }
  nullKeys.report(found);
  return result(plan, 'key ranges', left.count + nullKeys.count.source, right.count + nullKeys.count.target, found, false);
}

type RowBatchArray = readonly (readonly unknown[])[];

function digest(rows: RowBatchArray, types: readonly CanonicalType[], canon: Canon): string {
  let text = '';
  for (const row of rows) text += rowText(row, types, canon);
  return createHash('md5').update(text).digest('hex');
}

/** Compares a range whose checksums differ row by row, merging both sides by key. */
function narrow(
  src: RowBatchArray,
  tgt: RowBatchArray,
  plan: TablePlan,
  sCanon: Canon,
  tCanon: Canon,
  byKey: (a: Cells, b: Cells) => number,
  found: Findings,
): void {
  const s = src.map((r) => cellsOf(r, plan.types, sCanon));
  const t = tgt.map((r) => cellsOf(r, plan.types, tCanon));
  const keyOf = (cells: Cells) => plan.keyAt.map((at) => cells[at] ?? null);
  let i = 0;
  let j = 0;
  while (i < s.length || j < t.length) {
    const a = s[i];
    const b = t[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : byKey(keyOf(a), keyOf(b));
    if (order < 0 && a) {
      found.add('missing', keyOf(a));
      i++;
    } else if (order > 0 && b) {
      found.add('extra', keyOf(b));
      j++;
    } else if (a && b) {
      const columns = plan.columns.flatMap((column, c) => (a[c] === b[c] ? [] : [{ column, source: a[c] ?? null, target: b[c] ?? null }]));
      if (columns.length > 0) found.add('differs', keyOf(a), columns);
      i++;
      j++;
    }
  }
}

/** Compares the contents of one table: by key ranges when it has a usable key, else as a multiset. */
export function compareTable(source: RowSource, target: RowSource, request: TableRequest): Promise<TableContents> {
  return request.plan.key ? compareByKey(source, target, request) : compareAsMultiset(source, target, request);
}
