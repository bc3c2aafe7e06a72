/**
 * Column types chosen from the data, before anything is created: SQLite never enforces a
 * declared type, so a column's values may not fit the PostgreSQL type its declaration names.
 */
import type Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import { encoderFor, refusal } from './encode.js';
import type { SqliteTable } from '../introspect/sqlite-schema.js';
import { mapColumn, ruleFor, type CastRule, type TypeMapOptions } from '../ddl/typemap.js';

/** A column given another type than its declaration names, and why. */
export interface Retyped {
  readonly table: string;
  readonly column: string;
  readonly from: string;
  readonly to: string;
  /** A value that made the change, as text. */
  readonly example: string;
  readonly reason: string;
}

/** Digits before and after the point of a number's text (exponent applied), or null when it is not a number. */
export function numericDigits(text: string): { readonly integer: number; readonly fraction: number } | null {
  const m = /^\s*[-+]?(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?\s*$/i.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const point = (m[1] ?? '').length + Number(m[3] ?? 0);
  const significant = digits.replace(/^0+/, '');
  const lead = digits.length - significant.length;
  const trimmed = significant.replace(/0+$/, '');
  if (trimmed === '') return { integer: 0, fraction: 0 };
  const first = lead; // index of the first significant digit
  const last = lead + trimmed.length; // index after the last one
  return { integer: Math.max(0, point - first), fraction: Math.max(0, last - point) };
}

/** True when numeric(p,s) holds the number without rounding it. */
export function fitsNumeric(text: string, precision: number, scale: number): boolean {
  const d = numericDigits(text);
  return d === null || (d.integer <= precision - scale && d.fraction <= scale);
}

const show = (v: unknown) => (Buffer.isBuffer(v) ? `x'${v.toString('hex')}'` : String(v));

/**
 * Cast rules for columns whose values do not fit their mapped type: a numeric(p,s) column with a
 * value it would round or refuse becomes unconstrained numeric; with `widen`, a column holding a
 * value its type refuses becomes text. Columns the plan casts itself are left as the plan says.
 */
export function retypeColumns(db: Database.Database, tables: readonly SqliteTable[], options: TypeMapOptions, widen: boolean): Retyped[] {
  const out: Retyped[] = [];
  for (const table of tables) {
    for (const col of table.columns) {
      if (col.generated || ruleFor(table.name, col, options.cast)) continue;
      const m = mapColumn(table, col, options);
      const ps = /^numeric\((\d+),(\d+)\)$/.exec(m.pgType) ?? /^numeric\((\d+)\)$/.exec(m.pgType);
      const checkNumeric = m.codec === 'numeric' && ps !== null;
      const checkAll = widen && m.codec !== 'text' && m.codec !== 'passthrough' && !m.identity;
      if (!checkNumeric && !checkAll) continue;
      const encode = encoderFor(m);
      const values = db
        .prepare(`SELECT ${q(col.name)} FROM ${q(table.name)} WHERE ${q(col.name)} IS NOT NULL`)
        .pluck()
        .safeIntegers(true);
      let found: Retyped | null = null;
      for (const v of values.iterate()) {
        const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
        if (checkNumeric && found === null && text !== null && !fitsNumeric(text, Number(ps[1]), Number(ps[2] ?? 0))) {
          found = {
            table: table.name,
            column: col.name,
            from: m.pgType,
            to: 'numeric',
            example: text,
            reason: `holds ${text}, which ${m.pgType} would round or refuse (SQLite does not enforce the precision)`,
          };
          if (!checkAll) break;
        }
        if (checkAll && encode(v) === undefined) {
          found = {
            table: table.name,
            column: col.name,
            from: m.pgType,
            to: 'text',
            example: show(v),
            reason: `holds ${show(v)}, which ${m.pgType} refuses: it ${refusal.reason} (on_bad_value: widen)`,
          };
          break;
        }
      }
      if (found) out.push(found);
    }
  }
  return out;
}

/** The cast rules that make the retyped columns, after the plan's own. */
export function withRetypes(cast: readonly CastRule[], retyped: readonly Retyped[]): CastRule[] {
  return [...cast, ...retyped.map((r) => ({ column: `${r.table}.${r.column}`, to: r.to }))];
}
