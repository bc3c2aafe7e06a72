import type { CountSession } from '../../db/compare/count.js';
import { compareTable } from '../../db/compare/compare-table.js';
import type { TableContents } from '../../db/compare/differences.js';
import { planTable } from '../../db/compare/table-plan.js';
import type { Comparison } from './compare.js';

/** What comparing contents needs besides the two sessions and the counts. */
export interface ContentsRequest {
  readonly where: Readonly<Record<string, string>>;
  /** Called with rows read so far on both sides and the total the counts promise. */
  readonly onRows: (done: number, total: number) => void;
}

/** Compares the contents of every table both sides have, one table after another, in the counts' snapshot. */
export async function compareContents(
  source: CountSession,
  target: CountSession,
  counted: Comparison,
  request: ContentsRequest,
): Promise<Map<string, TableContents>> {
  const found = new Map<string, TableContents>();
  const total = [...counted.counts.values()].reduce((n, c) => n + (c.source ?? 0) + (c.target ?? 0), 0);
  let before = 0;
  for (const table of counted.tables) {
    const names = counted.names.get(table);
    if (names?.source === undefined || names.target === undefined) continue;
    const [a, b] = await Promise.all([source.rows.shape(names.source), target.rows.shape(names.target)]);
    const where = request.where[table];
    const contents = await compareTable(source.rows, target.rows, {
      table: names.source,
      targetTable: names.target,
      plan: planTable(a, b),
      ...(where === undefined ? {} : { where }),
      onRows: (rows) => request.onRows(before + rows, total),
    });
    before += contents.sourceRows + contents.targetRows;
    found.set(table, contents);
  }
  return found;
}
