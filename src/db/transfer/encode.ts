/**
 * Turns SQLite values into fields of PostgreSQL's COPY text format. This is the hot loop of a
 * transfer: encoders take the value as better-sqlite3 returns it (bigint, number, string,
 * Buffer), return the field text, or `undefined` when PostgreSQL would refuse the value —
 * the reason is then in `refusal.reason` (a module variable, so the fast path allocates nothing).
 */
import type { ColumnMapping } from '../ddl/typemap.js';
import {
  booleanOfText,
  bytesOfNumber,
  floatText,
  instantOfNumber,
  instantOfText,
  textOfReal,
  type SqliteInstant,
} from '../sqlite-values.js';

/** Values written in another form than SQLite stored them, counted per kind of conversion. */
export type Tally = Map<string, number>;

const count = (tally: Tally | undefined, kind: string) => {
  if (tally) tally.set(kind, (tally.get(kind) ?? 0) + 1);
};

/** Field text, or undefined when the value is refused (see `refusal`). */
export type Encoder = (v: unknown) => string | undefined;

/** Why the last encoder call refused its value. */
export const refusal = { reason: '' };

const refuse = (reason: string): undefined => {
  refusal.reason = reason;
  return undefined;
};

/** Marks text that decoded with U+FFFD: the caller checks the stored bytes before deciding. */
export const MAYBE_INVALID_UTF8 = 'maybe-invalid-utf8';

const special = /[\\\n\r\t\0\uFFFD]/;

/** Escapes text for COPY text format (backslash, newline, carriage return, tab). */
export function escapeCopyText(s: string): string {
  return s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

function text(s: string, maxLength: number | null, trustFffd: boolean): string | undefined {
  if (maxLength !== null && s.length > maxLength && [...s].length > maxLength) {
    return refuse(`is ${[...s].length} characters long, more than varchar(${maxLength}) holds`);
  }
  if (!special.test(s)) return s;
  if (s.includes('\0')) return refuse('contains a NUL byte, which PostgreSQL text cannot hold');
  if (!trustFffd && s.includes('\uFFFD')) return refuse(MAYBE_INVALID_UTF8);
  return escapeCopyText(s);
}

const notA = (what: string, v: unknown) =>
  refuse(
    `is ${typeof v === 'string' ? 'text' : Buffer.isBuffer(v) ? 'a BLOB' : typeof v === 'bigint' ? 'an integer' : 'a number'}, not ${what}`,
  );

const isDigit = (c: number) => c >= 48 && c <= 57;
const num = (s: string, at: number, len: number): number => {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + c - 48;
  }
  return n;
};
const daysIn = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

/** Length of a valid `YYYY-MM-DD` prefix (10) or -1. */
function datePart(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
  const y = num(s, 0, 4);
  const m = num(s, 5, 2);
  const d = num(s, 8, 2);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) ? 10 : -1;
}

/** Length of a valid `HH:MM[:SS[.ffffff]]` at `at`, or -1. */
function timePart(s: string, at: number): number {
  const h = num(s, at, 2);
  const mi = num(s, at + 3, 2);
  if (s.charCodeAt(at + 2) !== 58 || h < 0 || h > 23 || mi < 0 || mi > 59) return -1;
  let i = at + 5;
  if (s.charCodeAt(i) === 58) {
    const sec = num(s, i + 1, 2);
    if (sec < 0 || sec > 59) return -1;
    i += 3;
    if (s.charCodeAt(i) === 46) {
      let k = i + 1;
      while (k < s.length && isDigit(s.charCodeAt(k))) k++;
      if (k - i - 1 < 1 || k - i - 1 > 6) return -1;
      i = k;
    }
  }
  return i - at;
}

const TS = 'a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])';

/** Checks a timestamp text; returns it without a UTC suffix, or refuses. `keepOffset` for timestamptz. */
function timestampText(s: string, withZone: boolean): string | undefined {
  const d = datePart(s);
  if (d < 0) return refuse(`is not ${TS}`);
  if (s.length === 10) return withZone ? `${s} 00:00:00+00` : s;
  const sep = s.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return refuse(`is not ${TS}`);
  const t = timePart(s, 11);
  if (t < 0) return refuse(`is not ${TS}`);
  const end = 11 + t;
  if (end === s.length) return withZone ? `${s}+00` : s;
  const zone = s.slice(end);
  if (/^(Z|[+-]00(:?00)?)$/.test(zone)) return withZone ? `${s.slice(0, end)}+00` : s.slice(0, end);
  if (withZone && /^[+-]\d{2}(:?\d{2})?$/.test(zone)) return s;
  return refuse(`has the UTC offset "${zone}"; a timestamp without time zone would drop it (cast the column to timestamptz)`);
}

/** PostgreSQL text of a moment read by SQLite's rules, or a refusal; counts how it was read. */
function instantField(at: SqliteInstant | null, what: string, tally: Tally | undefined): string | undefined {
  if (at === null) return refuse(what);
  if (at.conversion) count(tally, at.conversion);
  return `${at.date} ${at.time ?? '00:00:00'}`;
}

const midnight = /^00:00:00(\.0*)?$/;

