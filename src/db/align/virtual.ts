import type { AlignAction } from './action.js';
import type { TargetTable } from './target.js';
import { EMPTY_BY_DESIGN } from '../empty-by-design.js';
import { qualified } from '../ddl/schema-ddl.js';
import type { TransferPlan } from '../transfer/plan.js';
import type { VirtualTablesPolicy } from '../ddl/virtual-tables.js';

/** What align-schema does with the plain tables pgloader made of SQLite virtual tables and their shadow tables. */
export function virtualCopyActions(
  plan: TransferPlan,
  target: ReadonlyMap<string, TargetTable>,
  o: { readonly dropVirtualCopies: boolean; readonly virtualTables: VirtualTablesPolicy },
  warn: (m: string) => void,
): { actions: AlignAction[]; virtualCopies: string[] } {
  const schema = plan.ddl.schema;
  const copies = plan.skipped.filter((s) => (s.what === 'virtual table' || s.what === 'shadow table') && target.has(s.name));
  const virtualCopies = [...plan.emptyTables.filter((t) => target.has(t.name)).map((t) => t.name), ...copies.map((s) => s.name)].sort();
  const actions: AlignAction[] = [];
  // pgloader copies a virtual table's declared columns as text and leaves its rowid out: an app
  // that still writes to it (DELETE ... WHERE rowid = n, WHERE file_id = n) fails there.
  for (const t of plan.emptyTables) {
    const had = target.has(t.name);
    actions.push({
      table: t.name,
      change: had
        ? `${t.name}: pgloader's copy of the SQLite ${t.module} virtual table (no rowid) replaced by an empty table with its columns plus rowid, ${EMPTY_BY_DESIGN}`
        : `${t.name}: ${EMPTY_BY_DESIGN} with the columns of the SQLite ${t.module} virtual table plus rowid (pgloader did not copy it)`,
      sql: [...(had ? [`DROP TABLE ${qualified(schema, t.name)}`] : []), ...t.sql],
    });
  }
  for (const s of copies) {
    if (s.what === 'virtual table') {
      warn(
        `"${s.name}" is a plain-table copy pgloader made of a SQLite virtual table, without its rowid and with text columns: an app that still writes to it (DELETE ... WHERE rowid = ...) fails on PostgreSQL${o.dropVirtualCopies ? '' : '; kept'} (set virtual_tables: empty to replace it with an empty table of its columns plus rowid)`,
      );
    } else if (!o.dropVirtualCopies) {
      warn(
        `"${s.name}" is a plain-table copy pgloader made of a SQLite shadow table (${s.note.replace(/, not copied$/, '')}); the app does not use it in PostgreSQL (set drop_virtual_copies: true to drop it)`,
      );
    }
  }
  const dropped = o.dropVirtualCopies ? copies.map((s) => s.name) : [];
  if (dropped.length > 0) {
    actions.push({
      table: dropped[0] as string,
      change: `dropped the plain-table copies of SQLite virtual tables: ${dropped.join(', ')}`,
      sql: [`DROP TABLE ${dropped.map((n) => qualified(schema, n)).join(', ')}`],
    });
  }
  return { actions, virtualCopies };
}
