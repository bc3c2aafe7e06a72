import type pg from 'pg';

/** A column of a PostgreSQL table as the catalogue describes it. */
export interface TargetColumn {
  readonly name: string;
  /** format_type(): `bigint`, `timestamp with time zone`, `character varying(64)`. */
  readonly type: string;
  readonly notNull: boolean;
  /** The DEFAULT expression, or null. */
  readonly default: string | null;
  readonly identity: boolean;
}

/** A primary key, unique or foreign key constraint. */
export interface TargetConstraint {
  readonly name: string;
  readonly kind: 'p' | 'u' | 'f';
  readonly columns: readonly string[];
  /** For foreign keys: the parent table and its columns, and the ON DELETE / ON UPDATE actions. */
  readonly refTable: string | null;
  readonly refColumns: readonly string[];
  readonly onDelete: string;
  readonly onUpdate: string;
}

/** An index; `columns` is empty when a term is an expression. */
export interface TargetIndex {
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly string[];
  readonly plain: boolean;
  /** The constraint this index backs, if any. */
  readonly constraint: string | null;
}

/** A table of the target schema. */
export interface TargetTable {
  readonly name: string;
  readonly columns: readonly TargetColumn[];
  readonly constraints: readonly TargetConstraint[];
  readonly indexes: readonly TargetIndex[];
}

const actions: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Reads every table of a PostgreSQL schema with its columns, keys and indexes. Read-only. */
export async function readTarget(client: pg.Client, schema: string): Promise<Map<string, TargetTable>> {
  const cols = await client.query(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity <> '' AS identity
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const cons = await client.query(
    `SELECT c.relname AS table, k.conname AS name, k.contype AS kind,
            ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS columns,
            p.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS ref_columns,
            k.confdeltype AS on_delete, k.confupdtype AS on_update
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class p ON p.oid = k.confrelid
      WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'f')`,
    [schema],
  );
  const idx = await client.query(
    `SELECT c.relname AS table, i.relname AS name, x.indisunique AS unique, x.indexprs IS NULL AND x.indpred IS NULL AS plain,
            ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, k) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.k)::text[] AS columns,
            k.conname AS constraint
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')
      WHERE n.nspname = $1`,
    [schema],
  );
  const tables = new Map<string, { name: string; columns: TargetColumn[]; constraints: TargetConstraint[]; indexes: TargetIndex[] }>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { name, columns: [], constraints: [], indexes: [] }));
    return t;
  };
  for (const r of cols.rows as {
    table: string;
    name: string;
    type: string;
    not_null: boolean;
    default: string | null;
    identity: boolean;
  }[]) {
    table(r.table).columns.push({ name: r.name, type: r.type, notNull: r.not_null, default: r.default, identity: r.identity });
  }
  for (const r of cons.rows as {
    table: string;
    name: string;
    kind: 'p' | 'u' | 'f';
    columns: string[];
    ref_table: string | null;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }[]) {
    table(r.table).constraints.push({
      name: r.name,
      kind: r.kind,
      columns: r.columns,
      refTable: r.ref_table,
      refColumns: r.ref_columns,
      onDelete: actions[r.on_delete] ?? 'NO ACTION',
      onUpdate: actions[r.on_update] ?? 'NO ACTION',
    });
  }
  for (const r of idx.rows as {
    table: string;
    name: string;
    unique: boolean;
    plain: boolean;
    columns: string[];
    constraint: string | null;
  }[]) {
    // An expression term has attnum 0 and so drops out of the column list.
    table(r.table).indexes.push({
      name: r.name,
      unique: r.unique,
      plain: r.plain,
      columns: r.plain ? r.columns : [],
      constraint: r.constraint,
    });
  }
  return tables;
}