const numericText = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const uuidText = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The encoder for one mapped column. */
export function encoderFor(col: ColumnMapping, options: { readonly trustFffd?: boolean; readonly tally?: Tally } = {}): Encoder {
  const trust = options.trustFffd ?? false;
  const tally = options.tally;
  const max = col.maxLength;
  const epoch = col.epoch;
  switch (col.codec) {
    case 'text':
    case 'passthrough':
      return (v) => {
        if (typeof v === 'string') return text(v, max, trust);
        if (typeof v === 'bigint') return text(v.toString(), max, trust);
        if (typeof v !== 'number') return notA('text', v);
        count(tally, 'real as SQLite text');
        return text(textOfReal(v), max, trust);
      };
    case 'int':
      return (v) => {
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : refuse(`is ${v}, not an integer`);
        if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) {
          const b = BigInt(v.trim());
          return b >= INT64_MIN && b <= INT64_MAX ? b.toString() : refuse('is outside the bigint range');
        }
        return notA('an integer', v);
      };
    case 'float':
      return (v) =>
        typeof v === 'number'
          ? floatText(v)
          : typeof v === 'bigint'
            ? String(v)
            : typeof v === 'string' && numericText.test(v)
              ? v.trim()
              : notA('a number', v);
    case 'numeric':
      return (v) =>
        typeof v === 'bigint'
          ? v.toString()
          : typeof v === 'number'
            ? String(v)
            : typeof v === 'string' && numericText.test(v)
              ? v.trim()
              : notA('a number', v);
    case 'bool':
      return (v) => {
        if (typeof v === 'bigint') return v === 0n ? 'f' : v === 1n ? 't' : refuse(`is ${v}, not a boolean (0 or 1)`);
        if (typeof v === 'number') return v === 0 ? 'f' : v === 1 ? 't' : refuse(`is ${v}, not a boolean (0 or 1)`);
        if (typeof v !== 'string') return notA('a boolean', v);
        const truth = booleanOfText(v);
        if (truth === null) return refuse('is not a boolean (PostgreSQL reads 0/1, true/false, t/f, yes/no, y/n, on/off)');
        if (!/^(?:[01tf]|true|false)$/i.test(v)) count(tally, 'boolean spelling');
        return truth ? 't' : 'f';
      };
    case 'timestamp':
    case 'timestamptz': {
      const zone = col.codec === 'timestamptz';
      const suffix = zone ? '+00' : '';
      return (v) => {
        if (typeof v === 'string') {
          const plain = timestampText(v, zone);
          if (plain !== undefined) return plain;
          const field = instantField(instantOfText(v), `is not ${TS}`, tally);
          return field === undefined ? field : field + suffix;
        }
        if (typeof v === 'number' || typeof v === 'bigint') {
          const field = instantField(
            instantOfNumber(v, epoch),
            `is the number ${String(v)}, outside the years 1-9999 as a Julian day or Unix epoch time`,
            tally,
          );
          return field === undefined ? field : field + suffix;
        }
        return notA(TS, v);
      };
    }
    case 'date':
      return (v) => {
        if (typeof v === 'string' && datePart(v) === 10 && v.length === 10) return v;
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return notA('a date (YYYY-MM-DD)', v);
        const at = typeof v === 'string' ? instantOfText(v) : instantOfNumber(v, epoch);
        if (at === null)
          return refuse(
            typeof v === 'string'
              ? 'is not a date (YYYY-MM-DD)'
              : `is the number ${String(v)}, outside the years 1-9999 as a Julian day or Unix epoch time`,
          );
        // An epoch rule says the numbers are moments: their day is taken, as SQLite's date() would.
        if (at.time !== null && !midnight.test(at.time) && !(epoch && typeof v !== 'string')) {
          return refuse(`has the time of day ${at.time}, which a date column would drop (cast the column to timestamp)`);
        }
        count(tally, at.conversion ?? 'midnight datetime as date');
        return at.date;
      };
    case 'time':
      return (v) => {
        if (typeof v !== 'string') return notA('a time', v);
        if (timePart(v, 0) === v.length) return v;
        const at = instantOfText(v);
        if (at === null || at.conversion !== 'time without date' || at.time === null) return refuse('is not a time (HH:MM:SS[.ffffff])');
        count(tally, 'time with utc offset');
        return at.time;
      };
    case 'json': {
      const binary = col.pgType.toLowerCase() === 'jsonb';
      return (v) => {
        if (typeof v === 'number' || typeof v === 'bigint') return String(v);
        if (typeof v !== 'string') return notA('JSON', v);
        try {
          JSON.parse(v);
        } catch {
          return refuse('is not valid JSON');
        }
        if (binary && v.includes('\\u0000')) return refuse('contains \\u0000, which jsonb cannot hold');
        return text(v, null, trust);
      };
    }
    case 'bytea':
      return (v) => {
        if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
        if (typeof v === 'string') return `\\\\x${Buffer.from(v, 'utf8').toString('hex')}`;
        if (typeof v !== 'number' && typeof v !== 'bigint') return notA('a BLOB', v);
        count(tally, 'number as the bytes of its text');
        return `\\\\x${bytesOfNumber(v).toString('hex')}`;
      };
    case 'uuid':
      return (v) => {
        if (typeof v === 'string') return uuidText.test(v) ? v : refuse('is not a UUID');
        if (Buffer.isBuffer(v) && v.length === 16) return v.toString('hex');
        return notA('a UUID', v);
      };
  }
}
