import { clockDefault } from './default-clock.js';
import { pgExpression } from '../introspect/sql-text.js';
import type { ColumnMapping } from './typemap.js';

/** A translated DEFAULT: certain (goes into CREATE TABLE) or an expression PostgreSQL may refuse. */
export type PgDefault = { readonly sql: string; readonly certain: boolean } | null;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const unquote = (s: string) => s.slice(1, -1).replace(/''/g, "'");

// SQLite's CURRENT_* are UTC; PostgreSQL's follow the session TimeZone, so UTC is asked for explicitly.
const clock: Record<string, Partial<Record<string, string>>> = {
  CURRENT_TIMESTAMP: {
    timestamp: "(now() AT TIME ZONE 'utc')",
    timestamptz: 'CURRENT_TIMESTAMP',
    text: "to_char(now() AT TIME ZONE 'utc', 'YYYY-MM-DD HH24:MI:SS')",
    date: "((now() AT TIME ZONE 'utc')::date)",
  },
  CURRENT_DATE: {
    date: "((now() AT TIME ZONE 'utc')::date)",
    timestamp: "((now() AT TIME ZONE 'utc')::date::timestamp)",
    text: "to_char(now() AT TIME ZONE 'utc', 'YYYY-MM-DD')",
  },
  CURRENT_TIME: { time: "((now() AT TIME ZONE 'utc')::time(0))", text: "to_char(now() AT TIME ZONE 'utc', 'HH24:MI:SS')" },
};

const truthy = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const falsy = new Set(['0', 'f', 'false', 'n', 'no', 'off']);

/** Translates a SQLite DEFAULT clause for a mapped column. */
export function translateDefault(raw: string | null, col: ColumnMapping): PgDefault {
  if (raw === null) return null;
  let text = raw.trim();
  while (/^\(.*\)$/s.test(text) && /^\(\s*('([^']|'')*'|[-+]?[0-9.]+|"[^"]*")\s*\)$/s.test(text)) text = text.slice(1, -1).trim();
  const upper = text.toUpperCase();
  if (upper === 'NULL') return null;
  const codec = col.codec;
  const clockSql = clock[upper];
  if (clockSql) {
    const sql = clockSql[codec] ?? clockSql.text;
    return sql ? { sql, certain: clockSql[codec] !== undefined } : null;
  }
  const clockFn = clockDefault(text, col);
  if (clockFn !== null) return { sql: clockFn, certain: false };
  // SQLite reads 0x10 as the integer 16.
  if (/^[-+]?0x[0-9a-f]+$/i.test(text)) text = (text.startsWith('-') ? -BigInt(text.slice(1)) : BigInt(text.replace(/^\+/, ''))).toString();
  // SQLite takes "abc" as a string when no column has that name: a classic of hand-written DDL.
  if (/^"([^"]|"")*"$/.test(text)) text = quote(text.slice(1, -1).replace(/""/g, '"'));
  const isBool = upper === 'TRUE' || upper === 'FALSE';
  // TRUE and FALSE are the integers 1 and 0 in SQLite: a text column stores '1' or '0'.
  if (isBool && codec !== 'bool') text = upper === 'TRUE' ? '1' : '0';
  const isString = /^'([^']|'')*'$/s.test(text);
  const isNumber = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(text);
  const value = isString ? unquote(text) : text;
  if (codec === 'bool' && (isString || isNumber || isBool)) {
    const v = value.toLowerCase();
    if (truthy.has(v)) return { sql: 'true', certain: true };
    if (falsy.has(v)) return { sql: 'false', certain: true };
    return { sql: quote(value), certain: false };
  }
  if (codec === 'int' || codec === 'float' || codec === 'numeric') {
    if (isNumber) return { sql: text, certain: true };
    if (isString && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(value)) return { sql: value.trim(), certain: true };
  }
  if (isNumber) return { sql: quote(text), certain: codec === 'text' };
  if (isString) return { sql: text, certain: codec === 'text' || codec === 'json' };
  if (/^x'[0-9a-f]*'$/i.test(text) && codec === 'bytea') return { sql: `'\\x${text.slice(2, -1)}'::bytea`, certain: true };
  return { sql: `(${pgExpression(text)})`, certain: false };
}
