import type pg from 'pg';
import { pgTableName } from '../ddl/names.js';
import type { SqliteTable } from '../introspect/sqlite-schema.js';
import { Failed } from '../../core/failure.js';
import { codecForPgType, type ColumnMapping } from '../ddl/typemap.js';

/** Tables of the target schema that already exist, by name. */
export async function existingTables(client: pg.Client, schema: string): Promise<Set<string>> {
  const r = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
  return new Set(r.rows.map((x: { table_name: string }) => x.table_name));
}

/**
 * For data-only loads: the columns of existing PostgreSQL tables (made by e.g. alembic), mapped
 * to the codecs their types need. A SQLite column with no PostgreSQL column is a failure,
 * because its values would be lost.
 */
export async function targetColumns(client: pg.Client, schema: string, table: SqliteTable): Promise<ColumnMapping[]> {
  const r = await client.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, pgTableName(table.name)],
  );
  const pgCols = r.rows as { name: string; type: string; generated: boolean }[];
  const out: ColumnMapping[] = [];
  const missing: string[] = [];
  for (const col of table.columns) {
    if (col.generated) continue;
    const t = pgCols.find((c) => c.name === col.name) ?? pgCols.find((c) => c.name.toLowerCase() === col.name.toLowerCase());
    if (!t) {
      missing.push(col.name);
      continue;
    }
    if (t.generated) continue;
    const { codec, maxLength } = codecForPgType(t.type);
    out.push({ name: t.name, pgType: t.type, codec, maxLength, epoch: null, identity: false, warning: null });
  }
  if (missing.length > 0) {
    throw new Failed(
      'data',
      `table "${schema}"."${table.name}" in PostgreSQL has no column ${missing.map((m) => `"${m}"`).join(', ')}, which SQLite has; its values would be lost.`,
      'Run the migrations that create these columns first (e.g. alembic upgrade head), or exclude the table.',
    );
  }
  return out;
}
