import type { QueryRows } from '../db/query.js';
import { connectionLabel } from './database/connection-label.js';
import { failedStep } from './failed-step.js';
import { defineStepKind, type DescribeLine, type StepContext, type StepResult } from './kind.js';
import type { JsonValue } from '../core/json.js';
import { checkExpectation, compareOps, describeExpectation, rowObject, type Expectation } from './sql-check/expect.js';

/** The fields of a `sql-check` step, rendered. */
export interface SqlCheckSpec {
  readonly connection: string;
  readonly query: string;
  readonly params?: readonly JsonValue[];
  readonly write?: boolean;
  readonly expect?: Expectation;
}

/** The `rows` output keeps this many rows so the journal stays small. */
const MAX_OUTPUT_ROWS = 1000;

const scalar = { type: ['string', 'number', 'boolean', 'null'] };

function outputsOf(result: QueryRows, ctx: StepContext): { [k: string]: JsonValue } {
  if (result.rows.length > MAX_OUTPUT_ROWS) {
    ctx.warn(`the query returned ${result.rows.length} rows; the rows output keeps the first ${MAX_OUTPUT_ROWS}`);
  }
  const kept = Math.min(result.rows.length, MAX_OUTPUT_ROWS);
  return {
    rows: Array.from({ length: kept }, (_, i) => rowObject(result, i)),
    value: result.rows[0]?.[0] ?? null,
    row_count: result.rows.length,
  };
}

function regexProblem(expect: Expectation | undefined): string | undefined {
  if (expect === undefined || !('matches' in expect)) return undefined;
  try {
    new RegExp(expect.matches);
    return undefined;
  } catch (e) {
    return `expect.matches /${expect.matches}/ is not a valid regular expression: ${(e as Error).message}`;
  }
}

async function runSqlCheck(spec: SqlCheckSpec, ctx: StepContext): Promise<StepResult> {
  const bad = regexProblem(spec.expect);
  if (bad !== undefined) return { ok: false, message: ctx.mask(bad), hint: 'fix the regular expression; the query was not run' };
  const conn = ctx.connection(spec.connection);
  const { runQuery } = await import('../db/query.js');
  const outcome = await runQuery(conn, spec.query, spec.params ?? [], {
    workDir: ctx.workDir,
    signal: ctx.signal,
    write: spec.write ?? false,
  });
  if (!outcome.ok) return failedStep(outcome, ctx);
  const outputs = outputsOf(outcome.value, ctx);
  const failure = spec.expect === undefined ? undefined : checkExpectation(spec.expect, outcome.value);
  if (failure !== undefined) return { ok: false, message: ctx.mask(failure), outputs };
  const changed = outcome.value.changed > 0 ? `; changed ${outcome.value.changed} row(s)` : '';
  return { ok: true, outputs, note: `${outcome.value.rows.length} row(s)${changed}` };
}

/** Runs one query on a named connection and asserts on its result. */
export const sqlCheck = defineStepKind<SqlCheckSpec>({
  kind: 'sql-check',
  summary: 'Runs one SQL query on a named connection (SQLite or PostgreSQL) and asserts on its result.',
  schema: {
    properties: {
      connection: { type: 'string', minLength: 1, description: "Name of the connection from the plan's connections: section." },
      query: {
        type: 'string',
        minLength: 1,
        description: 'One SQL statement. Values go in params, never into the text.',
        examples: ['select count(*) from users where active = ?'],
      },
      params: {
        examples: [[1]],
        type: 'array',
        description: 'Values bound to the placeholders: ? for SQLite, $1, $2, ... for PostgreSQL.',
        items: {},
      },
      write: {
        type: 'boolean',
        description:
          'Allow the query to change data; default false: SQLite opens read-only and PostgreSQL runs it in a READ ONLY transaction.',
      },
      expect: {
        type: 'object',
        description:
          'The assertion, exactly one of: value, rows, row_count, compare, matches, empty. Without it the step fails only when the query fails.',
        examples: [{ compare: { op: '>=', value: 1 } }],
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: {
          value: {
            ...scalar,
            description:
              'The result is one row of one column equal to this. A number matches any value reading as that number (1, "1"); a string matches the value\'s text; true/false also match SQLite\'s 1/0.',
          },
          rows: {
            type: 'array',
            description: 'The result is exactly these rows, each a list of column values, in order.',
            items: { type: 'array', items: scalar },
          },
          row_count: { type: 'integer', minimum: 0, description: 'The result has exactly this many rows.' },
          compare: {
            type: 'object',
            description: 'The single value, read as a number, compared with value.',
            properties: {
              op: { enum: [...compareOps], description: 'How the result compares with value.' },
              value: { type: 'number', description: 'The number on the right of op.' },
            },
            required: ['op', 'value'],
            additionalProperties: false,
          },
          matches: { type: 'string', minLength: 1, description: "A JavaScript regular expression the single value's text must match." },
          empty: { type: 'boolean', description: 'true: the result has no rows; false: at least one row.' },
        },
      },
    },
    required: ['connection', 'query'],
  },
  connectionFields: ['connection'],
  outputs: () => ['rows', 'value', 'row_count'],
  describe(spec, ctx) {
    const lines: DescribeLine[] = [
      { label: 'on', text: connectionLabel(spec.connection, ctx) },
      { label: 'query', text: ctx.mask(spec.query.replace(/\s+/g, ' ').trim()) },
    ];
    if (spec.params !== undefined && spec.params.length > 0) lines.push({ label: 'params', text: ctx.mask(JSON.stringify(spec.params)) });
    if (spec.write === true) lines.push({ label: 'write', text: 'allowed' });
    lines.push({ label: 'expect', text: ctx.mask(describeExpectation(spec.expect)) });
    return lines;
  },
  run: runSqlCheck,
});
