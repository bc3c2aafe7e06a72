/**
 * COPY text built by SQLite itself for the common, clean values: reading one string per batch
 * instead of one JS value per cell is what makes a transfer fast. Each column has a SQL test that
 * is true only for values whose field text is certain to equal what the JS encoder (encode.ts)
 * writes; rows failing it go through the JS encoders, which refuse or accept them with the same
 * messages as always. Invalid UTF-8 and NUL bytes cannot be tested in SQL: they show up in the
 * decoded batch as U+FFFD or U+0000, and the caller then encodes that batch in JS.
 */
import { quoteIdent as q } from './connections.js';
import type { ColumnMapping } from './typemap.js';

/** SQL for one column: a test that a non-NULL value is clean, and its COPY field text (NULL for NULL). */
interface ColumnSql {
  readonly clean: string;
  readonly field: string;
}

// A backslash, tab, newline or carriage return would need escaping: such text goes through JS.
const plainText = (x: string) => `${x} NOT GLOB '*[\\\t\n\r]*'`;
const withinLength = (x: string, max: number | null) => (max === null ? '' : ` AND length(${x}) <= ${max}`);
const D = '[0-9]';
const datePattern = `${D}${D}${D}${D}-[01]${D}-[0-3]${D}`;
const timePattern = `[012]${D}:[0-5]${D}:[0-5]${D}`;
// date() normalises day overflow (2021-02-30 -> 2021-03-02) and refuses month 13: equal means valid.
const validDate = (x: string) => `date(substr(${x}, 1, 10)) = substr(${x}, 1, 10) AND substr(${x}, 1, 4) <> '0000'`;
// The forms SQLAlchemy and most applications write: seconds, and milli- or microseconds.
const timestampForms = (x: string) =>
  `(${x} GLOB '${datePattern} ${timePattern}' OR ${x} GLOB '${datePattern} ${timePattern}.${D}${D}${D}' OR ${x} GLOB '${datePattern} ${timePattern}.${D}${D}${D}${D}${D}${D}') AND substr(${x}, 12, 2) < '24'`;

function columnSql(col: ColumnMapping): ColumnSql | null {
  const x = q(col.name);
  switch (col.codec) {
    case 'int':
      return { clean: `typeof(${x}) = 'integer'`, field: x };
    case 'text':
    case 'passthrough':
      return {
        clean: `(typeof(${x}) = 'text' AND ${plainText(x)}${withinLength(x, col.maxLength)} OR typeof(${x}) = 'integer'${withinLength(x, col.maxLength)})`,
        field: x,
      };
    case 'bool':
      return { clean: `typeof(${x}) = 'integer' AND ${x} IN (0, 1)`, field: `CASE ${x} WHEN 1 THEN 't' WHEN 0 THEN 'f' END` };
    case 'timestamp':
    case 'timestamptz':
      return { clean: `typeof(${x}) = 'text' AND ${timestampForms(x)} AND ${validDate(x)}`, field: col.codec === 'timestamptz' ? `${x} || '+00'` : x };
    case 'date':
      return { clean: `typeof(${x}) = 'text' AND ${x} GLOB '${datePattern}' AND ${validDate(x)}`, field: x };
    case 'json':
      // No backslash at all, so no \u0000 that jsonb would refuse; json_valid(x) is strict RFC 8259 like JSON.parse.
      return { clean: `(typeof(${x}) = 'text' AND ${plainText(x)} AND json_valid(${x}) OR typeof(${x}) = 'integer')`, field: x };
    case 'bytea':
      return { clean: `typeof(${x}) = 'blob'`, field: `CASE WHEN ${x} IS NOT NULL THEN '\\\\x' || lower(hex(${x})) END` };
    default:
      // Doubles print differently in SQLite and JS; numeric, time and uuid are rare: JS writes them.
      return null;
  }
}

/** The SQL that makes one COPY line per clean row, or null when a column has no SQL form. */
export interface TableSql {
  /** True when every column of the row is clean (NULL counts as clean). */
  readonly clean: string;
  /** The row as one COPY text line, without the newline. */
  readonly line: string;
}

/** Builds the row test and line expression of a table, or null when a column must always go through JS. */
export function tableSql(columns: readonly ColumnMapping[]): TableSql | null {
  const parts = columns.map(columnSql);
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const clean = parts.map((p, i) => `(${q((columns[i] as ColumnMapping).name)} IS NULL OR ${(p as ColumnSql).clean})`).join(' AND ');
  const line = parts.map((p) => `ifnull(${(p as ColumnSql).field}, '\\N')`).join(" || char(9) || ");
  return { clean, line };
}
