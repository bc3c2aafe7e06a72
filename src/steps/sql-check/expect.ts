import type { QueryRows } from '../../db/query.js';
import type { JsonValue } from '../../core/json.js';
import { asNumber, sameValue, show, textOf, type Scalar } from './values.js';

/** Comparison operators of `expect.compare`. */
export const compareOps = ['>=', '>', '==', '!=', '<=', '<'] as const;

/** What a sql-check asserts about its result; exactly one key. */
export type Expectation =
  | { readonly value: Scalar }
  | { readonly rows: readonly (readonly Scalar[])[] }
  | { readonly row_count: number }
  | { readonly compare: { readonly op: (typeof compareOps)[number]; readonly value: number } }
  | { readonly matches: string }
  | { readonly empty: boolean };

const SHOWN_ROWS = 10;
const SHOWN_CHARS = 500;

function cut(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/**
 * What the query returned where one value was expected: the value itself, or, when the
 * result has several rows of one column (PRAGMA integrity_check's problem list), those rows
 * joined by newlines.
 */
function returned(result: QueryRows): string {
  if (result.rows.length === 0) return 'no rows';
  if (result.columns.length !== 1) {
    return `${result.columns.length} columns (${result.columns.join(', ')}); a value check needs exactly one column`;
  }
  const firsts = result.rows.slice(0, SHOWN_ROWS).map((r) => r[0] ?? null);
  const more = result.rows.length > SHOWN_ROWS ? ` (and ${result.rows.length - SHOWN_ROWS} more rows)` : '';
  if (firsts.length === 1) return `${cut(show(firsts[0] ?? null))}${more}`;
  return `${cut(JSON.stringify(firsts.map(textOf).join('\n')))}${more}`;
}

/** The single value of a 1x1 result, or undefined when the result is any other shape. */
function scalarOf(result: QueryRows): JsonValue | undefined {
  return result.rows.length === 1 && result.columns.length === 1 ? (result.rows[0]?.[0] ?? null) : undefined;
}

function holds(op: (typeof compareOps)[number], a: number, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<=':
      return a <= b;
    case '<':
      return a < b;
  }
}

function rowsText(rows: readonly (readonly JsonValue[])[]): string {
  const shown = rows
    .slice(0, SHOWN_ROWS)
    .map((r) => JSON.stringify(r))
    .join(', ');
  return cut(rows.length > SHOWN_ROWS ? `${shown}, … (${rows.length} rows)` : shown);
}

/** Checks the result; returns the failure sentence, or undefined when the expectation holds. */
export function checkExpectation(expect: Expectation, result: QueryRows): string | undefined {
  const scalar = scalarOf(result);
  if ('value' in expect) {
    if (scalar !== undefined && sameValue(expect.value, scalar)) return undefined;
    return `expected value ${show(expect.value)} but the query returned ${returned(result)}`;
  }
  if ('matches' in expect) {
    if (scalar !== undefined && scalar !== null && new RegExp(expect.matches).test(textOf(scalar))) return undefined;
    return `expected value matching /${expect.matches}/ but the query returned ${returned(result)}`;
  }
  if ('compare' in expect) {
    const { op, value } = expect.compare;
    const what = `expected ${result.columns[0] ?? 'value'} ${op} ${value}`;
    if (scalar === undefined) return `${what} but the query returned ${returned(result)}`;
    const n = asNumber(scalar);
    if (n === undefined) return `${what}, got ${show(scalar)}, which is not a number`;
    return holds(op, n, value) ? undefined : `${what}, got ${textOf(scalar)}`;
  }
  if ('row_count' in expect) {
    return result.rows.length === expect.row_count ? undefined : `expected ${expect.row_count} row(s), got ${result.rows.length}`;
  }
  if ('empty' in expect) {
    if (expect.empty && result.rows.length > 0) {
      return `expected no rows, got ${result.rows.length}; the first: ${cut(JSON.stringify(rowObject(result, 0)))}`;
    }
    return !expect.empty && result.rows.length === 0 ? 'expected at least one row, got none' : undefined;
  }
  return checkRows(expect.rows, result);
}

function checkRows(expected: readonly (readonly Scalar[])[], result: QueryRows): string | undefined {
  if (expected.length !== result.rows.length) {
    return `expected ${expected.length} row(s), got ${result.rows.length}${result.rows.length > 0 ? `: ${rowsText(result.rows)}` : ''}`;
  }
  for (const [i, want] of expected.entries()) {
    const got = result.rows[i] ?? [];
    if (want.length !== got.length || want.some((w, j) => !sameValue(w, got[j] ?? null))) {
      return `row ${i + 1} differs: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`;
    }
  }
  return undefined;
}

/** Row `i` as an object keyed by column name (a later duplicate name wins). */
export function rowObject(result: QueryRows, i: number): { [k: string]: JsonValue } {
  const row = result.rows[i] ?? [];
  return Object.fromEntries(result.columns.map((c, j) => [c, row[j] ?? null]));
}

/** The expectation in a few words, for dry runs. */
export function describeExpectation(expect: Expectation | undefined): string {
  if (expect === undefined) return 'no assertion (fails only when the query fails)';
  if ('value' in expect) return `value = ${show(expect.value)}`;
  if ('matches' in expect) return `value matches /${expect.matches}/`;
  if ('compare' in expect) return `value ${expect.compare.op} ${expect.compare.value}`;
  if ('row_count' in expect) return `${expect.row_count} row(s)`;
  if ('empty' in expect) return expect.empty ? 'no rows' : 'at least one row';
  return `rows = ${JSON.stringify(expect.rows)}`;
}
