import type { JsonValue } from '../../core/json.js';

/** A scalar the plan may expect. */
export type Scalar = string | number | boolean | null;

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A value as a number when it is one or reads as one (PostgreSQL sends bigint and numeric as text). */
export function asNumber(value: JsonValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** A value's text, as a string expectation and `matches` see it. */
export function textOf(value: JsonValue): string {
  if (value === null) return 'NULL';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Whether a result value equals what the plan expects. The expectation's YAML type decides:
 * a number matches any value that reads as the same number (1, "1", "1.0"); a string matches
 * the value's text exactly (`ok`), or a number read as the same number ("1" matches 1); a boolean matches true/false or SQLite's
 * 1/0; null matches only NULL.
 */
export function sameValue(expected: Scalar, actual: JsonValue): boolean {
  if (expected === null) return actual === null;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  if (typeof expected === 'boolean') return actual === expected || actual === (expected ? 1 : 0);
  // Text from a template ("{{vars.pool}}") is compared by the type of the value read: "5" and "5.0" match 5.
  if (typeof actual === 'number') return asNumber(expected) === actual;
  return actual !== null && textOf(actual) === expected;
}

/** A value as messages show it: strings quoted (escapes visible), NULL bare. */
export function show(value: JsonValue): string {
  return value === null ? 'NULL' : JSON.stringify(value);
}
