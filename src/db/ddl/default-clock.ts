/**
 * SQLite's date and time functions of 'now' in a DEFAULT (`datetime('now')`, `date('now',
 * 'localtime')`, `strftime('%s', 'now')`, `unixepoch()`, `julianday('now')`), as PostgreSQL
 * expressions giving what SQLite would have stored: the same text, or that text read as the
 * column's type. SQLite's 'now' is UTC; 'localtime' is the wall clock, here the session's zone.
 */
import { splitTopLevel, tokenize, type SqlToken } from '../introspect/sql-text.js';
import type { ColumnMapping } from './typemap.js';

// strftime conversions that to_char has; others make the default untranslatable (and reported).
const formats: Record<string, string> = { Y: 'YYYY', m: 'MM', d: 'DD', H: 'HH24', M: 'MI', S: 'SS', f: 'SS.MS', j: 'DDD', '%': '%' };
const ownFormat: Record<string, string> = { datetime: '%Y-%m-%d %H:%M:%S', date: '%Y-%m-%d', time: '%H:%M:%S' };
const units = /^([-+]?\d+(?:\.\d+)?)\s+(second|minute|hour|day|month|year)s?$/i;
const epoch = 'extract(epoch from now())';

/** A to_char pattern for a strftime format, or null when it uses a conversion to_char lacks. */
function toCharFormat(format: string): string | null {
  let out = '';
  let literal = '';
  const flush = () => {
    if (literal) out += `"${literal.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      literal += format[i];
      continue;
    }
    const pattern = formats[format[++i] ?? ''];
    if (pattern === undefined) return null;
    if (pattern === '%') {
      literal += '%';
      continue;
    }
    flush();
    out += pattern;
  }
  flush();
  return out;
}

const stringArg = (part: readonly SqlToken[]) =>
  part.length === 1 && part[0]?.type === 'string' ? part[0].text.slice(1, -1).replace(/''/g, "'") : null;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The PostgreSQL expression for a clock function of 'now' in a DEFAULT, or null when `text` is not one (or uses what PostgreSQL lacks). */
export function clockDefault(text: string, col: ColumnMapping): string | null {
  const m = /^(datetime|date|time|strftime|unixepoch|julianday)\s*\((.*)\)$/is.exec(text);
  if (!m) return null;
  const fn = (m[1] as string).toLowerCase();
  const args = splitTopLevel(tokenize(m[2] as string)).map(stringArg);
  if (args.some((a) => a === null)) return null;
  const strings = args as string[];
  const format = fn === 'strftime' ? strings.shift() : (ownFormat[fn] ?? null);
  if (format === undefined) return null;
  if ((strings.shift() ?? 'now').toLowerCase() !== 'now') return null;
  let local = false;
  let subsec = false;
  let shift = '';
  for (const mod of strings.map((s) => s.trim().toLowerCase())) {
    if (mod === 'localtime') local = true;
    else if (mod === 'utc') local = false;
    else if (mod === 'subsec' || mod === 'subsecond') subsec = true;
    else if (units.test(mod)) shift += ` + interval ${quote(mod)}`;
    else return null;
  }
  const base = `${local ? 'LOCALTIMESTAMP' : "(now() AT TIME ZONE 'utc')"}${shift}`;
  if (fn === 'unixepoch' || format === '%s') {
    const seconds = subsec ? epoch : `floor(${epoch})::bigint`;
    return col.codec === 'int' || col.codec === 'float' || col.codec === 'numeric' ? `(${seconds})` : `((${seconds})::text)`;
  }
  if (fn === 'julianday') return `(${epoch} / 86400.0 + 2440587.5)`;
  const pattern = toCharFormat(subsec ? (format as string).replace('%S', '%f') : (format as string));
  if (pattern === null) return null;
  const textSql = `to_char(${base}, ${quote(pattern)})`;
  if (col.codec === 'text' || col.codec === 'passthrough') return textSql;
  // The text SQLite would store, read as the column's type; a UTC wall clock read as an instant stays UTC.
  if (col.codec === 'timestamptz') return local ? `(${textSql}::timestamp::timestamptz)` : `(${textSql}::timestamp AT TIME ZONE 'utc')`;
  return `(${textSql}::${col.pgType})`;
}
