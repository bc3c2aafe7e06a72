/**
 * The canonical form of a value: one text per value that SQLite and PostgreSQL give alike when a
 * transfer moved the value faithfully, and differently when it changed. Checksums and row
 * comparisons only ever see these texts. The column's type on the PostgreSQL side decides the
 * form (a SQLite column has whatever its values are); `null` is SQL NULL, never the empty text.
 *
 * SQLite values arrive as better-sqlite3 gives them with safe integers (bigint, number, string,
 * Buffer); PostgreSQL values arrive as the server's text output (ISO dates in UTC, hex bytea).
 */
import type { Codec } from '../ddl/typemap.js';
import { booleanOfText, bytesOfNumber, instantOfNumber, instantOfText, textOfReal, type SqliteInstant } from '../sqlite-values.js';
import { canonicalDecimal } from './canonical-decimal.js';
import { canonicalJson } from './canonical-json.js';

export { canonicalDecimal, canonicalJson };

/** How values of a column are made canonical. */
export type CanonicalType =
  'int' | 'float' | 'float4' | 'numeric' | 'bool' | 'timestamp' | 'timestamptz' | 'date' | 'time' | 'json' | 'bytes' | 'uuid' | 'text';

const BY_PG_TYPE: Readonly<Record<string, CanonicalType>> = {
  int2: 'int',
  int4: 'int',
  int8: 'int',
  oid: 'int',
  float8: 'float',
  float4: 'float4',
  numeric: 'numeric',
  bool: 'bool',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  date: 'date',
  time: 'time',
  json: 'json',
  jsonb: 'json',
  bytea: 'bytes',
  uuid: 'uuid',
};

/** The canonical type of a PostgreSQL column, by its type name in pg_type (`int8`, `timestamptz`). */
export function canonicalTypeOfPg(typname: string): CanonicalType {
  return BY_PG_TYPE[typname] ?? 'text';
}

/** The canonical type of a column the transfer writes with `codec` (a SQLite column's mapping). */
export function canonicalTypeOfCodec(codec: Codec): CanonicalType {
  const table: Record<Codec, CanonicalType> = {
    int: 'int',
    float: 'float',
    numeric: 'numeric',
    bool: 'bool',
    timestamp: 'timestamp',
    timestamptz: 'timestamptz',
    date: 'date',
    time: 'time',
    json: 'json',
    bytea: 'bytes',
    uuid: 'uuid',
    text: 'text',
    passthrough: 'text',
  };
  return table[codec];
}

// A value that cannot be of the column's type keeps a marker, so it never equals a real value.
const odd = (v: unknown): string => (Buffer.isBuffer(v) ? `?blob:${v.toString('hex')}` : `?${typeof v}:${String(v)}`);

const floatText = (n: number): string => (n === 0 ? '0' : String(n));

const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?( BC)?$/;

const daysIn = (y: number, m: number) =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

// The number written by the digits from..to of s, or -1 when one is not a digit (no allocation: this runs per value).
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The common case without parsing: `YYYY-MM-DD HH:MM:SS[.f{1,6}]` with no zone is already the
 * canonical form once the fraction is padded to six digits. Undefined for anything else.
 */
function plainInstant(s: string): string | undefined {
  const n = s.length;
  if (n < 19 || n > 26 || n === 20 || (n > 19 && s.charCodeAt(19) !== 46) || s.charCodeAt(10) !== 32) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const sec = digits(s, 17, 19);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return undefined;
  if (n > 20 && digits(s, 20, n) < 0) return undefined;
  return n === 26 ? s : n === 19 ? `${s}.000000` : s.padEnd(26, '0');
}

/**
 * A point in time as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (an offset is applied; no offset means
 * UTC), rounded to the microsecond as PostgreSQL stores it; undefined when it is not one.
 */
