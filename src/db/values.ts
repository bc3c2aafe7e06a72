import pg from 'pg';
import type { JsonValue } from '../core/json.js';

/** A database value as plain JSON: big integers stay exact (as text when too large), bytes as `\x` hex. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return String(value);
}

/** A plan value as SQLite can bind it: SQLite has no booleans, JSON structures go in as text. */
export function toSqliteParam(value: JsonValue): string | number | null {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}

// Dates and times stay in PostgreSQL's own text form: a check compares what the server
// prints, not a JavaScript Date shifted into the local time zone.
const TEXT_OIDS = new Set([1082, 1083, 1114, 1184, 1186, 1266]);
const INT8_OID = 20;

/** Type parsers for checks: temporal types as text, bigint as a number when it fits exactly. */
export const checkTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (TEXT_OIDS.has(oid)) return (text: string) => text;
    if (oid === INT8_OID) return (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
