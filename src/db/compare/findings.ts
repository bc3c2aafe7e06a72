import { LISTED_ROWS, type RowDifference, type TableContents, type ValueDifference } from './differences.js';
import type { Cells } from './row-text.js';
import type { TablePlan } from './table-plan.js';

/** Collects what differs, keeping only the first rows for the report. */
export class Findings {
  differing = 0;
  missing = 0;
  extra = 0;
  readonly rows: RowDifference[] = [];
  constructor(private readonly plan: TablePlan) {}
  add(kind: RowDifference['kind'], key: Cells, columns: readonly ValueDifference[] = []): void {
    if (kind === 'differs') this.differing++;
    else if (kind === 'missing') this.missing++;
    else this.extra++;
    if (this.rows.length >= LISTED_ROWS) return;
    const named = Object.fromEntries(this.plan.keyAt.map((at, i) => [this.plan.columns[at] as string, key[i] ?? null]));
    this.rows.push({ kind, key: named, columns });
  }
}

/** The verdict of one table from what was found. */
export function result(
  plan: TablePlan,
  method: TableContents['method'],
  sourceRows: number,
  targetRows: number,
  found: Findings,
  unnamed: boolean,
): TableContents {
  return {
    method,
    key: plan.key?.map((k) => k.name) ?? [],
    noKeyReason: plan.noKeyReason,
    sourceRows,
    targetRows,
    differing: found.differing,
    missing: found.missing,
    extra: found.extra,
    unnamedDifference: unnamed,
    missingColumns: plan.missingColumns,
    rows: found.rows,
  };
}
