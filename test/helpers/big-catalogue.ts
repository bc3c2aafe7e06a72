import Database from 'better-sqlite3';

/**
 * Writes a SQLite catalogue with two big tables, `files` (`rows` rows) and `tags` (half as many),
 * so a transfer copies both side by side for long enough to be caught in the middle of it.
 */
export function writeBigCatalogue(path: string, rows = 300_000): void {
  const db = new Database(path);
  try {
    db.exec(`
      CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL, body TEXT);
      CREATE TABLE tags (id INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
      INSERT INTO files SELECT i, '/docs/' || i || '.pdf', printf('%.200c', 'x') FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.floor(rows / 2)})
      INSERT INTO tags SELECT i, 'author', printf('%.100c', 'y') FROM n;`);
  } finally {
    db.close();
  }
}
