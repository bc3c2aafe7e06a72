/**
 * COPY text built by SQLite itself: reading one UTF-8 blob per batch of rows instead of one JS
 * value per cell is what makes a transfer fast. The work is split so both sides do what is cheap
 * for them. Per row, SQL checks the storage class of each value (and the few things a regular
 * expression cannot: varchar lengths in characters, JSON validity); rows that fail go through the
 * JS encoders (encode.ts), which refuse or accept them with the usual messages. Per batch, the
 * bytes are checked as a whole: valid UTF-8, no NUL, one line per row, and one regular expression
 * (run over a one-byte view of the bytes) that every line is exactly what the JS encoders would
 * have written (formats, ranges, no character that needs escaping). A batch that fails a check is
 * encoded again in JS, row by row. The text never becomes a JS string on the way to PostgreSQL.
 */
import { isUtf8 } from 'node:buffer';
import { quoteIdent as q } from '../connections.js';
import type { ColumnMapping } from '../ddl/typemap.js';

/** One column: a SQL test that a non-NULL value may be clean, its field text (NULL stays NULL), and the field's pattern. */
interface ColumnSql {
  readonly guard: string;
  readonly field: string;
  readonly pattern: string;
}

const noBackslash = (x: string) => `instr(${x}, char(92)) = 0`;
// Text with no tab, newline, carriage return or backslash needs no escaping. (The pattern sees
// bytes: it cannot count characters, so SQL checks varchar lengths.)
const plain = '[^\\t\\n\\r\\\\]*';
// encode.ts's datePart: year 1-9999, a month, a day that month has (29 February goes through JS).
const date = '(?!0000)\\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
// encode.ts's timePart: HH:MM[:SS[.f{1,6}]].
const time = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,6})?)?';

/**
 * The guards compare instead of calling typeof(): SQLite orders NULL < numbers < text < blobs, and
 * a comparison costs about a tenth of a function call (typeof() per column made reading 1M rows
 * 40% slower). A real passes `x < ''` but SQLite writes it with a point or an exponent, which the
 * patterns refuse, so its batch goes through JS. Text comparisons say COLLATE BINARY so a column's
 * own collation never matters.
 */
function columnSql(col: ColumnMapping): ColumnSql | null {
  const x = q(col.name);
  const text = `${x} >= '' COLLATE BINARY AND ${x} < x''`;
  const integer = `${x} < '' AND typeof(${x}) = 'integer'`;
  const notNullMark = `${x} <> '\\N' COLLATE BINARY`;
  switch (col.codec) {
    case 'int':
      return { guard: `${x} < ''`, field: x, pattern: '-?\\d{1,19}' };
    case 'text':
    case 'passthrough':
      // No backslash: the literal text \N would read as NULL. length() counts characters, as varchar(n) does.
      return {
        guard: `(${text} AND ${noBackslash(x)} OR ${integer})${col.maxLength === null ? '' : ` AND length(${x}) <= ${col.maxLength}`}`,
        field: x,
        pattern: plain,
      };
    case 'bool':
      // Anything but 0 and 1 (numbers equal to them) becomes "?...", which the pattern refuses.
      return { guard: '1', field: `CASE ${x} WHEN 1 THEN 't' WHEN 0 THEN 'f' ELSE '?' || ${x} END`, pattern: '[tf]' };
    case 'timestamp':
      return { guard: `${text} AND ${notNullMark}`, field: x, pattern: `${date}(?:[ T]${time})?` };
    case 'timestamptz':
      return {
        guard: text,
        field: `CASE WHEN length(${x}) = 10 THEN ${x} || ' 00:00:00+00' ELSE ${x} || '+00' END`,
        pattern: `${date}[ T]${time}\\+00`,
      };
    case 'date':
      return { guard: `${text} AND ${notNullMark}`, field: x, pattern: date };
    case 'json':
      // Escapes and line breaks are common in JSON: such documents go through JS row by row.
      return {
        guard: `(${text} AND ${noBackslash(x)} AND instr(${x}, char(10)) = 0 AND json_valid(${x}) OR ${integer})`,
        field: x,
        pattern: plain,
      };
    case 'bytea':
      return {
        guard: `${x} >= x''`,
        field: `CASE WHEN ${x} IS NOT NULL THEN '\\\\x' || lower(hex(${x})) END`,
        pattern: '\\\\\\\\x[0-9a-f]*',
      };
    default:
      // Doubles print differently in SQLite and JS; numeric, time and uuid are rare: JS writes them.
      return null;
  }
}

/** How SQLite writes a table's COPY text, and how the text is checked. */
export interface TableSql {
  /** SQL, true when no value of the row rules out a clean line (NULL never does). */
  readonly clean: string;
  /** SQL: the row as one COPY text line, without the newline (batches join lines and end them with one). */
  readonly line: string;
  /** Source of the regular expression a whole batch of lines must match (see checkLines). */
  readonly pattern: string;
  /** True when `bytes` (UTF-8) are exactly `rows` lines the JS encoders would have written. */
  check(bytes: Uint8Array, rows: number): boolean;
}

/**
 * True when `bytes` are `rows` lines, each ended by a newline, valid UTF-8 with no NUL, and match
 * `whole` (read one byte per character: bytes of multi-byte characters match [^...] classes).
 * Self-contained (no outside names, `isUtf8` passed in): batch workers run its source text.
 */
export function checkLines(bytes: Uint8Array, rows: number, whole: RegExp, isUtf8: (b: Uint8Array) => boolean): boolean {
  let lines = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines++;
  return (
    lines === rows &&
    bytes.indexOf(0) < 0 &&
    isUtf8(bytes) &&
    whole.test(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'))
  );
}

/** Builds the SQL and the check of a table, or null when a column must always go through JS. */
export function tableSql(columns: readonly ColumnMapping[]): TableSql | null {
  const parts = columns.map(columnSql);
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const all = parts as ColumnSql[];
  const clean = all.map((p, i) => `(${q((columns[i] as ColumnMapping).name)} IS NULL OR ${p.guard})`).join(' AND ');
  // One concat_ws() allocates the line once; || would copy it once per field.
  const line = `concat_ws(char(9), ${all.map((p) => `ifnull(${p.field}, '\\N')`).join(', ')})`;
  const lineRe = all.map((p) => `(?:\\\\N|${p.pattern})`).join('\\t');
  const pattern = `^(?:${lineRe}\\n)+$`;
  const whole = new RegExp(pattern);
  return { clean, line, pattern, check: (bytes, rows) => checkLines(bytes, rows, whole, isUtf8) };
}

/**
 * The query a batch reader runs for a table: it takes the last rowid read and a row limit and
 * returns max rowid, rows, and their lines as one BLOB (UTF-8 bytes as stored, never decoded into
 * a JS string). A row SQL does not call clean stands as a marker line, a backslash and its rowid
 * (\42), which no clean line can be: one aggregate over the rows instead of three.
 * `exclude` leaves rows out.
 */
export function batchSql(table: string, sql: TableSql, exclude: string | null): string {
  return (
    `SELECT max(rb_r), count(*), CAST(group_concat(rb_line, char(10)) || char(10) AS BLOB) ` +
    `FROM (SELECT rowid AS rb_r, CASE WHEN ${sql.clean} THEN ${sql.line} ELSE '\\' || rowid END AS rb_line FROM ${q(table)} WHERE rowid > ?${exclude ? ` AND NOT (${exclude})` : ''} ORDER BY rowid LIMIT ?)`
  );
}
