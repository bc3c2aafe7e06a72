import { createHash } from 'node:crypto';
import type { TableRequest } from './compare-table.js';
import type { TableContents } from './differences.js';
import { Findings, result } from './findings.js';
import { LISTED_ROWS } from './differences.js';
import type { RowSource } from './row-source.js';
import { canonOf, cellsOf, rowText, type Cells } from './row-text.js';

/** Buckets the rows are spread over by their hash: a difference is narrowed down to the buckets that differ. */
const BUCKETS = 4096;
/** Rows of differing buckets whose hashes are held at once to name the rows (a hash and a count each). */
const NAMING_BUDGET = 200_000;

type Side = { readonly source: RowSource; readonly table: string; readonly columns: readonly string[] };

/** Reads every row of a side (in any order), giving each row's 128-bit hash and its values. */
async function eachRow(side: Side, request: TableRequest, visit: (hash: Buffer, row: readonly unknown[]) => void): Promise<void> {
  const canon = canonOf(side.source);
  const reader = side.source.read(side.table, side.columns, null, request.where);
  try {
    for (let batch = await reader.next(); batch; batch = await reader.next()) {
      for (const row of batch)
        visit(
          createHash('md5')
            .update(rowText(row, request.plan.types, canon))
            .digest(),
          row,
        );
    }
  } finally {
    await reader.close();
  }
}

/** Per bucket, four 32-bit sums of the row hashes and the row count: no row order changes them. */
async function bucketSums(
  side: Side,
  request: TableRequest,
  already: number,
): Promise<{ sums: Uint32Array; rows: Uint32Array; count: number }> {
  const sums = new Uint32Array(BUCKETS * 4);
  const rows = new Uint32Array(BUCKETS);
  let count = 0;
  await eachRow(side, request, (h) => {
    const b = h.readUInt16LE(0) % BUCKETS;
    for (let k = 0; k < 4; k++) sums[b * 4 + k] = ((sums[b * 4 + k] as number) + h.readUInt32LE(k * 4)) >>> 0;
    rows[b] = (rows[b] as number) + 1;
    if (++count % 2000 === 0) request.onRows(already + count);
  });
  request.onRows(already + count);
  return { sums, rows, count };
}

/**
 * Compares a table without a usable key as two multisets of row hashes. When they differ, the
 * rows of the differing buckets are read again and matched by hash, so rows missing on the
 * target and extra there are named by all their values (a changed row is one of each); if the
 * differing buckets hold too many rows, only some are named and the rest is said to differ.
 */
export async function compareAsMultiset(source: RowSource, target: RowSource, request: TableRequest): Promise<TableContents> {
  const { plan } = request;
  const left: Side = { source, table: request.table, columns: plan.columns };
  const right: Side = { source: target, table: request.targetTable, columns: plan.targetColumns };
  const a = await bucketSums(left, request, 0);
  const b = await bucketSums(right, request, a.count);
  const chosen = new Set<number>();
  let differing = 0;
  let budget = NAMING_BUDGET;
  for (let i = 0; i < BUCKETS; i++) {
    const same = a.rows[i] === b.rows[i] && [0, 1, 2, 3].every((k) => a.sums[i * 4 + k] === b.sums[i * 4 + k]);
    if (same) continue;
    differing++;
    const size = (a.rows[i] as number) + (b.rows[i] as number);
    if (size <= budget) {
      chosen.add(i);
      budget -= size;
    }
  }
  // Every row is its own key here: the report names rows by all their values.
  const found = new Findings({ ...plan, keyAt: plan.columns.map((_, i) => i) });
  if (differing === 0) return result(plan, 'multiset', a.count, b.count, found, false);
  const balance = new Map<string, number>();
  const inChosen = (h: Buffer) => chosen.has(h.readUInt16LE(0) % BUCKETS);
  await eachRow(left, request, (h) => inChosen(h) && void balance.set(h.toString('hex'), (balance.get(h.toString('hex')) ?? 0) + 1));
  await eachRow(right, request, (h) => inChosen(h) && void balance.set(h.toString('hex'), (balance.get(h.toString('hex')) ?? 0) - 1));
  const unmatched = new Map([...balance].filter(([, n]) => n !== 0));
  // A third read picks up the values of the first rows to list.
  const shown = new Map<string, Cells>();
  const pick = (side: Side, sign: number) =>
    eachRow(side, request, (h, row) => {
      const hex = h.toString('hex');
      if (shown.size < LISTED_ROWS && Math.sign(unmatched.get(hex) ?? 0) === sign && !shown.has(hex))
        shown.set(hex, cellsOf(row, plan.types, canonOf(side.source)));
    });
  await pick(left, 1);
  await pick(right, -1);
  for (const [hex, n] of unmatched) {
    const cells = shown.get(hex) ?? plan.columns.map(() => null);
    for (let k = 0; k < Math.abs(n); k++) found.add(n > 0 ? 'missing' : 'extra', cells);
  }
  return result(plan, 'multiset', a.count, b.count, found, chosen.size < differing);
}
