import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { buildSchemaDdl, type SchemaDdl } from '../ddl/schema-ddl.js';
import { introspectSqlite, type SqliteSchema, type SqliteTable } from '../introspect/sqlite-schema.js';
import { TransferFailure } from './failure.js';
import type { TypeMapOptions } from '../ddl/typemap.js';
import { quoteIdent } from '../connections.js';
import { findKeyClashes, type KeyClash } from './keys.js';
import { retypeColumns, withRetypes, type Retyped } from './retype.js';
import { EMPTY_BY_DESIGN } from '../empty-by-design.js';
import { planEmptyTables, type EmptyTable, type VirtualTablesPolicy } from '../ddl/virtual-tables.js';
import type { BadValuePolicy } from '../policies.js';

/** Something in the SQLite file that is not copied, with what to do instead. */
export interface SkippedObject {
  readonly name: string;
  readonly what: 'virtual table' | 'shadow table' | 'view' | 'trigger';
  readonly note: string;
}

/** What a transfer will do, read from the SQLite file alone. */
export interface TransferPlan {
  readonly sqlite: SqliteSchema;
  readonly tables: readonly SqliteTable[];
  readonly ddl: SchemaDdl;
  /** Virtual tables made as empty plain tables (virtual_tables: empty). */
  readonly emptyTables: readonly EmptyTable[];
  readonly skipped: readonly SkippedObject[];
  /** Columns given another type than their declaration because of their values. */
  readonly retyped: readonly Retyped[];
  /** Rows a PostgreSQL key would refuse (NULLs left out when their key became UNIQUE). */
  readonly keyClashes: readonly KeyClash[];
  /** Hash of the DDL, so a resumed run knows it continues the same transfer. */
  readonly fingerprint: string;
}

const instead: Record<string, string> = {
  fts5: 'a full-text index: in PostgreSQL use a tsvector column with a GIN index (to_tsvector / websearch_to_tsquery), or pg_trgm for LIKE searches, filled from the content table',
  fts4: 'a full-text index: in PostgreSQL use a tsvector column with a GIN index, filled from the content table',
  fts3: 'a full-text index: in PostgreSQL use a tsvector column with a GIN index, filled from the content table',
  rtree: 'a spatial index: in PostgreSQL use a GiST index (PostGIS or range/box types)',
};

function pick<T extends { readonly name: string }>(
  all: readonly T[],
  include: readonly string[] | undefined,
  exclude: readonly string[],
  alsoKnown: readonly string[] = [],
): T[] {
  const names = [...all.map((t) => t.name), ...alsoKnown];
  for (const n of [...(include ?? []), ...exclude]) {
    if (!names.some((x) => x.toLowerCase() === n.toLowerCase())) {
      throw new TransferFailure(
        `table "${n}" named in tables/exclude is not in the SQLite file.`,
        `Tables there: ${names.join(', ') || '(none)'}.`,
      );
    }
  }
  const has = (list: readonly string[], t: T) => list.some((x) => x.toLowerCase() === t.name.toLowerCase());
  return all.filter((t) => (include === undefined || has(include, t)) && !has(exclude, t));
}

/** Reads the SQLite schema and builds the PostgreSQL DDL and the list of what is not copied. Read-only. */
export function planTransfer(
  db: Database.Database,
  options: TypeMapOptions & {
    readonly schema: string;
    readonly tables?: readonly string[];
    readonly exclude?: readonly string[];
    readonly virtualTables?: VirtualTablesPolicy;
    readonly onBadValue?: BadValuePolicy;
  },
): TransferPlan {
  const sqlite = introspectSqlite(db);
  const empty = options.virtualTables === 'empty';
  // With empty stand-ins, tables/exclude may name virtual tables too; without, naming one stays an error.
  const virtualNames = empty ? sqlite.virtualTables.map((v) => v.name) : [];
  const tables = pick(sqlite.tables, options.tables, options.exclude ?? [], virtualNames);
  const retyped = retypeColumns(db, tables, options, options.onBadValue === 'widen');
  const typeOptions = { ...options, cast: withRetypes(options.cast, retyped) };
  const keyClashes = findKeyClashes(db, tables, typeOptions);
  // Under fail a NULL in a primary key keeps its row: the key becomes UNIQUE. Otherwise the row is rejected.
  const nullableKeys = new Map<string, Set<string>>();
  if ((options.onBadValue ?? 'fail') === 'fail') {
    for (const c of keyClashes.filter((k) => k.sameAs === null)) {
      const table = tables.find((t) => t.name === c.table);
      const cols = nullableKeys.get(c.table) ?? new Set<string>();
      for (const col of c.columns)
        if (
          db.prepare(`SELECT 1 FROM ${quoteIdent(c.table)} WHERE rowid = ? AND ${quoteIdent(col)} IS NULL`).get(BigInt(c.rowid)) !==
          undefined
        )
          cols.add(col);
      if (table) nullableKeys.set(c.table, cols);
    }
  }
  const built = buildSchemaDdl(options.schema, sqlite, tables, { ...typeOptions, nullableKeys });
  const ddl = {
    ...built,
    warnings: [...built.warnings, ...retyped.map((r) => `${r.table}.${r.column} becomes ${r.to} instead of ${r.from}: it ${r.reason}`)],
  };
  const wanted = empty
    ? pick(
        sqlite.virtualTables,
        options.tables,
        options.exclude ?? [],
        sqlite.tables.map((t) => t.name),
      )
    : [];
  const { made, unreadable } = planEmptyTables(db, options.schema, { ...sqlite, virtualTables: wanted }, options);
  const skipped: SkippedObject[] = [
    ...sqlite.virtualTables
      .filter((v) => !made.some((m) => m.name === v.name))
      .map((v) => ({
        name: v.name,
        what: 'virtual table' as const,
        note: `${v.module} virtual table, not copied as data; it is ${instead[v.module] ?? `a ${v.module} module PostgreSQL does not have`}${
          unreadable.find((u) => u.name === v.name)
            ? `; not ${EMPTY_BY_DESIGN} either: ${unreadable.find((u) => u.name === v.name)?.problem ?? ''}`
            : ''
        }`,
      })),
    ...sqlite.shadowTables.map((s) => ({
      name: s.name,
      what: 'shadow table' as const,
      note: `internal storage of ${s.owner ?? 'a virtual table'}, not copied`,
    })),
    ...sqlite.views.map((v) => ({
      name: v.name,
      what: 'view' as const,
      note: `not created: rewrite it for PostgreSQL in a migration (${v.sql.replace(/\s+/g, ' ')})`,
    })),
    ...sqlite.triggers.map((t) => ({
      name: t.name,
      what: 'trigger' as const,
      note: `on "${t.table}", not created: PostgreSQL triggers call a function (CREATE FUNCTION ... CREATE TRIGGER); port it by hand`,
    })),
  ];
  const fingerprint = createHash('sha256')
    // Empty stand-ins join the fingerprint only when there are some, so runs without them resume as before.
    .update(
      JSON.stringify([
        ...ddl.tables.map((t) => [t.create, t.createPlain, t.statements.map((s) => s.sql)]),
        ...(made.length > 0 ? [made.map((m) => m.sql)] : []),
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    sqlite,
    tables,
    ddl,
    emptyTables: made,
    skipped,
    retyped,
    keyClashes: keyClashes.filter((k) => k.sameAs !== null || !nullableKeys.has(k.table)),
    fingerprint,
  };
}
