import { quoteIdent as q } from '../connections.js';
import { translateDefault } from '../ddl/defaults.js';
import { qualified, type TableDdl } from '../ddl/schema-ddl.js';
import type { TargetColumn, TargetTable } from './target.js';
import type { AlignAction } from './action.js';

/** What create mode's type is called by format_type(), so the two can be compared. */
export function catalogueType(pgType: string): string {
  const t = pgType.trim().toLowerCase();
  const len = /^varchar\s*\((\d+)\)$/.exec(t);
  if (len) return `character varying(${len[1]})`;
  const names: Record<string, string> = {
    timestamp: 'timestamp without time zone',
    timestamptz: 'timestamp with time zone',
    time: 'time without time zone',
  };
  return names[t] ?? t;
}

const integers = new Set(['smallint', 'integer', 'bigint']);

/**
 * The column repairs of one table: types (timestamp, double precision, varchar, boolean), NOT NULL
 * and identity keys, each with the check that must pass first. Pure.
 */
export function columnActions(
  schema: string,
  t: TableDdl,
  target: TargetTable,
  timeZone: string,
  warn: (m: string) => void,
): AlignAction[] {
  const name = qualified(schema, t.source.name);
  const table = t.source.name;
  const actions: AlignAction[] = [];
  for (const [i, m] of t.columns.entries()) {
    const src = t.source.columns[i]!;
    if (src.generated) continue;
    const col = target.columns.find((c) => c.name === m.name) as TargetColumn;
    const want = catalogueType(m.pgType);
    const c = q(m.name);
    const where = `${table}.${m.name}`;
    // ALTER TYPE must not carry pgloader's default (cast to the new type, or refused); create mode's default goes back.
    const dflt = translateDefault(src.defaultSql, m);
    const redefault = col.default !== null ? [`ALTER TABLE ${name} ALTER COLUMN ${c} DROP DEFAULT`] : [];
    const setDefault = col.default !== null && dflt?.certain ? [`ALTER TABLE ${name} ALTER COLUMN ${c} SET DEFAULT ${dflt.sql}`] : [];
    if (col.type !== want) {
      if (want === 'timestamp without time zone' && col.type === 'timestamp with time zone') {
        actions.push({
          table,
          change: `${where}: timestamp with time zone -> timestamp, read back in the time zone pgloader wrote it in (${timeZone}) and checked against SQLite`,
          sql: [
            ...redefault,
            `ALTER TABLE ${name} ALTER COLUMN ${c} TYPE timestamp USING ${c} AT TIME ZONE '${timeZone.replace(/'/g, "''")}'`,
            ...setDefault,
          ],
          recopy: { column: m.name, pgType: 'timestamp', why: 'timestamp' },
        });
      } else if (want === 'double precision' && col.type === 'real') {
        actions.push({
          table,
          change: `${where}: real -> double precision, values re-copied from SQLite (real had rounded them to 4 bytes)`,
          // Through text, so a value float4 kept exactly (0.1) becomes the same double SQLite had.
          sql: [`ALTER TABLE ${name} ALTER COLUMN ${c} TYPE double precision USING ${c}::text::double precision`],
          recopy: { column: m.name, pgType: 'double precision', why: 'real' },
        });
      } else if (want.startsWith('character varying(') && (col.type === 'text' || col.type.startsWith('character varying'))) {
        const n = Number(/\((\d+)\)/.exec(want)?.[1]);
        actions.push({
          table,
          change: `${where}: ${col.type} -> varchar(${n})`,
          sql: [`ALTER TABLE ${name} ALTER COLUMN ${c} TYPE varchar(${n})`],
          guard: {
            sql: `SELECT count(*)::int AS n FROM ${name} WHERE char_length(${c}) > ${n}`,
            soft: true,
            problem: (k) =>
              `${where} keeps type ${col.type}: ${k} value(s) are longer than the ${n} characters SQLite declares (VARCHAR(${n}))`,
          },
        });
      } else if (want === 'boolean' && (integers.has(col.type) || col.type === 'numeric')) {
        actions.push({
          table,
          change: `${where}: ${col.type} -> boolean`,
          sql: [...redefault, `ALTER TABLE ${name} ALTER COLUMN ${c} TYPE boolean USING ${c} <> 0`, ...setDefault],
          guard: {
            sql: `SELECT count(*)::int AS n FROM ${name} WHERE ${c} NOT IN (0, 1)`,
            soft: false,
            problem: (k) => `${where} cannot become boolean: ${k} value(s) are neither 0 nor 1`,
          },
        });
      } else {
        warn(`${where} is ${col.type} in PostgreSQL where create mode makes ${m.pgType}; left as it is`);
      }
    }
    const mustBeNotNull = src.notNull || t.source.primaryKey.includes(src.name);
    if (mustBeNotNull && !col.notNull) {
      actions.push({
        table,
        change: `${where}: NOT NULL`,
        sql: [`ALTER TABLE ${name} ALTER COLUMN ${c} SET NOT NULL`],
        guard: {
          sql: `SELECT count(*)::int AS n FROM ${name} WHERE ${c} IS NULL`,
          soft: false,
          problem: (k) => `${where} is NOT NULL in SQLite but holds ${k} NULL value(s) in PostgreSQL`,
        },
      });
    }
    if (m.identity && !col.identity) actions.push(identityAction(name, table, m.name, col, t.identity?.highWater ?? 0));
  }
  return actions;
}

function identityAction(name: string, table: string, column: string, col: TargetColumn, highWater: number): AlignAction {
  const c = q(column);
  const advance = `SELECT setval(pg_get_serial_sequence('${name.replace(/'/g, "''")}', '${column.replace(/'/g, "''")}'), GREATEST(m, 1), m > 0) FROM (SELECT GREATEST(COALESCE(MAX(${c}), 0), ${highWater}) AS m FROM ${name}) x`;
  const where = `${table}.${column}`;
  if (col.default !== null && /^nextval\(/i.test(col.default)) {
    return { table, change: `${where}: its sequence continues after max(${column})`, sql: [advance] };
  }
  if (!integers.has(col.type)) {
    return {
      table,
      change: '',
      sql: [],
      guard: {
        sql: 'SELECT 1 AS n',
        soft: false,
        problem: () => `${where} is ${col.type} in PostgreSQL; an identity key needs an integer column`,
      },
    };
  }
  return {
    table,
    change: `${where}: GENERATED BY DEFAULT AS IDENTITY, continuing after max(${column})`,
    sql: [
      ...(col.default !== null ? [`ALTER TABLE ${name} ALTER COLUMN ${c} DROP DEFAULT`] : []),
      `ALTER TABLE ${name} ALTER COLUMN ${c} SET NOT NULL`,
      `ALTER TABLE ${name} ALTER COLUMN ${c} ADD GENERATED BY DEFAULT AS IDENTITY`,
      advance,
    ],
  };
}
