import { describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import type { JsonValue } from '../../../src/core/json.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOST_HINT } from '../../../src/db/lost-connection.js';
import { writeBigCatalogue } from '../../helpers/big-catalogue.js';
import { copyingInto, freshDatabase, gateTruncate, noSessionsLeft, query, waitForRow } from '../../helpers/pg.js';
import { stepContext } from '../../helpers/step-context.js';
import { sqliteFile } from '../db/trap-fixture.js';

// The DDL SQLAlchemy 2 emits on SQLite for Agregator-like models: no AUTOINCREMENT keyword,
// table-level PRIMARY KEY, Boolean, DateTime, JSON, LargeBinary, Float, String(64).
const sqlalchemyDdl = `
CREATE TABLE users (
	id INTEGER NOT NULL,
	username VARCHAR(64) NOT NULL,
	is_admin BOOLEAN NOT NULL,
	created_at DATETIME,
	PRIMARY KEY (id),
	UNIQUE (username)
);
CREATE TABLE files (
	id INTEGER NOT NULL,
	path VARCHAR NOT NULL,
	size FLOAT,
	meta JSON,
	owner_id INTEGER,
	PRIMARY KEY (id),
	FOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE TABLE tags (
	id INTEGER NOT NULL,
	file_id INTEGER NOT NULL,
	key VARCHAR(64) NOT NULL,
	value TEXT,
	PRIMARY KEY (id),
	CONSTRAINT uq_tag_file_key UNIQUE (file_id, key),
	FOREIGN KEY(file_id) REFERENCES files (id) ON DELETE CASCADE
);
CREATE TABLE rag_chunk_embeddings (
	chunk_id INTEGER NOT NULL,
	vector BLOB NOT NULL,
	PRIMARY KEY (chunk_id),
	FOREIGN KEY(chunk_id) REFERENCES files (id) ON DELETE CASCADE
);
CREATE TABLE doc_chat_cache (
	id INTEGER NOT NULL,
	payload JSON,
	updated_at DATETIME,
	PRIMARY KEY (id)
);
CREATE INDEX ix_files_path ON files (path);
CREATE VIRTUAL TABLE files_fts USING fts5(path, content='files', content_rowid='id');
INSERT INTO users VALUES (1, 'admin', 1, '2024-05-01 08:00:00.000001'), (2, 'reader', 0, '2024-05-02 09:30:00.250000');
INSERT INTO files VALUES (10, '/docs/a.pdf', 1234.5, '{"pages": 3}', 1), (11, '/docs/b.txt', 0.25, NULL, 2);
INSERT INTO tags VALUES (1, 10, 'author', 'Ivanov'), (2, 10, 'year', '2021'), (3, 11, 'author', 'Petrov');
INSERT INTO rag_chunk_embeddings VALUES (10, X'0000803F00000040');
INSERT INTO doc_chat_cache VALUES (5, '{"answer": "ok", "sources": [1, 2]}', '2024-05-03 10:00:00');
INSERT INTO files_fts (rowid, path) SELECT id, path FROM files;
`;

function context(sqlitePath: string, pgUrl: string, more: Parameters<typeof stepContext>[0] = {}) {
  return stepContext({
    connections: { src: { name: 'src', type: 'sqlite', path: sqlitePath }, db: { name: 'db', type: 'postgres', url: pgUrl } },
    secrets: ['runbook-test-pw'],
    ...more,
  });
}

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`step failed: ${r.message}`);
  return r;
}

