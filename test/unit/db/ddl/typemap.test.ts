import { describe, expect, it } from 'vitest';
import { translateDefault } from '../../../../src/db/ddl/defaults.js';
import { fitName, NameBook } from '../../../../src/db/ddl/names.js';
import type { SqliteColumn, SqliteTable } from '../../../../src/db/introspect/sqlite-schema.js';
import { affinity, mapColumn, type CastRule } from '../../../../src/db/ddl/typemap.js';

const column = (declaredType: string, name = 'c'): SqliteColumn => ({
  name,
  declaredType,
  notNull: false,
  defaultSql: null,
  generated: null,
  generatedExpr: null,
  collate: null,
});
const table = (cols: SqliteColumn[], more: Partial<SqliteTable> = {}): SqliteTable => ({
  name: 't',
  columns: cols,
  primaryKey: [],
  primaryKeyName: null,
  rowidAlias: null,
  autoincrement: false,
  withoutRowid: false,
  checks: [],
  foreignKeys: [],
  indexes: [],
  sql: '',
  ...more,
});
const map = (declared: string, cast: CastRule[] = []) => {
  const c = column(declared);
  const m = mapColumn(table([c]), c, { jsonType: 'json', cast });
  return m.warning ? `${m.pgType} (${m.warning})` : m.pgType;
};

describe('type mapping', () => {
  it("follows SQLite's affinity rules", () => {
    expect(['INT', 'TINYINT', 'CHARINT', 'VARCHAR', 'CLOB', 'BLOB', '', 'REAL', 'FLOATING POINT', 'DECIMAL(5)'].map(affinity)).toEqual([
      'INTEGER',
      'INTEGER',
      'INTEGER',
      'TEXT',
      'TEXT',
      'BLOB',
      'BLOB',
      'REAL',
      'INTEGER',
      'NUMERIC',
    ]);
  });

  it('maps declared names the way ORMs write them', () => {
    expect(
      [
        'BOOLEAN',
        'DATETIME',
        'TIMESTAMP',
        'DATE',
        'JSON',
        'BLOB',
        'INTEGER',
        'BIGINT',
        'FLOAT',
        'DOUBLE',
        'REAL',
        'NUMERIC(10, 2)',
        'VARCHAR(64)',
        'CHAR(32)',
        'TEXT',
        'VARCHAR',
      ].map((t) => map(t)),
    ).toEqual([
      'boolean',
      'timestamp',
      'timestamp',
      'date',
      'json',
      'bytea',
      'bigint',
      'bigint',
      'double precision',
      'double precision',
      'double precision',
      'numeric(10,2)',
      'varchar(64)',
      'varchar(32)',
      'text',
      'text',
    ]);
  });

  it('warns about names it does not know and columns without a type', () => {
    expect(map('MONEYBAGS')).toBe(
      'text (declared type "MONEYBAGS" is not one PostgreSQL knows; it becomes text (add a cast rule to choose another))',
    );
    expect(map('')).toBe('text (column has no declared type; it becomes text (add a cast rule to choose another))');
  });

  it('lets cast rules override by column first, then by declared type', () => {
    expect(map('DATETIME', [{ type: 'datetime', to: 'timestamptz' }])).toBe('timestamptz');
    expect(
      map('DATETIME', [
        { type: 'DATETIME', to: 'timestamptz' },
        { column: 't.c', to: 'text' },
      ]),
    ).toBe('text');
  });

  it('makes an INTEGER primary key an identity unless it is also a foreign key', () => {
    const id = column('INTEGER', 'id');
    expect(mapColumn(table([id], { rowidAlias: 'id' }), id, { jsonType: 'json', cast: [] }).identity).toBe(true);
    const fk = { name: null, columns: ['id'], refTable: 'users', refColumns: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' };
    expect(mapColumn(table([id], { rowidAlias: 'id', foreignKeys: [fk] }), id, { jsonType: 'json', cast: [] }).identity).toBe(false);
  });
});

describe('defaults', () => {
  const m = (pgType: string, codec: 'bool' | 'timestamp' | 'text' | 'int') => ({
    name: 'c',
    pgType,
    codec,
    maxLength: null,
    epoch: null,
    identity: false,
    warning: null,
  });
  it('translates SQLite defaults, keeping CURRENT_TIMESTAMP in UTC', () => {
    expect(translateDefault('0', m('boolean', 'bool'))).toEqual({ sql: 'false', certain: true });
    expect(translateDefault("'1'", m('boolean', 'bool'))).toEqual({ sql: 'true', certain: true });
    expect(translateDefault('CURRENT_TIMESTAMP', m('timestamp', 'timestamp'))).toEqual({
      sql: "(now() AT TIME ZONE 'utc')",
      certain: true,
    });
    expect(translateDefault('"none"', m('text', 'text'))).toEqual({ sql: "'none'", certain: true });
    expect(translateDefault("'it''s'", m('text', 'text'))).toEqual({ sql: "'it''s'", certain: true });
    expect(translateDefault('(-5)', m('bigint', 'int'))).toEqual({ sql: '-5', certain: true });
    expect(translateDefault('NULL', m('text', 'text'))).toBeNull();
    expect(translateDefault("(strftime('%s','now'))", m('bigint', 'int'))).toEqual({ sql: "((strftime('%s','now')))", certain: false });
  });
});

describe('names', () => {
  it('fits long names into 63 bytes deterministically and never hands out one name twice', () => {
    const long = `${'x'.repeat(70)}_idx`;
    expect(fitName(long)).toHaveLength(63);
    // The same name every run: a hash of the whole name, not a counter or a random suffix.
    expect(fitName(long)).toBe(`${'x'.repeat(54)}_02dd075c`);
    expect(fitName(`${long}2`)).not.toBe(fitName(long));
    const book = new NameBook();
    book.reserve(['users']);
    expect([book.take('users'), book.take('users_pkey'), book.take('users_pkey')]).toEqual(['users_1', 'users_pkey', 'users_pkey_1']);
  });
});
