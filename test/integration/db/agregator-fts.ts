import pg from 'pg';
import { sqliteFile } from './trap-fixture.js';

// Everything here is copied from the Agregator app (igorryltsin-design/agregator at 2a0789e),
// as data, so the tests run the app's own statements.

/** The files and tags tables as SQLAlchemy 2 makes them on SQLite from models.py (File, Tag; columns the search service reads). */
const modelsDdl = `
CREATE TABLE files (
	id INTEGER NOT NULL,
	path VARCHAR NOT NULL,
	filename VARCHAR NOT NULL,
	title VARCHAR,
	author VARCHAR,
	keywords VARCHAR,
	abstract TEXT,
	text_excerpt TEXT,
	PRIMARY KEY (id),
	UNIQUE (path)
);
CREATE TABLE tags (
	id INTEGER NOT NULL,
	file_id INTEGER NOT NULL,
	key VARCHAR NOT NULL,
	value VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(file_id) REFERENCES files (id) ON DELETE CASCADE
);
CREATE INDEX ix_tags_file_id ON tags (file_id);
`;

/** agregator/services/search.py, SearchService.ensure_support: the FTS5 tables it creates on SQLite. */
const ensureSupportDdl = `
CREATE VIRTUAL TABLE IF NOT EXISTS files_fts USING fts5(
    file_id UNINDEXED,
    title,
    author,
    keywords,
    abstract,
    text_excerpt,
    tokenize='unicode61'
);
CREATE VIRTUAL TABLE IF NOT EXISTS tags_fts USING fts5(
    tag_id UNINDEXED,
    file_id UNINDEXED,
    key,
    value,
    tokenize='unicode61'
);
`;

/** agregator/services/search.py, SearchService._rebuild_files_fts and _rebuild_tags_fts (run at start-up on SQLite, and after a scan with prune on any database). */
export const rebuildStatements = [
  { from: 'search.py SearchService._rebuild_files_fts', sql: 'DELETE FROM files_fts', params: {} },
  {
    from: 'search.py SearchService._rebuild_files_fts',
    sql: `
            INSERT INTO files_fts(rowid, file_id, title, author, keywords, abstract, text_excerpt)
            SELECT id, id,
                   coalesce(title,''),
                   coalesce(author,''),
                   coalesce(keywords,''),
                   coalesce(abstract,''),
                   coalesce(text_excerpt,'')
            FROM files
            `,
    params: {},
  },
  { from: 'search.py SearchService._rebuild_tags_fts', sql: 'DELETE FROM tags_fts', params: {} },
  {
    from: 'search.py SearchService._rebuild_tags_fts',
    sql: `
            INSERT INTO tags_fts(rowid, tag_id, file_id, key, value)
            SELECT id, id, file_id, coalesce(key,''), coalesce(value,'')
            FROM tags
            `,
    params: {},
  },
] as const;

/** One statement of the app with the parameters it binds. */
export interface AppStatement {
  readonly from: string;
  readonly sql: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** agregator/services/search.py, SearchService.sync_file: what saving file 12 (with tag 7) runs, in one session transaction. */
export const syncFileStatements: readonly AppStatement[] = [
  { from: 'search.py SearchService.sync_file', sql: 'DELETE FROM files_fts WHERE rowid = :rid', params: { rid: 12 } },
  {
    from: 'search.py SearchService.sync_file',
    sql: `
                    INSERT INTO files_fts(rowid, file_id, title, author, keywords, abstract, text_excerpt)
                    VALUES (:rid, :rid, :title, :author, :keywords, :abstract, :text_excerpt)
                    `,
    params: { rid: 12, title: "Отчёт о 'поиске'", author: 'Иванов', keywords: '', abstract: '', text_excerpt: 'первая страница' },
  },
  { from: 'search.py SearchService.sync_file', sql: 'DELETE FROM tags_fts WHERE file_id = :file_id', params: { file_id: 12 } },
  {
    from: 'search.py SearchService.sync_file',
    sql: `
                        INSERT INTO tags_fts(rowid, tag_id, file_id, key, value)
                        VALUES (:rowid, :tag_id, :file_id, :key, :value)
                        `,
    params: { rowid: 7, tag_id: 7, file_id: 12, key: 'автор', value: 'Иванов' },
  },
];

/** agregator/services/search.py, SearchService.delete_file: what deleting file 10 runs. */
export const deleteFileStatements: readonly AppStatement[] = [
  { from: 'search.py SearchService.delete_file', sql: 'DELETE FROM files_fts WHERE rowid = :rid', params: { rid: 10 } },
  { from: 'search.py SearchService.delete_file', sql: 'DELETE FROM tags_fts WHERE file_id = :file_id', params: { file_id: 10 } },
];

/**
 * The statement as psycopg2 (the app's driver, requirements.txt) sends it: SQLAlchemy's `:name`
 * becomes a literal in the text, integers bare and strings quoted. PostgreSQL types a bare
 * integer as integer, so `WHERE file_id = 12` fails on a text column where a bound parameter
 * of unknown type would not.
 */
export function asPsycopg2(s: AppStatement): string {
  return s.sql.replace(/:(\w+)/g, (_, name: string) => {
    const v = s.params[name];
    if (v === undefined) throw new Error(`${s.from}: no value for :${name}`);
    return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
  });
}

/** Runs statements in one transaction, as the app's session does, and commits. */
export async function runAsApp(url: string, statements: readonly AppStatement[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const s of statements) {
      try {
        await client.query(asPsycopg2(s));
      } catch (e) {
        throw new Error(`${s.from}: ${(e as Error).message}`);
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** A catalogue like the app's: two files, three tags, and the FTS5 tables filled by the app's own rebuild. */
export function agregatorCatalogue(): string {
  return sqliteFile(`${modelsDdl}${ensureSupportDdl}
INSERT INTO files VALUES (10, '/docs/a.pdf', 'a.pdf', 'Alpha', 'Ivanov', 'search', NULL, 'first page'), (11, '/docs/b.txt', 'b.txt', NULL, 'Petrov', NULL, 'about', NULL);
INSERT INTO tags VALUES (1, 10, 'author', 'Ivanov'), (2, 10, 'year', '2021'), (3, 11, 'author', 'Petrov');
${rebuildStatements.map((s) => `${s.sql};`).join('\n')}
`);
}