describe('sqlite-to-pg on a SQLAlchemy-made catalogue', () => {
  it('loads it so the app can write to it with plain INSERTs, and undo drops only what it made', async () => {
    const url = await freshDatabase('sqla');
    await query(url, 'CREATE TABLE keep_me (x int)');
    const path = sqliteFile(sqlalchemyDdl);
    const ctx = context(path, url);
    const r = ok(await sqliteToPg.run({ source: 'src', target: 'db' }, ctx));
    expect(r.outputs).toEqual({
      schema: 'public',
      tables: ['users', 'files', 'tags', 'rag_chunk_embeddings', 'doc_chat_cache'],
      rows: 9,
      counts: { users: 2, files: 2, tags: 3, rag_chunk_embeddings: 1, doc_chat_cache: 1 },
      rejected: 0,
      reject_files: [],
      skipped: [
        {
          name: 'files_fts',
          what: 'virtual table',
          note: 'fts5 virtual table, not copied as data; it is a full-text index: in PostgreSQL use a tsvector column with a GIN index (to_tsvector / websearch_to_tsquery), or pg_trgm for LIKE searches, filled from the content table',
        },
        { name: 'files_fts_config', what: 'shadow table', note: 'internal storage of files_fts, not copied' },
        { name: 'files_fts_data', what: 'shadow table', note: 'internal storage of files_fts, not copied' },
        { name: 'files_fts_docsize', what: 'shadow table', note: 'internal storage of files_fts, not copied' },
        { name: 'files_fts_idx', what: 'shadow table', note: 'internal storage of files_fts, not copied' },
      ],
      virtual_tables: [],
      warnings: [],
      conversions: [],
      retyped: [],
    });
    expect(r.note).toBe(
      '5 tables, 9 rows; not copied: virtual table files_fts, shadow table files_fts_config, shadow table files_fts_data, shadow table files_fts_docsize, shadow table files_fts_idx',
    );
    expect(r.undo).toEqual({
      target: 'db',
      schema: 'public',
      schema_created: false,
      tables_created: ['users', 'files', 'tags', 'rag_chunk_embeddings', 'doc_chat_cache'],
      tables_filled: [],
      state_table: false,
    });

    const [u] = await query(
      url,
      `INSERT INTO users (username, is_admin, created_at) VALUES ('new', false, '2024-06-01 00:00:00.5') RETURNING id::int`,
    );
    expect(u).toEqual({ id: 3 });
    const [f] = await query(url, `INSERT INTO files (path, size, meta, owner_id) VALUES ('/c', 1.5, '{"k": 1}', 3) RETURNING id::int`);
    expect(f).toEqual({ id: 12 });
    await query(url, `INSERT INTO tags (file_id, key, value) VALUES (12, 'author', 'Sidorov')`);
    await query(url, `INSERT INTO rag_chunk_embeddings (chunk_id, vector) VALUES (12, '\\x00')`);
    await query(url, `INSERT INTO doc_chat_cache (payload, updated_at) VALUES ('{}', now())`);
    await expect(query(url, `INSERT INTO rag_chunk_embeddings (chunk_id, vector) VALUES (12, '\\x01')`)).rejects.toThrow(
      'duplicate key value violates unique constraint "rag_chunk_embeddings_pkey"',
    );
    await expect(query(url, `INSERT INTO tags (file_id, key) VALUES (12, 'author')`)).rejects.toThrow(
      'duplicate key value violates unique constraint "uq_tag_file_key"',
    );
    expect(
      await query(
        url,
        `SELECT is_admin, created_at::text, (SELECT meta->>'pages' FROM files WHERE id = 10) AS pages, (SELECT get_byte(vector, 3) FROM rag_chunk_embeddings WHERE chunk_id = 10) AS b FROM users WHERE id = 1`,
      ),
    ).toEqual([{ is_admin: true, created_at: '2024-05-01 08:00:00.000001', pages: '3', b: 63 }]);
    await query(url, 'DELETE FROM users WHERE id = 1');
    expect(await query(url, 'SELECT owner_id FROM files WHERE id = 10')).toEqual([{ owner_id: null }]);

    const undone = await sqliteToPg.undo!(r.undo as JsonValue, ctx);
    expect(undone.ok).toBe(true);
    expect(await query(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([
      { table_name: 'keep_me' },
    ]);
  });

  it('create refuses a target that already has one of the tables', async () => {
    const url = await freshDatabase('sqla_exists');
    await query(url, 'CREATE TABLE tags (x int)');
    const r = await sqliteToPg.run({ source: 'src', target: 'db' }, context(sqliteFile(sqlalchemyDdl), url));
    expect(r).toMatchObject({
      ok: false,
      message: 'schema "public" already has table "tags"; mode create creates tables and does not touch existing ones.',
      hint: 'Use mode: data-only to load into tables made by migrations, set if_exists: drop to replace them, or choose another schema.',
    });
    expect(await query(url, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([{ n: 1 }]);
  });

  it('schema-only makes tables and keys without rows; data-only then fills them and moves the sequences', async () => {
    const url = await freshDatabase('sqla_modes');
    const path = sqliteFile(sqlalchemyDdl);
    ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'schema-only' }, context(path, url)));
    expect(await query(url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
    const data = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'data-only' }, context(path, url)));
    expect(data.outputs.counts).toEqual({ users: 2, files: 2, tags: 3, rag_chunk_embeddings: 1, doc_chat_cache: 1 });
    expect(data.undo).toEqual({
      target: 'db',
      schema: 'public',
      schema_created: false,
      tables_created: [],
      tables_filled: ['doc_chat_cache', 'files', 'rag_chunk_embeddings', 'tags', 'users'],
      state_table: false,
    });
    expect(await query(url, `INSERT INTO tags (file_id, key) VALUES (11, 'k') RETURNING id::int`)).toEqual([{ id: 4 }]);
    const again = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'data-only' }, context(path, url));
    expect(again).toMatchObject({
      ok: false,
      message:
        'tables "users", "files", "tags", "rag_chunk_embeddings", "doc_chat_cache" in schema "public" already hold rows; data-only loads into empty tables.',
    });
  });

  it('data-only loads into tables made by migrations (serial keys, FKs live) in parent-first order', async () => {
    const url = await freshDatabase('sqla_alembic');
    await query(
      url,
      `CREATE TABLE users (id serial PRIMARY KEY, username varchar(64) NOT NULL UNIQUE, is_admin boolean NOT NULL, created_at timestamp);
      CREATE TABLE files (id serial PRIMARY KEY, path varchar NOT NULL, size double precision, meta json, owner_id int REFERENCES users(id) ON DELETE SET NULL);
      CREATE TABLE tags (id serial PRIMARY KEY, file_id int NOT NULL REFERENCES files(id) ON DELETE CASCADE, key varchar(64) NOT NULL, value text, extra text, UNIQUE (file_id, key));
      CREATE TABLE rag_chunk_embeddings (chunk_id int PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE, vector bytea NOT NULL);
      CREATE TABLE doc_chat_cache (id serial PRIMARY KEY, payload json, updated_at timestamp);`,
    );
    const r = ok(
      await sqliteToPg.run({ source: 'src', target: 'db', mode: 'data-only', parallel: 3 }, context(sqliteFile(sqlalchemyDdl), url)),
    );
    expect(r.outputs.rows).toBe(9);
    expect(await query(url, `INSERT INTO files (path) VALUES ('/new') RETURNING id`)).toEqual([{ id: 12 }]);
  });

  it('test-import loads into a scratch schema, reports the counts and drops it', async () => {
    const url = await freshDatabase('sqla_test_import');
    const r = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'test-import' }, context(sqliteFile(sqlalchemyDdl), url)));
    expect(r.outputs.counts).toEqual({ users: 2, files: 2, tags: 3, rag_chunk_embeddings: 1, doc_chat_cache: 1 });
    expect(r.undo).toBeUndefined();
    expect(await query(url, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'runbook_test_import%'`)).toEqual([]);
    expect(await query(url, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([{ n: 0 }]);
  });

  it('resumes after an interrupted load: only tables not marked complete are loaded again', async () => {
    const url = await freshDatabase('sqla_resume');
    const path = sqliteFile(
      'CREATE TABLE small (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT, n REAL);',
      (db: Database.Database) => {
        db.exec(`INSERT INTO small VALUES (1, 'a'), (2, 'b')`);
        db.exec(
          `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000) INSERT INTO big SELECT i, 'row ' || i, i * 0.5 FROM s`,
        );
      },
    );
    const controller = new AbortController();
    // big waits at a gate until small is loaded; its first progress (one batch of a million rows) stops it.
    const gate = await gateTruncate(url, 'big');
    let smallDone = false;
    let opened: Promise<void> | undefined;
    const first = await sqliteToPg.run(
      { source: 'src', target: 'db' },
      context(path, url, {
        signal: controller.signal,
        progress: (p) => {
          if (p.label === 'small' && p.done === p.total && !smallDone) {
            smallDone = true;
            opened = gate.open();
          }
          if (p.label === 'big' && smallDone && p.done < (p.total ?? 0)) controller.abort();
        },
      }),
    );
    await opened;
    expect(first).toMatchObject({ ok: false, message: 'the transfer was stopped while copying "big"' });
    expect(await query(url, `SELECT table_name, status FROM _runbook_transfer ORDER BY 1`)).toEqual([
      { table_name: 'big', status: 'pending' },
      { table_name: 'small', status: 'complete' },
    ]);
    expect(await query(url, 'SELECT count(*)::int AS n FROM big')).toEqual([{ n: 0 }]);
    const [before] = await query(url, 'SELECT xmin::text AS x FROM small LIMIT 1');
    const second = ok(await sqliteToPg.run({ source: 'src', target: 'db' }, context(path, url)));
    expect(second.outputs.counts).toEqual({ big: 1000000, small: 2 });
    expect(await query(url, 'SELECT xmin::text AS x FROM small LIMIT 1')).toEqual([before]);
    expect(await query(url, `SELECT to_regclass('_runbook_transfer') AS r`)).toEqual([{ r: null }]);
    expect(await query(url, `INSERT INTO big (v) VALUES ('next') RETURNING id`)).toEqual([{ id: '1000001' }]);
  });

  it('the dry run shows the DDL it would run, read from the SQLite file', async () => {
    const path = sqliteFile(sqlalchemyDdl);
    const dry = {
      connection: (n: string) => context(path, 'postgresql://u:secret@h/db').connection(n),
      mask: (t: string) => t,
      workDir: '/',
    };
    const lines = await sqliteToPg.inspect!({ source: 'src', target: 'db' }, dry);
    expect(lines.filter((l) => l.label === 'ddl').map((l) => l.text.split('\n')[0])).toEqual([
      'CREATE TABLE "public"."users" (',
      'ALTER TABLE "public"."users" ADD CONSTRAINT "users_pkey" PRIMARY KEY ("id");',
      'ALTER TABLE "public"."users" ADD CONSTRAINT "users_username_key" UNIQUE ("username");',
      'CREATE TABLE "public"."files" (',
      'ALTER TABLE "public"."files" ADD CONSTRAINT "files_pkey" PRIMARY KEY ("id");',
      'CREATE INDEX "ix_files_path" ON "public"."files" ("path");',
      'CREATE TABLE "public"."tags" (',
      'ALTER TABLE "public"."tags" ADD CONSTRAINT "tags_pkey" PRIMARY KEY ("id");',
      'ALTER TABLE "public"."tags" ADD CONSTRAINT "uq_tag_file_key" UNIQUE ("file_id", "key");',
      'CREATE TABLE "public"."rag_chunk_embeddings" (',
      'ALTER TABLE "public"."rag_chunk_embeddings" ADD CONSTRAINT "rag_chunk_embeddings_pkey" PRIMARY KEY ("chunk_id");',
      'CREATE TABLE "public"."doc_chat_cache" (',
      'ALTER TABLE "public"."doc_chat_cache" ADD CONSTRAINT "doc_chat_cache_pkey" PRIMARY KEY ("id");',
      'ALTER TABLE "public"."files" ADD CONSTRAINT "files_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "public"."users" ("id") ON DELETE SET NULL;',
      'ALTER TABLE "public"."tags" ADD CONSTRAINT "tags_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "public"."files" ("id") ON DELETE CASCADE;',
      'ALTER TABLE "public"."rag_chunk_embeddings" ADD CONSTRAINT "rag_chunk_embeddings_chunk_id_fkey" FOREIGN KEY ("chunk_id") REFERENCES "public"."files" ("id") ON DELETE CASCADE;',
    ]);
    expect(lines.find((l) => l.text.startsWith('CREATE TABLE "public"."users"'))?.text).toBe(
      'CREATE TABLE "public"."users" (\n  "id" bigint GENERATED BY DEFAULT AS IDENTITY,\n  "username" varchar(64) NOT NULL,\n  "is_admin" boolean NOT NULL,\n  "created_at" timestamp\n);',
    );
    expect(sqliteToPg.describe({ source: 'src', target: 'db', mode: 'data-only' }, dry)).toEqual([
      { label: 'transfer', text: `sqlite "src" (${path}) -> postgres "db" (postgresql://u:****@h/db), schema "public"` },
      { label: 'mode', text: 'data-only: load rows into existing empty tables and move their sequences' },
      { label: 'policies', text: 'bad values: fail · orphan rows: fail · existing tables: fail · 2 tables at once · JSON as json' },
    ]);
  });
});

