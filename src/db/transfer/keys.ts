/**
 * Keys SQLite accepts and PostgreSQL would refuse, found before anything is created: SQLite's
 * UNIQUE and PRIMARY KEY tell 1, '1' and x'31' apart (PostgreSQL sees one value once the column
 * has its type), and SQLite allows NULL in a PRIMARY KEY that is not the rowid.
 */
import type Database from 'better-sqlite3';
import { quoteIdent as q } from '../connections.js';
import { encoderFor } from './encode.js';
import type { SqliteTable } from '../introspect/sqlite-schema.js';
import { mapColumn, type TypeMapOptions } from '../ddl/typemap.js';

/** A row a key of PostgreSQL would refuse. */
export interface KeyClash {
  readonly table: string;
  readonly rowid: string;
  /** "primary key (code)" or "unique index tags_key (file_id, key)". */
  readonly key: string;
  readonly columns: readonly string[];
  /** Null: a NULL in the primary key; else the rowid of the earlier row with the same key. */
  readonly sameAs: string | null;
}

// Storage class each codec's values have when nothing can make two of them one PostgreSQL value.
const onlyClass: Partial<Record<string, string>> = {
  int: 'integer',
  bool: 'integer',
  text: 'text',
  passthrough: 'text',
  bytea: 'blob',
  json: 'text',
  uuid: 'text',
};

interface Key {
  readonly name: string;
  readonly columns: readonly string[];
  readonly primary: boolean;
  /** Per column, COLLATE NOCASE: PostgreSQL's index is on lower(), which folds more than SQLite's ASCII. */
  readonly caseless: readonly boolean[];
}

function keysOf(table: SqliteTable): Key[] {
  const keys: Key[] = [];
  if (table.primaryKey.length > 0 && table.rowidAlias === null)
    keys.push({
      name: `primary key (${table.primaryKey.join(', ')})`,
      columns: table.primaryKey,
      primary: true,
      caseless: table.primaryKey.map(() => false),
    });
  for (const ix of table.indexes) {
    if (
      !ix.unique ||
      ix.origin === 'pk' ||
      ix.where !== null ||
      ix.parts.some((p) => p.column === null || (p.collate !== null && p.collate !== 'NOCASE'))
    )
      continue;
    const what = ix.origin === 'u' ? `unique constraint${ix.constraintName ? ` ${ix.constraintName}` : ''}` : `unique index ${ix.name}`;
    keys.push({
      name: `${what} (${ix.parts.map((p) => p.column).join(', ')})`,
      columns: ix.parts.map((p) => p.column as string),
      primary: false,
      caseless: ix.parts.map((p) => p.collate === 'NOCASE'),
    });
  }
  return keys;
}

/**
 * Rows of rowid tables that a key would refuse in PostgreSQL. SQL rules out most keys cheaply
 * (every value of one storage class, no NULL in a primary key); the rest are read and each key
 * written as COPY would write it, so equal fields are equal values.
 */
export function findKeyClashes(db: Database.Database, tables: readonly SqliteTable[], options: TypeMapOptions): KeyClash[] {
  const out: KeyClash[] = [];
  for (const table of tables.filter((t) => !t.withoutRowid)) {
    const from = q(table.name);
    for (const key of keysOf(table)) {
      const cols = key.columns.map((c) => table.columns.find((x) => x.name === c)).filter((c) => c !== undefined);
      if (cols.length !== key.columns.length) continue;
      if (key.primary) {
        const nulls = db
          .prepare(`SELECT rowid FROM ${from} WHERE ${cols.map((c) => `${q(c.name)} IS NULL`).join(' OR ')} ORDER BY rowid`)
          .pluck()
          .safeIntegers(true)
          .all() as bigint[];
        for (const r of nulls) out.push({ table: table.name, rowid: String(r), key: key.name, columns: key.columns, sameAs: null });
      }
      const maps = cols.map((c) => mapColumn(table, c, options));
      const mixed = maps.some((m, i) => {
        const only = onlyClass[m.codec];
        const c = q(m.name);
        // Under NOCASE only letters beyond ASCII can fold together in PostgreSQL and not in SQLite.
        const beyondAscii = key.caseless[i] ? ` OR typeof(${c}) = 'text' AND length(${c}) <> length(CAST(${c} AS BLOB))` : '';
        return (
          only === undefined ||
          db.prepare(`SELECT 1 FROM ${from} WHERE typeof(${c}) NOT IN ('null', '${only}')${beyondAscii} LIMIT 1`).get() !== undefined
        );
      });
      if (!mixed) continue;
      const encoders = maps.map((m) => encoderFor(m));
      const seen = new Map<string, string>();
      const rows = db
        .prepare(`SELECT rowid, ${maps.map((m) => q(m.name)).join(', ')} FROM ${from} ORDER BY rowid`)
        .raw(true)
        .safeIntegers(true);
      for (const row of rows.iterate() as IterableIterator<unknown[]>) {
        const fields = encoders
          .map((e, i) => (row[i + 1] === null ? null : e(row[i + 1])))
          .map((f, i) => (key.caseless[i] && f ? f.toLowerCase() : f));
        // NULLs never clash in a UNIQUE; a refused value is rejected on its own.
        if (fields.some((f) => f === null || f === undefined)) continue;
        const k = fields.join('\t');
        const first = seen.get(k);
        if (first === undefined) seen.set(k, String(row[0]));
        else out.push({ table: table.name, rowid: String(row[0]), key: key.name, columns: key.columns, sameAs: first });
      }
    }
  }
  return out;
}

/** One clash in words: which row, which key, and why. */
export function describeClash(c: KeyClash): string {
  return c.sameAs === null
    ? `table "${c.table}", rowid ${c.rowid}, column${c.columns.length > 1 ? 's' : ''} ${c.columns.map((x) => `"${x}"`).join(', ')}: NULL in the ${c.key}, which PostgreSQL does not allow`
    : `table "${c.table}", rowid ${c.rowid}, column${c.columns.length > 1 ? 's' : ''} ${c.columns.map((x) => `"${x}"`).join(', ')}: the same ${c.key} as rowid ${c.sameAs} once PostgreSQL reads the values (SQLite tells 1, '1' and x'31' apart)`;
}