export function canonicalInstant(text: string): string | undefined {
  const plain = plainInstant(text);
  if (plain !== undefined) return plain;
  const m = TIMESTAMP.exec(text);
  if (!m || m[9]) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    Number(m[4] ?? 0) > 23 ||
    Number(m[5] ?? 0) > 59 ||
    Number(m[6] ?? 0) > 59
  )
    return undefined;
  const fraction = m[7] ?? '';
  const micros = Math.round(Number(`0.${fraction || '0'}`) * 1e6);
  const zone = m[8] ?? 'Z';
  const offsetMinutes =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.length > 3 ? zone.slice(-2) : 0));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0) - offsetMinutes, Number(m[6] ?? 0), Math.floor(micros / 1000));
  // Years outside 1-9999 print differently on each side; they stay as written (see callers).
  const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
  if (iso.length !== 24) return undefined;
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(micros % 1000).padStart(3, '0')}`;
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

function canonicalTime(text: string): string | undefined {
  const m = TIME.exec(text);
  return m ? `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '').padEnd(6, '0')}` : undefined;
}

const TRUE = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'n', 'no', 'off']);

function canonicalBool(v: unknown): string {
  if (v === 1n || v === 0n) return v === 1n ? 't' : 'f';
  // Every spelling PostgreSQL's boolean input takes, as the transfer reads it (sqlite-values.ts).
  const truth = typeof v === 'string' ? booleanOfText(v) : null;
  if (truth !== null) return truth ? 't' : 'f';
  const s = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'bigint' || typeof v === 'number' ? String(v) : '';
  return TRUE.has(s) ? 't' : FALSE.has(s) ? 'f' : odd(v);
}

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : typeof v === 'number' ? String(v) : undefined;

/** A moment SQLite's date functions read from text or a number (sqlite-values.ts), as `canonicalInstant` text. */
function sqliteInstant(v: unknown): SqliteInstant | null {
  if (typeof v === 'string') return instantOfText(v);
  return typeof v === 'number' || typeof v === 'bigint' ? instantOfNumber(v, null) : null;
}

const instantText = (at: SqliteInstant | null) => (at === null ? undefined : canonicalInstant(`${at.date} ${at.time ?? '00:00:00'}`));

/** The canonical form of a value as SQLite stores it, for a column of type `type`. */
export function canonicalFromSqlite(type: CanonicalType, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'text':
      // A REAL reads as SQLite's own text of it, as the transfer writes it.
      return typeof v === 'string' ? v : typeof v === 'number' ? textOfReal(v) : (asText(v) ?? odd(v));
    case 'int':
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString();
      return typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? BigInt(v.trim()).toString() : odd(v);
    case 'float':
    case 'float4': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' || typeof v === 'bigint' ? Number(v) : NaN;
      if (Number.isNaN(n)) return odd(v);
      return floatText(type === 'float4' ? Math.fround(n) : n);
    }
    case 'numeric':
      return typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' ? canonicalDecimal(String(v)) : odd(v);
    case 'bool':
      return canonicalBool(v);
    case 'timestamp':
    case 'timestamptz': {
      const s = (typeof v === 'string' ? canonicalInstant(v) : undefined) ?? instantText(sqliteInstant(v));
      return s === undefined ? odd(v) : type === 'timestamptz' ? `${s}+00` : s;
    }
    case 'date': {
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
      const at = sqliteInstant(v);
      return at !== null && (at.time === null || /^00:00:00(\.0*)?$/.test(at.time)) ? at.date : odd(v);
    }
    case 'time': {
      const at = typeof v === 'string' ? instantOfText(v) : null;
      return (
        (typeof v === 'string' ? canonicalTime(v) : undefined) ??
        (at?.conversion === 'time without date' && at.time ? canonicalTime(at.time) : undefined) ??
        odd(v)
      );
    }
    case 'json': {
      const s = asText(v);
      return (s === undefined ? undefined : canonicalJson(s)) ?? odd(v);
    }
    case 'bytes':
      if (typeof v === 'number' || typeof v === 'bigint') return bytesOfNumber(v).toString('hex');
      return Buffer.isBuffer(v) ? v.toString('hex') : Buffer.from(asText(v) ?? '', 'utf8').toString('hex');
    case 'uuid':
      if (Buffer.isBuffer(v) && v.length === 16) return v.toString('hex');
      return typeof v === 'string' && /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v)
        ? v.replaceAll('-', '').toLowerCase()
        : odd(v);
  }
}

/** The canonical form of a value as PostgreSQL prints it (text output), for a column of type `type`. */
export function canonicalFromPostgres(type: CanonicalType, text: string | null): string | null {
  if (text === null) return null;
  switch (type) {
    case 'text':
    case 'int':
    case 'bool':
    case 'date':
      return text;
    case 'float':
      return floatText(Number(text));
    case 'float4':
      return floatText(Math.fround(Number(text)));
    case 'numeric':
      return canonicalDecimal(text);
    case 'timestamp':
      return canonicalInstant(text) ?? `?${text}`;
    case 'timestamptz': {
      // The session runs in UTC, so the server prints every instant with +00.
      const s = canonicalInstant(text.endsWith('+00') ? text.slice(0, -3) : text);
      return s === undefined ? `?${text}` : `${s}+00`;
    }
    case 'time':
      return canonicalTime(text) ?? `?${text}`;
    case 'json':
      return canonicalJson(text) ?? `?${text}`;
    case 'bytes':
      return text.startsWith('\\x') ? text.slice(2) : `?${text}`;
    case 'uuid':
      return text.replaceAll('-', '');
  }
}
