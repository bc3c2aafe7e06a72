import { contentsEqual, type RowDifference, type TableContents } from '../../db/compare/differences.js';
import type { JsonValue } from '../../core/json.js';

/** Tells whether a column's values must never be shown. */
export type IsSecretColumn = (table: string, column: string) => boolean;

// Columns that hold credentials by their very name are masked even when the plan does not say so.
const SECRET_NAME = /password|passwd|secret|token|api_?key|private_?key/i;
const MASK = '****';

/** Secret columns from the step's `secret_columns` (`table.column`, or `column` in every table), plus credential-like names. */
export function secretColumns(listed: readonly string[] = []): IsSecretColumn {
  const wanted = new Set(listed.map((c) => c.toLowerCase()));
  return (table, column) => SECRET_NAME.test(column) || wanted.has(column.toLowerCase()) || wanted.has(`${table}.${column}`.toLowerCase());
}

/** A value for a message: NULL, quoted text, or a window around the first difference of a long value. */
function shown(value: string | null, other: string | null): string {
  if (value === null) return 'NULL';
  if (value.length <= 60) return JSON.stringify(value);
  let at = 0;
  while (other !== null && at < value.length && value[at] === other[at]) at++;
  const from = Math.max(0, at - 20);
  return `${from > 0 ? '…' : ''}${JSON.stringify(value.slice(from, from + 50))}… (${value.length} characters, first difference at ${at + 1})`;
}

function masked(table: string, row: RowDifference, isSecret: IsSecretColumn): RowDifference {
  return {
    ...row,
    // A row without a key is named by all its values, secret ones included.
    key: Object.fromEntries(Object.entries(row.key).map(([k, v]) => [k, v !== null && isSecret(table, k) ? MASK : v])),
    columns: row.columns.map((c) =>
      isSecret(table, c.column)
        ? { column: c.column, source: c.source === null ? null : MASK, target: c.target === null ? null : MASK }
        : c,
    ),
  };
}

const keyText = (row: RowDifference) =>
  Object.entries(row.key)
    .map(([k, v]) => `${k}=${v ?? 'NULL'}`)
    .join(', ');

function rowLine(row: RowDifference): string {
  if (row.kind === 'missing') return `${keyText(row)}: missing on the target`;
  if (row.kind === 'extra') return `${keyText(row)}: extra on the target`;
  const secretLike = (v: string | null) => v === MASK;
  return `${keyText(row)}: ${row.columns.map((c) => `${c.column} ${secretLike(c.source) ? MASK : shown(c.source, c.target)} -> ${secretLike(c.target) ? MASK : shown(c.target, c.source)}`).join(', ')}`;
}

/** One table's verdict as step outputs (secret columns masked). */
function tableOutputs(table: string, t: TableContents, isSecret: IsSecretColumn): JsonValue {
  return {
    method: t.method,
    key: [...t.key],
    no_key_reason: t.noKeyReason,
    source_rows: t.sourceRows,
    target_rows: t.targetRows,
    differing: t.differing,
    missing: t.missing,
    extra: t.extra,
    contents_differ: !contentsEqual(t),
    missing_columns: [...t.missingColumns],
    rows: t.rows
      .map((r) => masked(table, r, isSecret))
      .map((r) => ({
        kind: r.kind,
        key: { ...r.key },
        columns: Object.fromEntries(r.columns.map((c) => [c.column, { source: c.source, target: c.target }])),
      })),
  };
}

/** Every table's verdict as the `checksums` output. */
export function contentsOutputs(found: ReadonlyMap<string, TableContents>, isSecret: IsSecretColumn): { [table: string]: JsonValue } {
  return Object.fromEntries([...found].map(([table, t]) => [table, tableOutputs(table, t, isSecret)]));
}

function tableLines(table: string, t: TableContents, isSecret: IsSecretColumn): string[] {
  const lines = [`${table}: ${t.differing} differing, ${t.missing} missing, ${t.extra} extra (${t.sourceRows} -> ${t.targetRows} rows)`];
  if (t.missingColumns.length > 0) lines.push(`  columns missing on the target: ${t.missingColumns.join(', ')}`);
  if (t.unnamedDifference)
    lines.push(`  more rows differ than are named here (${t.noKeyReason ?? 'it has no key'}, and too many rows differ to match them all)`);
  for (const row of t.rows) lines.push(`  ${rowLine(masked(table, row, isSecret))}`);
  const listed = t.differing + t.missing + t.extra;
  if (listed > t.rows.length) lines.push(`  ... and ${listed - t.rows.length} more`);
  return lines;
}

/** The failure message when some table's contents differ, else null. */
export function contentsFailure(found: ReadonlyMap<string, TableContents>, isSecret: IsSecretColumn): string | null {
  const differing = [...found].filter(([, t]) => !contentsEqual(t));
  if (differing.length === 0) return null;
  const sum = (f: (t: TableContents) => number) => differing.reduce((n, [, t]) => n + f(t), 0);
  const head = `contents differ in ${differing.length} of ${found.size} tables (${sum((t) => t.differing)} rows differ, ${sum((t) => t.missing)} missing on the target, ${sum((t) => t.extra)} extra there):`;
  return [head, ...differing.flatMap(([table, t]) => tableLines(table, t, isSecret))].join('\n');
}

/** Lines saying which tables had no usable key and were compared as a multiset. */
export function multisetNotes(found: ReadonlyMap<string, TableContents>): string[] {
  return [...found]
    .filter(([, t]) => t.method === 'multiset')
    .map(
      ([table, t]) =>
        `${table}: compared as a multiset of rows (${t.noKeyReason ?? 'no key'}); a row that differs is named by all its values`,
    );
}
