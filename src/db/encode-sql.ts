/**
 * COPY text built by SQLite itself: reading one string per batch of rows instead of one JS value
 * per cell is what makes a transfer fast. The work is split so both sides do what is cheap for
 * them. Per row, SQL checks the storage class of each value (and the few things a regular
 * expression cannot, like JSON validity); rows that fail go through the JS encoders (encode.ts),
 * which refuse or accept them with the usual messages. Per batch, one regular expression checks
 * that every line is exactly what the JS encoders would have written (formats, ranges, lengths,
 * no character that needs escaping); NUL bytes and invalid UTF-8 show up as U+0000 or U+FFFD in
 * the decoded text. A batch that fails a check is encoded again in JS, row by row.
 */
import { quoteIdent as q } from './connections.js';
import type { ColumnMapping } from './typemap.js';

/** One column: a SQL test that a non-NULL value may be clean, its field text (NULL stays NULL), and the field's pattern. */
interface ColumnSql {
  readonly guard: string;
  readonly field: string;
  readonly pattern: string;
}

const noBackslash = (x: string) => `instr(${x}, char(92)) = 0`;
// Text with no tab, newline, carriage return or backslash needs no escaping; length in UTF-16
// units is never less than in characters, so a bound on it is a safe bound on varchar(n).
const plain = (max: number | null) => `[^\\t\\n\\r\\\\]${max === null ? '*' : `{0,${max}}`}`;
// encode.ts's datePart: year 1-9999, a month, a day that month has (29 February goes through JS).
const date = '(?!0000)\\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
// encode.ts's timePart: HH:MM[:SS[.f{1,6}]].
const time = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,6})?)?';

function columnSql(col: ColumnMapping): ColumnSql | null {
  const x = q(col.name);
  const text = `typeof(${x}) = 'text'`;
  const integer = `typeof(${x}) = 'integer'`;
  switch (col.codec) {
    case 'int':
      return { guard: integer, field: x, pattern: '-?\\d{1,19}' };
    case 'text':
    case 'passthrough':
      // No backslash: the literal text \N would read as NULL.
      return { guard: `(${text} AND ${noBackslash(x)} OR ${integer})`, field: x, pattern: plain(col.maxLength) };
    case 'bool':
      return { guard: integer, field: `CASE ${x} WHEN 1 THEN 't' WHEN 0 THEN 'f' ELSE '?' || ${x} END`, pattern: '[tf]' };
    case 'timestamp':
      return { guard: `${text} AND ${x} <> '\\N'`, field: x, pattern: `${date}(?:[ T]${time})?` };
    case 'timestamptz':
      return { guard: text, field: `CASE WHEN length(${x}) = 10 THEN ${x} || ' 00:00:00+00' ELSE ${x} || '+00' END`, pattern: `${date}[ T]${time}\\+00` };
    case 'date':
      return { guard: `${text} AND ${x} <> '\\N'`, field: x, pattern: date };
    case 'json':
      // Escapes and line breaks are common in JSON: such documents go through JS row by row.
      return { guard: `(${text} AND ${noBackslash(x)} AND instr(${x}, char(10)) = 0 AND json_valid(${x}) OR ${integer})`, field: x, pattern: plain(null) };
    case 'bytea':
      return { guard: `typeof(${x}) = 'blob'`, field: `CASE WHEN ${x} IS NOT NULL THEN '\\\\x' || lower(hex(${x})) END`, pattern: '\\\\\\\\x[0-9a-f]*' };
    default:
      // Doubles print differently in SQLite and JS; numeric, time and uuid are rare: JS writes them.
      return null;
  }
}

/** How SQLite writes a table's COPY text, and how the text is checked. */
export interface TableSql {
  /** SQL, true when no value of the row rules out a clean line (NULL never does). */
  readonly clean: string;
  /** SQL: the row as one COPY text line, without the newline. */
  readonly line: string;
  /** Source of the regular expression a whole batch of lines must match (see checkLines). */
  readonly pattern: string;
  /** True when `text` is exactly `rows` lines the JS encoders would have written. */
  check(text: string, rows: number): boolean;
}

/**
 * True when `text` is `rows` lines, holds no NUL or U+FFFD, and matches `whole`. Self-contained
 * (no outside names): batch workers run its source text.
 */
export function checkLines(text: string, rows: number, whole: RegExp): boolean {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines === rows && !text.includes('\0') && !text.includes('\uFFFD') && whole.test(text);
}

/** Builds the SQL and the check of a table, or null when a column must always go through JS. */
export function tableSql(columns: readonly ColumnMapping[]): TableSql | null {
  const parts = columns.map(columnSql);
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const all = parts as ColumnSql[];
  const clean = all.map((p, i) => `(${q((columns[i] as ColumnMapping).name)} IS NULL OR ${p.guard})`).join(' AND ');
  const line = all.map((p) => `ifnull(${p.field}, '\\N')`).join(' || char(9) || ');
  const lineRe = all.map((p) => `(?:\\\\N|${p.pattern})`).join('\\t');
  const pattern = `^${lineRe}(?:\\n${lineRe})*$`;
  const whole = new RegExp(pattern);
  return { clean, line, pattern, check: (text, rows) => checkLines(text, rows, whole) };
}
