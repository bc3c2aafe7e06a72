import Database from 'better-sqlite3';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue, type CatalogueSummary } from '../../../src/demo/catalogue.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-catalogue-'));
type Value = string | number | bigint | Buffer | null;

function open(path: string): Database.Database {
  const db = new Database(path, { readonly: true });
  db.defaultSafeIntegers(false);
  return db;
}

function columns(db: Database.Database, table: string): { name: string; type: string; notnull: number; pk: number }[] {
  return db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
}

function dump(path: string): Record<string, unknown[]> {
  const db = open(path);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const result = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().all()]));
  db.close();
  return result;
}

describe('createCatalogue', () => {
  const path = join(dir, 'catalogue.db');
  let summary: CatalogueSummary;
  let db: Database.Database;
  beforeAll(() => {
    summary = createCatalogue(path, { adminPassword: 'секрет-и-latin' });
    db = open(path);
  });

  it('creates the 23 Agregator tables and reports the rows it wrote', () => {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    expect(tables).toHaveLength(23);
    expect(Object.keys(summary.tables).sort()).toEqual(tables);
    for (const table of tables) {
      expect(db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get(), table).toBe(summary.tables[table]);
      expect(summary.tables[table], table).toBeGreaterThan(0);
    }
    expect(summary.tables['files']).toBe(600);
    expect(summary.tables['tags']).toBeGreaterThan(2500);
    expect(Object.values(summary.tables).reduce((a, b) => a + b, 0)).toBeGreaterThan(5000);
  });

  it('declares columns the way SQLAlchemy does on SQLite', () => {
    expect(columns(db, 'users').map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ' PK' : ''}`)).toEqual([
      'id INTEGER NOT NULL PK',
      'username VARCHAR(64) NOT NULL',
      'password_hash VARCHAR(255) NOT NULL',
      'role VARCHAR(32) NOT NULL',
      'full_name VARCHAR',
      'is_active BOOLEAN NOT NULL',
      'created_at DATETIME',
      'updated_at DATETIME',
    ]);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'users'").pluck().get() as string;
    expect(sql).toContain('PRIMARY KEY (id)');
    expect(sql).not.toMatch(/AUTOINCREMENT/i);
    const types = new Set<string>();
    for (const table of Object.keys(summary.tables)) for (const c of columns(db, table)) types.add(c.type.replace(/\(\d+\)/, '(n)'));
    expect([...types].sort()).toEqual(['BLOB', 'BOOLEAN', 'DATETIME', 'FLOAT', 'INTEGER', 'JSON', 'TEXT', 'VARCHAR', 'VARCHAR(n)']);
  });

  it('has a table whose primary key is also a foreign key, and composite unique constraints', () => {
    expect(
      columns(db, 'rag_chunk_embeddings')
        .filter((c) => c.pk)
        .map((c) => c.name),
    ).toEqual(['chunk_id']);
    expect(db.prepare('PRAGMA foreign_key_list(rag_chunk_embeddings)').all()).toMatchObject([
      { from: 'chunk_id', table: 'rag_document_chunks', to: 'id', on_delete: 'CASCADE' },
    ]);
    expect(db.prepare('PRAGMA foreign_key_list(collections)').all()).toMatchObject([
      { from: 'owner_id', table: 'users', on_delete: 'SET NULL' },
    ]);
    const uniqueColumns = (table: string) =>
      (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number }[])
        .filter((i) => i.unique)
        .map((i) => (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name).join(','));
    expect(uniqueColumns('collection_members')).toContain('collection_id,user_id');
    expect(uniqueColumns('ai_search_snippet_cache')).toContain('file_id,query_hash,llm_variant');
    const tagIndexes = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tags' AND sql IS NOT NULL")
      .pluck()
      .all();
    expect(tagIndexes).toContain('CREATE INDEX ix_tags_key_value ON tags ("key", value)');
  });

  it('stores every value as SQLAlchemy would for its declared type', () => {
    const checks: Record<string, (v: Value) => boolean> = {
      DATETIME: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/.test(v),
      BOOLEAN: (v) => v === 0 || v === 1,
      JSON: (v) => typeof v === 'string' && JSON.parse(v) !== undefined,
      BLOB: (v) => Buffer.isBuffer(v),
      FLOAT: (v) => typeof v === 'number',
      INTEGER: (v) => Number.isInteger(v),
      TEXT: (v) => typeof v === 'string',
    };
    for (const table of Object.keys(summary.tables)) {
      for (const column of columns(db, table)) {
        const check = checks[column.type] ?? ((v: Value) => typeof v === 'string');
        const values = db.prepare(`SELECT "${column.name}" FROM "${table}" WHERE "${column.name}" IS NOT NULL`).pluck().all() as Value[];
        const bad = values.find((v) => !check(v));
        expect(bad, `${table}.${column.name} ${column.type}`).toBeUndefined();
      }
    }
    const fractional = db.prepare('SELECT count(*) FROM files WHERE mtime <> CAST(mtime AS INTEGER)').pluck().get();
    expect(fractional).toBeGreaterThan(0);
  });

  it('holds the traps a migration must survive: sizes above 2^31, id gaps, NULL foreign keys, escaped JSON', () => {
    expect(db.prepare('SELECT count(*) FROM files WHERE size > 2147483647').pluck().get()).toBeGreaterThan(0);
    const ids = db.prepare('SELECT max(id) AS max, count(*) AS n FROM files').get() as { max: number; n: number };
    expect(ids.max).toBeGreaterThan(ids.n);
    expect(db.prepare('SELECT count(*) FROM changelog WHERE file_id IS NULL').pluck().get()).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(*) FROM task_records WHERE finished_at IS NULL').pluck().get()).toBeGreaterThan(0);
    expect(db.prepare('SELECT payload FROM task_records LIMIT 1').pluck().get()).toMatch(/\\u04/);
    const vector = db.prepare('SELECT dim, vector FROM rag_chunk_embeddings LIMIT 1').get() as { dim: number; vector: Buffer };
    expect(vector.vector.length).toBe(vector.dim * 4);
  });

  it('is written in Russian: titles, authors, tag values, chunks', () => {
    const cyrillic = /[А-Яа-яЁё]/;
    for (const sql of [
      'SELECT title FROM files',
      'SELECT author FROM files',
      "SELECT value FROM tags WHERE key = 'region'",
      'SELECT content FROM rag_document_chunks',
    ]) {
      const values = db.prepare(sql).pluck().all() as string[];
      expect(
        values.every((v) => cyrillic.test(v)),
        sql,
      ).toBe(true);
    }
    for (const word of ['миграц', 'отчёт', 'геология']) {
      const n = db
        .prepare('SELECT count(*) FROM files WHERE title LIKE ? OR keywords LIKE ? OR text_excerpt LIKE ?')
        .pluck()
        .get(...Array(3).fill(`%${word}%`));
      expect(n, word).toBeGreaterThan(10);
    }
    const usernames = db.prepare('SELECT username FROM users').pluck().all() as string[];
    expect(usernames.every((u) => /^[a-z]+$/.test(u))).toBe(true);
  });

  it('gives admin a Werkzeug pbkdf2 hash of the chosen password', () => {
    const hash = db.prepare("SELECT password_hash FROM users WHERE username = 'admin' AND role = 'admin'").pluck().get() as string;
    const [method, salt, digest] = hash.split('$');
    expect(method).toBe('pbkdf2:sha256:20000');
    expect(pbkdf2Sync('секрет-и-latin', salt ?? '', 20000, 32, 'sha256').toString('hex')).toBe(digest);
  });

  it('passes integrity_check and has no foreign-key orphans', () => {
    expect(db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  });
});

describe('createCatalogue with a seed', () => {
  it('writes the same rows for the same seed and other rows for another, replacing an existing file and creating a missing folder', () => {
    const a = join(dir, 'a.db');
    const b = join(dir, 'b.db');
    const c = join(dir, 'new-folder', 'c.db');
    createCatalogue(a, { seed: 7, files: 120 });
    createCatalogue(a, { seed: 7, files: 120 });
    createCatalogue(b, { seed: 7, files: 120 });
    const summary = createCatalogue(c, { seed: 8, files: 120 });
    expect(summary.tables['files']).toBe(120);
    expect(dump(a)).toEqual(dump(b));
    expect(dump(c)['files']).not.toEqual(dump(a)['files']);
  });
});
