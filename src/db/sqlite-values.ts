/**
 * What a SQLite value means, in the terms PostgreSQL takes: the one place that says when a value
 * in SQLite and a value in PostgreSQL are "the same" (the transfer writes them, content checks
 * compare them). SQLite's own readers are the reference: its date functions for times, its
 * CAST for the text and bytes of numbers, PostgreSQL's boolean input for truth values.
 */
import Database from 'better-sqlite3';
import type { EpochUnit } from './policies.js';

/** Every spelling PostgreSQL's boolean input takes (case and surrounding spaces aside), with its truth. */
const booleanWords: ReadonlyMap<string, boolean> = new Map([
  ...['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].map((w) => [w, true] as const),
  ...['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].map((w) => [w, false] as const),
]);

/** The truth a text spells for PostgreSQL's boolean input, or null when it spells none. */
export function booleanOfText(s: string): boolean | null {
  return booleanWords.get(s.trim().toLowerCase()) ?? null;
}

/** A moment as SQLite's date functions read it, in UTC: `YYYY-MM-DD`, and `HH:MM:SS[.f]` unless it is a bare date. */
export interface SqliteInstant {
  readonly date: string;
  readonly time: string | null;
  /** How the text or number had to be read (null: already in PostgreSQL's own form, no offset). */
  readonly conversion: 'utc offset' | 'time without date' | 'epoch seconds' | 'epoch milliseconds' | 'julian day' | null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const daysIn = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

// SQLite's date and time text forms (https://sqlite.org/lang_datefunc.html, "Time Values" 1-10),
// each with an optional "Z" or ±HH:MM suffix.
const timeText =
  /^(?:(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?|(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)\s*(Z|[+-]\d{2}:\d{2})?$/i;

/** Reads date/time text as SQLite's date functions do, the offset applied; null when SQLite would not read it. */
export function instantOfText(text: string): SqliteInstant | null {
  const m = timeText.exec(text.trim());
  if (!m) return null;
  const timeOnly = m[1] === undefined;
  const [y, mo, d] = timeOnly ? [2000, 1, 1] : [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = timeOnly || m[4] !== undefined;
  const [h, mi, sec] = timeOnly
    ? [Number(m[8]), Number(m[9]), Number(m[10] ?? 0)]
    : [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const fraction = (timeOnly ? m[11] : m[7]) ?? '';
  const zone = m[12];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  if (zone !== undefined && !hasTime) return null;
  const offset =
    zone === undefined || zone.toUpperCase() === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  // Only the minutes move with an offset: seconds and their fraction are kept digit for digit.
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi - offset);
  if (!hasTime) return { date: `${pad(y, 4)}-${pad(mo)}-${pad(d)}`, time: null, conversion: null };
  const iso = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(sec)}${fraction ? `.${fraction}` : ''}`;
  return { date: iso, time, conversion: timeOnly ? 'time without date' : zone !== undefined ? 'utc offset' : null };
}

/** Julian day numbers SQLite reads (0 to the end of year 9999). */
const JULIAN_MAX = 5373484.5;
/** Numbers this large are milliseconds: as seconds they would be past the year 5000. */
const MILLISECONDS_FROM = 1e11;
const JULIAN_EPOCH_MS = 210866760000000;

/** UTC date and time (microseconds) of a count of microseconds since 1970; null outside PostgreSQL's years 1-9999. */
function instantOfMicros(us: number, conversion: SqliteInstant['conversion']): SqliteInstant | null {
  const ms = Math.floor(us / 1000);
  const at = new Date(ms);
  if (!Number.isFinite(us) || Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.getUTCFullYear() > 9999) return null;
  const iso = at.toISOString();
  return { date: iso.slice(0, 10), time: `${iso.slice(11, 23)}${pad(Math.round(us - ms * 1000), 3)}`, conversion };
}

/**
 * Reads a number in a date/time column: with `unit` as a cast rule says; otherwise a REAL in
 * SQLite's Julian day range is a Julian day (as SQLite's date functions read numbers), and other
 * numbers are Unix epoch seconds, or milliseconds when they are too large to be seconds.
 */
export function instantOfNumber(v: number | bigint, unit: EpochUnit | null): SqliteInstant | null {
  const n = Number(v);
  if (unit === null && typeof v === 'number' && n >= 0 && n < JULIAN_MAX) {
    // SQLite keeps Julian days as whole milliseconds, rounded this way (date.c, setRawDateNumber).
    return instantOfMicros((Math.floor(n * 86400000 + 0.5) - JULIAN_EPOCH_MS) * 1000, 'julian day');
  }
  const ms = unit === 'milliseconds' || (unit === null && Math.abs(n) >= MILLISECONDS_FROM);
  return instantOfMicros(Math.round(n * (ms ? 1e3 : 1e6)), ms ? 'epoch milliseconds' : 'epoch seconds');
}

let scratch: { text: Database.Statement; blob: Database.Statement } | undefined;
const sqlite = () => {
  if (!scratch) {
    const db = new Database(':memory:');
    scratch = { text: db.prepare('SELECT CAST(? AS TEXT)').pluck(), blob: db.prepare('SELECT CAST(? AS BLOB)').pluck() };
  }
  return scratch;
};

/**
 * The text SQLite gives for a REAL (`CAST(x AS TEXT)`: 1.0 stays "1.0"), except that -0.0 keeps
 * its sign, which SQLite's text drops.
 */
export function textOfReal(v: number): string {
  return Object.is(v, -0) ? '-0.0' : (sqlite().text.get(v) as string);
}

/** The bytes SQLite gives for a number in a BLOB column (`CAST(x AS BLOB)`: the bytes of its text). */
export function bytesOfNumber(v: number | bigint): Buffer {
  return sqlite().blob.get(v) as Buffer;
}

/** A double as PostgreSQL's float8 input reads it back exactly, the sign of zero kept. */
export function floatText(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
