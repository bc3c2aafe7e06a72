/**
 * Writes a catalogue-like SQLite file as SQLAlchemy would have made it: `files` and `tags`
 * (5 tags per file), booleans as 0/1, datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff', JSON as text.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

const ddl = `
CREATE TABLE files (
	id INTEGER NOT NULL,
	path VARCHAR NOT NULL,
	name VARCHAR(255) NOT NULL,
	size INTEGER,
	sha1 VARCHAR(40),
	is_indexed BOOLEAN NOT NULL,
	meta JSON,
	mtime DATETIME,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (path)
);
CREATE TABLE tags (
	id INTEGER NOT NULL,
	file_id INTEGER NOT NULL,
	key VARCHAR(64) NOT NULL,
	value TEXT,
	created_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(file_id) REFERENCES files (id) ON DELETE CASCADE
);
CREATE INDEX ix_tags_file_id ON tags (file_id);
CREATE INDEX ix_tags_key_value ON tags (key, value);
`;

const keys = ['author', 'year', 'title', 'language', 'keywords'];
const stamp = (i: number) =>
  new Date(Date.UTC(2020, 0, 1) + i * 7919)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', `${String(i % 1000).padStart(3, '0')}`);

/** Creates `path` with `files` files and 5 tags each, unless it already exists. */
export function generateCatalogue(path: string, files: number): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const db = new Database(tmp);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(ddl);
  const f = db.prepare('INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?)');
  const t = db.prepare('INSERT INTO tags (file_id, key, value, created_at) VALUES (?,?,?,?)');
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const name = `document_${i}.pdf`;
      f.run(
        i,
        `/library/shelf_${i % 997}/${name}`,
        name,
        1000 + ((i * 7919) % 50_000_000) * 97,
        (i * 2654435761).toString(16).padStart(40, '0').slice(-40),
        i % 3 === 0 ? 1 : 0,
        i % 4 === 0 ? `{"pages": ${i % 500}, "ocr": ${i % 2 === 0}}` : null,
        stamp(i),
        stamp(i + 17),
      );
      for (let k = 0; k < 5; k++)
        t.run(i, keys[k], k === 1 ? String(1950 + (i % 70)) : `${keys[k]} value ${i % 10007} — ${k}`, stamp(i + k));
    }
  });
  for (let i = 1; i <= files; i += 10_000) batch(i, Math.min(files + 1, i + 10_000));
  db.close();
  renameSync(tmp, path);
}
