import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new SQLite file built by `sql`, returned as its path. */
export function sqliteFile(sql: string, fill?: (db: Database.Database) => void): string {
  const path = join(mkdtempSync(join(tmpdir(), 'runbook-sqlite-')), 'source.db');
  const db = new Database(path);
  db.exec(sql);
  fill?.(db);
  db.close();
  return path;
}

/** A catalogue holding each trap that breaks a naive SQLite → PostgreSQL load. */
export const trapSchema = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  "User Name" VARCHAR(64) NOT NULL UNIQUE,
  is_admin BOOLEAN NOT NULL DEFAULT 0,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  birthday DATE,
  score REAL,
  balance NUMERIC(10,2),
  prefs JSON,
  avatar BLOB,
  big INTEGER,
  "order" TEXT DEFAULT "none",
  "MixedCase" TEXT,
  email TEXT COLLATE NOCASE
);
CREATE TABLE tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT,
  CONSTRAINT uq_tags_user_key UNIQUE (user_id, key),
  CONSTRAINT ck_key CHECK (length(key) > 0)
);
CREATE TABLE pair (a INT NOT NULL, b TEXT NOT NULL, note TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE calc (id INTEGER PRIMARY KEY, a INT, doubled INT GENERATED ALWAYS AS (a * 2) STORED);
CREATE INDEX ix_tags_value ON tags (value) WHERE value IS NOT NULL;
CREATE INDEX ix_users_lower_name ON users (lower("User Name"));
CREATE INDEX ix_users_email ON users (email);
CREATE VIRTUAL TABLE docs_fts USING fts5(title, body);
CREATE VIEW admins AS SELECT * FROM users WHERE is_admin = 1;
CREATE TRIGGER tags_touch AFTER INSERT ON tags BEGIN SELECT 1; END;
`;

/** Rows for trapSchema: ids above 2^53, micro-second datetimes, 'T' separators, NUL-free odd text. */
export function fillTraps(db: Database.Database): void {
  const u = db.prepare(
    `INSERT INTO users (id, "User Name", is_admin, created_at, birthday, score, balance, prefs, avatar, big, "MixedCase", email) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  u.run(
    1,
    'alice',
    1,
    '2024-03-05 10:11:12.123456',
    '1990-02-28',
    0.1,
    12.5,
    '{"a":[1,2],"b":null}',
    Buffer.from([0, 1, 2, 255]),
    2n ** 40n,
    'Tab\there',
    'Alice@Example.com',
  );
  u.run(2, 'bob', 0, '2024-03-05T23:59:59', null, 3.141592653589793, 0, '[]', null, 9007199254740993n, 'line\nbreak \\ back', null);
  u.run(
    3,
    'carol ☃ ｷ',
    'true',
    '2024-02-29 00:00:00.5',
    '2000-01-01',
    1e-300,
    null,
    null,
    Buffer.alloc(0),
    -9223372036854775808n,
    'genuine \uFFFD char',
    'c@x',
  );
  u.run(7, 'dave', 'f', '2023-12-31', null, -2.5, 99999999.99, '"str"', null, null, null, null);
  const t = db.prepare('INSERT INTO tags (user_id, key, value) VALUES (?,?,?)');
  for (let i = 0; i < 50; i++) t.run(1 + (i % 3), `k${i}`, i % 5 === 0 ? null : `v${i}`);
  db.exec(`DELETE FROM tags WHERE id > 48`); // AUTOINCREMENT remembers 50
  db.exec(`INSERT INTO pair VALUES (1, 'x', 'one'), (1, 'y', NULL), (2, 'x', 'two')`);
  db.exec(`INSERT INTO calc (id, a) VALUES (1, 21), (2, NULL)`);
  db.exec(`INSERT INTO docs_fts (title, body) VALUES ('hello', 'world')`);
}
