import type { CountSession, SkippedTable, TableList } from '../../db/compare/count.js';
import { pgTableName } from '../../db/ddl/names.js';
import { EMPTY_BY_DESIGN } from '../../db/empty-by-design.js';

/** One table's rows on each side; null where the table does not exist. */
export interface TableCounts {
  readonly source: number | null;
  readonly target: number | null;
}

/** What comparing two sessions found. */
export interface Comparison {
  readonly tables: readonly string[];
  readonly counts: ReadonlyMap<string, TableCounts>;
  readonly skipped: readonly SkippedTable[];
  /** Tables matched to a differently cased name on the other side ("MyTable" -> "mytable"). */
  readonly renamed: readonly { readonly table: string; readonly side: 'source' | 'target'; readonly as: string }[];
  /** Each compared table's name on the source and on the target (undefined where missing). */
  readonly names: ReadonlyMap<string, { readonly source: string | undefined; readonly target: string | undefined }>;
  /** Tables missing on a side because more than one schema there holds a table of that name. */
  readonly ambiguous: readonly { readonly table: string; readonly side: 'source' | 'target'; readonly candidates: readonly string[] }[];
}

/** How to compare: explicit tables (or all tables of the source) and per-table conditions. */
export interface CompareRequest {
  readonly tables?: readonly string[];
  readonly where: Readonly<Record<string, string>>;
  readonly onCounted: (done: number, total: number) => void;
}

/**
 * The name a table has on one side: the exact name, else the name the transfer gives a name over
 * PostgreSQL's 63 bytes, else the only name equal ignoring case (pgloader and hand-made schemas
 * fold names to lower case), else undefined (missing).
 */
function findTable(name: string, present: readonly string[]): string | undefined {
  if (present.includes(name)) return name;
  if (present.includes(pgTableName(name))) return pgTableName(name);
  const folded = present.filter((p) => p.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Virtual tables of the source whose table on the target a transfer made empty on purpose. */
function emptyByDesign(source: TableList, target: TableList): Set<string> {
  const virtual = source.skipped.filter((s) => s.reason === 'virtual table').map((s) => s.table);
  return new Set(
    virtual.filter((v) => {
      const found = findTable(v, target.tables);
      return found !== undefined && target.emptyByDesign.includes(found);
    }),
  );
}

/** Counts every table on both sides, each side on its own connection at the same time. */
export async function compareCounts(source: CountSession, target: CountSession, request: CompareRequest): Promise<Comparison> {
  const [sourceList, targetList] = await Promise.all([source.listTables(), target.listTables()]);
  const byDesign = emptyByDesign(sourceList, targetList);
  // A stand-in made empty on purpose has nothing to compare: it is reported, never counted.
  const tables = (request.tables ?? sourceList.tables).filter((t) => !byDesign.has(t));
  const skipped = (
    request.tables ? sourceList.skipped.filter((s) => request.tables?.includes(s.table) && byDesign.has(s.table)) : sourceList.skipped
  ).map((s) => (byDesign.has(s.table) ? { table: s.table, reason: `virtual table, ${EMPTY_BY_DESIGN}` } : s));
  const renamed: Comparison['renamed'][number][] = [];
  const ambiguous: Comparison['ambiguous'][number][] = [];
  const located = (side: 'source' | 'target', present: readonly string[]) =>
    tables.map((table) => {
      const found = findTable(table, present);
      if (found !== undefined && found !== table) renamed.push({ table, side, as: found });
      const candidates = present.filter((p) => p.endsWith(`.${table}`));
      if (found === undefined && candidates.length > 1) ambiguous.push({ table, side, candidates });
      return found;
    });
  const sourceNames = located('source', sourceList.tables);
  // The target may hold tables the source list skips (e.g. a copied FTS table); look at all of them.
  const targetNames = located('target', [...targetList.tables, ...targetList.skipped.map((s) => s.table)]);

  // Progress is in tables, not in counts: a table is counted once both of its sides are (a missing side needs no count).
  const sidesLeft = tables.map((_, i) => (sourceNames[i] === undefined ? 0 : 1) + (targetNames[i] === undefined ? 0 : 1));
  let done = sidesLeft.filter((n) => n === 0).length;
  const countSide = async (session: CountSession, names: readonly (string | undefined)[]) => {
    const out: (number | null)[] = [];
    for (const [i, name] of names.entries()) {
      const table = tables[i] ?? '';
      out.push(name === undefined ? null : await session.countRows(name, request.where[table]));
      if (name !== undefined && --sidesLeft[i]! === 0) request.onCounted(++done, tables.length);
    }
    return out;
  };
  const [sourceCounts, targetCounts] = await Promise.all([countSide(source, sourceNames), countSide(target, targetNames)]);
  const counts = new Map(tables.map((t, i) => [t, { source: sourceCounts[i] ?? null, target: targetCounts[i] ?? null }]));
  const names = new Map(tables.map((t, i) => [t, { source: sourceNames[i], target: targetNames[i] }]));
  return { tables, counts, skipped, renamed, names, ambiguous };
}