describe('sqlite-to-pg losing its connection', () => {
  /** A fresh database, a big catalogue, and a context to move one into the other. */
  async function bigTransfer(label: string) {
    const url = await freshDatabase(label);
    const path = join(mkdtempSync(join(tmpdir(), 'runbook-lost-')), 'catalogue.db');
    writeBigCatalogue(path);
    return { url, ctx: context(path, url) };
  }

  /** The failure of a transfer that has to fail. */
  async function failed(running: Promise<StepResult>): Promise<Extract<StepResult, { ok: false }>> {
    const r = await running;
    if (r.ok) throw new Error('the transfer should have failed');
    return r;
  }

  /** Runs `work` with a session of another client of the database open in a transaction, then ends it. */
  async function withOtherSession(url: string, work: (other: pg.Client) => Promise<void>): Promise<void> {
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await work(other);
    } finally {
      await other.end();
    }
  }

  it("fails naming the table being copied, stops the other table's COPY, closes every client, and can still be undone", async () => {
    const { url, ctx } = await bigTransfer('lost_copy');
    const running = sqliteToPg.run({ source: 'src', target: 'db' }, ctx);
    await query(url, 'select pg_terminate_backend($1)', [await copyingInto(url, 'public.files')]);
    const r = await failed(running);
    expect(r.message).toMatch(
      /^lost the connection to PostgreSQL \((terminating connection due to administrator command; SQLSTATE 57P01|the connection was reset, ECONNRESET|the server closed the connection, EPIPE|the server closed the connection)\) while copying table "files"$/,
    );
    expect(r.hint).toBe(LOST_HINT);
    // The other connection's COPY was stopped and every client ended: nothing is left running on the server.
    await noSessionsLeft(url);
    expect(await query(url, 'select count(*)::int as n from tags')).toEqual([{ n: 0 }]);
    const undone = await sqliteToPg.undo!(r.undo!, ctx);
    expect(undone.ok).toBe(true);
    expect(await query(url, "select table_name from information_schema.tables where table_schema = 'public'")).toEqual([]);
    await noSessionsLeft(url);
  });

  it('cancels what the other connection is waiting on (a TRUNCATE behind a lock) instead of hanging', async () => {
    const { url, ctx } = await bigTransfer('lost_blocked');
    await query(
      url,
      `CREATE TABLE files (id bigint PRIMARY KEY, path text NOT NULL, body text);
      CREATE TABLE tags (id bigint PRIMARY KEY, key text NOT NULL, value text); INSERT INTO tags VALUES (0, 'old', NULL)`,
    );
    // Another session reads tags in an open transaction: the transfer's TRUNCATE of tags waits for it.
    await withOtherSession(url, async (reader) => {
      await reader.query('LOCK TABLE tags IN ACCESS SHARE MODE');
      const running = sqliteToPg.run({ source: 'src', target: 'db', mode: 'data-only', if_exists: 'truncate' }, ctx);
      await waitForRow(
        url,
        "select 1 as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'TRUNCATE%'",
        [],
      );
      await query(url, 'select pg_terminate_backend($1)', [await copyingInto(url, 'public.files')]);
      expect((await failed(running)).message).toMatch(/^lost the connection to PostgreSQL \(.+\) while copying table "files"$/);
    });
    await noSessionsLeft(url);
    expect(await query(url, 'select id from tags')).toEqual([{ id: '0' }]);
  });

  it('fails naming the key being built when the connection is lost after the load', async () => {
    const { url, ctx } = await bigTransfer('lost_keys');
    const running = sqliteToPg.run({ source: 'src', target: 'db' }, ctx);
    await copyingInto(url, 'public.files');
    // Queued behind the load's own lock on files, this read lock is granted when the load commits,
    // ahead of the ALTER TABLE that attaches the primary key: that statement then waits for it.
    await withOtherSession(url, async (reader) => {
      const locked = reader.query('LOCK TABLE files IN ACCESS SHARE MODE');
      const { pid } = await waitForRow<{ pid: number }>(
        url,
        `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'ALTER TABLE "public"."files" ADD CONSTRAINT%'`,
        [],
      );
      await locked;
      await query(url, 'select pg_terminate_backend($1)', [pid]);
      expect((await failed(running)).message).toBe(
        'lost the connection to PostgreSQL (terminating connection due to administrator command; SQLSTATE 57P01) while building primary key files_pkey on "files"',
      );
    });
    await noSessionsLeft(url);
  });
});
