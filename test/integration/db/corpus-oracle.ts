/**
 * SQLite's value of a cell, told in the type of the PostgreSQL column it went to, worked out by
 * SQLite itself where SQLite has a reader for it (its date functions, CAST), and PostgreSQL's
 * value of the same cell, printed the same way. A transfer is faithful when the two are equal.
 */
import type Database from 'better-sqlite3';

/** PostgreSQL's spellings of true and false (its boolean input, case and spaces aside). */
const pgTrue = ['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'];
const pgFalse = ['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'];

/** How a number in a date/time column is read: a cast rule's unit, else Julian day REAL / ms / s by size. */
function timeModifiers(v: unknown, epoch: 'seconds' | 'milliseconds' | undefined): { arg: unknown; mods: string[] } {
  if (typeof v === 'string') return { arg: v, mods: [] };
  const n = Number(v);
  const unit = epoch ?? (typeof v === 'number' && n >= 0 && n < 5373484.5 ? 'julian' : Math.abs(n) >= 1e11 ? 'milliseconds' : 'seconds');
  if (unit === 'julian') return { arg: n, mods: [] };
  return { arg: unit === 'milliseconds' ? n / 1000 : n, mods: ['unixepoch'] };
}

/** SQL that prints a PostgreSQL column the way `expected` prints SQLite's value, by the column's type. */
export function pgPrinted(column: string, dataType: string): string {
  const c = `"${column.replace(/"/g, '""')}"`;
  switch (dataType) {
    case 'timestamp without time zone':
      return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.MS')`;
    case 'timestamp with time zone':
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')`;
    case 'date':
      return `to_char(${c}, 'YYYY-MM-DD')`;
    case 'time without time zone':
      return `to_char(date '2000-01-01' + ${c}, 'HH24:MI:SS.MS')`;
    case 'bytea':
      return `encode(${c}, 'hex')`;
    default:
      return `${c}::text`;
  }
}

/** SQLite's value, printed as `pgPrinted` prints the PostgreSQL column of `dataType`. */
export function expected(db: Database.Database, v: unknown, dataType: string, epoch?: 'seconds' | 'milliseconds'): string | null {
  if (v === null) return null;
  const one = (sql: string, ...args: unknown[]) =>
    db
      .prepare(`SELECT ${sql}`)
      .pluck()
      .get(...args) as string | null;
  switch (dataType) {
    case 'boolean': {
      if (typeof v !== 'string') return Number(v) === 1 ? 'true' : Number(v) === 0 ? 'false' : `not a boolean: ${String(v)}`;
      const s = v.trim().toLowerCase();
      return pgTrue.includes(s) ? 'true' : pgFalse.includes(s) ? 'false' : `not a boolean: ${v}`;
    }
    case 'timestamp without time zone':
    case 'timestamp with time zone':
    case 'date':
    case 'time without time zone': {
      const { arg, mods } = timeModifiers(v, epoch);
      const format = dataType === 'date' ? '%Y-%m-%d' : dataType.startsWith('time ') ? '%H:%M:%f' : '%Y-%m-%d %H:%M:%f';
      return one(`strftime(?, ?${mods.map(() => ', ?').join('')})`, format, arg, ...mods);
    }
    case 'bytea':
      return (one('lower(hex(CAST(? AS BLOB)))', v) ?? '').toString();
    case 'double precision':
    case 'real':
      return Object.is(Number(v), -0) ? '-0' : String(Number(v));
    case 'text':
    case 'character varying':
      // SQLite's text of a REAL drops the sign of zero; the transfer keeps it.
      return typeof v === 'number' && Object.is(v, -0) ? '-0.0' : one('CAST(? AS TEXT)', v);
    default:
      return typeof v === 'number' ? String(v) : one('CAST(? AS TEXT)', v);
  }
}
