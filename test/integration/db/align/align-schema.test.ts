import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteToPg } from '../../../../src/steps/sqlite-to-pg.js';
import type { StepResult } from '../../../../src/steps/kind.js';
import { startEmbeddedPostgres, type PgServer } from '../../../helpers/embedded-pg.js';
import { freshDatabase, query } from '../../../helpers/pg.js';
import { stepContext } from '../../../helpers/step-context.js';
import { countCompare } from '../../../../src/steps/count-compare.js';
import { agregatorCatalogue, deleteFileStatements, rebuildStatements, runAsApp, syncFileStatements } from '../agregator-fts.js';
import { sqliteFile } from '../trap-fixture.js';

// SQLAlchemy 2's DDL on SQLite for Agregator-like models: INTEGER NOT NULL + PRIMARY KEY (id)
// without AUTOINCREMENT, BOOLEAN, DATETIME text, FLOAT, REAL, VARCHAR(64), JSON, BLOB, unique
// constraints, foreign keys with ON DELETE, an index and an FTS5 table.
const sqlalchemyDdl = `
CREATE TABLE users (
	id INTEGER NOT NULL,
	username VARCHAR(64) NOT NULL,
	is_admin BOOLEAN NOT NULL,
	created_at DATETIME,
	score REAL,
	PRIMARY KEY (id),
	UNIQUE (username)
);
CREATE TABLE files (
	id INTEGER NOT NULL,
	path VARCHAR NOT NULL,
	size FLOAT,
	meta JSON,
	data BLOB,
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
CREATE TABLE events (
	at DATETIME DEFAULT CURRENT_TIMESTAMP,
	what TEXT
);
CREATE INDEX ix_files_path ON files (path);
CREATE VIRTUAL TABLE files_fts USING fts5(path, content='files', content_rowid='id');
INSERT INTO users VALUES (1, 'admin', 1, '2024-05-01 08:00:00.000001', 1234.5678901), (2, 'reader', 0, '2024-01-15 23:59:59.999999', 0.1), (7, 'guest', 0, NULL, NULL);
INSERT INTO files VALUES (10, '/docs/a.pdf', 1234.5, '{"pages": 3}', X'00FF', 1), (11, '/docs/b.txt', 0.25, NULL, NULL, 2);
INSERT INTO tags VALUES (1, 10, 'author', 'Ivanov'), (2, 10, 'year', '2021'), (3, 11, 'author', 'Petrov');
INSERT INTO events VALUES ('2024-06-01 12:00:00', 'start');
INSERT INTO files_fts (rowid, path) SELECT id, path FROM files;
`;

// A time that does not exist in Berlin (clocks jump from 02:00 to 03:00): read there as local
// time it comes back as 03:30, so it can only be made right by copying it again.
const dstGap = "UPDATE users SET created_at = '2024-03-31 02:30:00' WHERE id = 2";

/** What pgloader 3.6 leaves, made by hand: bigint keys without default, no NOT NULL, timestamptz, real, text, bigint booleans, idx_<oid>_ names. */
const pgloaderShaped = `
CREATE TABLE users (id bigint NOT NULL, username text, is_admin bigint, created_at timestamptz, score real);
ALTER TABLE users ADD CONSTRAINT idx_16385_users_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX idx_16385_sqlite_autoindex_users_1 ON users (username);
CREATE TABLE files (id bigint NOT NULL, path text, size double precision, meta json, data bytea, owner_id bigint);
ALTER TABLE files ADD CONSTRAINT idx_16390_files_pkey PRIMARY KEY (id);
CREATE INDEX idx_16390_ix_files_path ON files (path);
CREATE TABLE tags (id bigint NOT NULL, file_id bigint, key text, value text);
ALTER TABLE tags ADD CONSTRAINT idx_16395_tags_pkey PRIMARY KEY (id);
CREATE TABLE events (at timestamptz DEFAULT CURRENT_TIMESTAMP, what text);
CREATE TABLE files_fts (path text);
ALTER TABLE files ADD CONSTRAINT files_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL;
INSERT INTO users VALUES (1, 'admin', 1, '2024-05-01 08:00:00.000001', 1234.5678901), (2, 'reader', 0, '2024-03-31 02:30:00', 0.1), (7, 'guest', 0, NULL, NULL);
INSERT INTO files VALUES (10, '/docs/a.pdf', 1234.5, '{"pages": 3}', '\\x00ff', 1), (11, '/docs/b.txt', 0.25, NULL, NULL, 2);
INSERT INTO tags VALUES (1, 10, 'author', 'Ivanov'), (2, 10, 'year', '2021'), (3, 11, 'author', 'Petrov');
INSERT INTO events VALUES ('2024-06-01 12:00:00', 'start');
INSERT INTO files_fts VALUES ('/docs/a.pdf'), ('/docs/b.txt');
`;

function context(sqlitePath: string, pgUrl: string) {
  return stepContext({
    connections: { src: { name: 'src', type: 'sqlite', path: sqlitePath }, db: { name: 'db', type: 'postgres', url: pgUrl } },
    secrets: ['runbook-test-pw'],
  });
}

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`step failed: ${r.message} ${r.hint ?? ''}`);
  return r;
}

/** A fresh database whose sessions run in Berlin time, as pgloader's session would on such a server. */
async function berlinDatabase(label: string): Promise<string> {
  const url = await freshDatabase(label);
  await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET timezone = 'Europe/Berlin'`);
  return url;
}

/** Column name -> type, NOT NULL and identity, for assertions. */
/** The users table as the app's models declare it, which align-schema must leave behind. */
const alignedUsers = {
  id: 'bigint not null identity',
  username: 'character varying(64) not null',
  is_admin: 'boolean not null',
  created_at: 'timestamp without time zone',
  score: 'double precision',
};

async function columns(url: string, table: string) {
  return Object.fromEntries(
    (
      await query<{ name: string; type: string; nn: boolean; ident: string }>(
        url,
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS nn, attidentity AS ident FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [table],
      )
    ).map((c) => [c.name, `${c.type}${c.nn ? ' not null' : ''}${c.ident === 'd' ? ' identity' : ''}`]),
  );
}

/** The assertions every aligned catalogue must pass: the app can write, and values equal SQLite's. */
async function expectAppCanWrite(url: string) {
  expect(await query(url, `INSERT INTO users (username, is_admin) VALUES ('new', false) RETURNING id::int`)).toEqual([{ id: 8 }]);
  expect(await query(url, `INSERT INTO files (path) VALUES ('/c') RETURNING id::int`)).toEqual([{ id: 12 }]);
  expect(await query(url, `INSERT INTO tags (file_id, key) VALUES (12, 'k') RETURNING id::int`)).toEqual([{ id: 4 }]);
  await expect(query(url, `INSERT INTO users (username, is_admin) VALUES (NULL, false)`)).rejects.toThrow(
    'null value in column "username" of relation "users" violates not-null constraint',
  );
  await expect(query(url, `INSERT INTO tags (file_id, key) VALUES (12, 'k')`)).rejects.toThrow(
    'duplicate key value violates unique constraint "uq_tag_file_key"',
  );
  await expect(query(url, `INSERT INTO users (username, is_admin) VALUES ('${'x'.repeat(65)}', false)`)).rejects.toThrow(
    'value too long for type character varying(64)',
  );
  expect(
    await query(
      url,
      `SELECT id::int, is_admin, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS at, score FROM users WHERE id < 8 ORDER BY id`,
    ),
  ).toEqual([
    { id: 1, is_admin: true, at: '2024-05-01 08:00:00.000001', score: 1234.5678901 },
    { id: 2, is_admin: false, at: '2024-03-31 02:30:00.000000', score: 0.1 },
    { id: 7, is_admin: false, at: null, score: null },
  ]);
  await query(url, 'DELETE FROM files WHERE id = 12');
  expect(await query(url, `SELECT count(*)::int AS n FROM tags WHERE file_id = 12`)).toEqual([{ n: 0 }]);
}

describe('sqlite-to-pg mode align-schema on a pgloader-shaped target made by hand', () => {
  it('repairs keys, NOT NULL, types and names, with timestamps equal to the SQLite text in a non-UTC zone', async () => {
    const url = await berlinDatabase('align_hand');
    await query(url, pgloaderShaped);
    const path = sqliteFile(sqlalchemyDdl + dstGap);
    const ctx = context(path, url);
    const r = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, ctx));
    expect(r.outputs).toEqual({
      changes: [
        'users.id: GENERATED BY DEFAULT AS IDENTITY, continuing after max(id)',
        'users.username: text -> varchar(64)',
        'users.username: NOT NULL',
        'users.is_admin: bigint -> boolean',
        'users.is_admin: NOT NULL',
        'users.created_at: timestamp with time zone -> timestamp, read back in the time zone pgloader wrote it in (Europe/Berlin) and checked against SQLite (1 value(s) copied again from SQLite)',
        'users.score: real -> double precision, values re-copied from SQLite (real had rounded them to 4 bytes) (1 value(s) copied again from SQLite)',
        'files.id: GENERATED BY DEFAULT AS IDENTITY, continuing after max(id)',
        'files.path: NOT NULL',
        'tags.id: GENERATED BY DEFAULT AS IDENTITY, continuing after max(id)',
        'tags.file_id: NOT NULL',
        'tags.key: text -> varchar(64)',
        'tags.key: NOT NULL',
        'events.at: timestamp with time zone -> timestamp, read back in the time zone pgloader wrote it in (Europe/Berlin) and checked against SQLite',
        'users: primary key idx_16385_users_pkey renamed users_pkey',
        'users: unique index idx_16385_sqlite_autoindex_users_1 became unique constraint users_username_key',
        'files: primary key idx_16390_files_pkey renamed files_pkey',
        'files: index idx_16390_ix_files_path renamed ix_files_path',
        'tags: primary key idx_16395_tags_pkey renamed tags_pkey',
        'tags: unique constraint uq_tag_file_key (file_id, key) added',
        'tags: foreign key tags_file_id_fkey (file_id) -> files added',
      ],
      warnings: [
        '"files_fts" is a plain-table copy pgloader made of a SQLite virtual table, without its rowid and with text columns: an app that still writes to it (DELETE ... WHERE rowid = ...) fails on PostgreSQL; kept (set virtual_tables: empty to replace it with an empty table of its columns plus rowid)',
        "users.created_at: 1 value(s) did not come back as SQLite's text from time zone Europe/Berlin (e.g. times skipped by a daylight-saving change) and were copied again from SQLite",
      ],
      counts: { users: 3, files: 2, tags: 3, events: 1 },
      virtual_copies: ['files_fts'],
    });
    expect(r.note).toBe('21 change(s), 2 warning(s); timestamps read back in Europe/Berlin');
    expect(r).not.toHaveProperty('undo');
    expect(await columns(url, 'users')).toEqual(alignedUsers);
    expect(await query(url, `SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at FROM events`)).toEqual([{ at: '2024-06-01 12:00:00' }]);
    // SQLite's CURRENT_TIMESTAMP is UTC: the default create mode gives, not pgloader's local-time one.
    expect(
      await query(url, `SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'at'`),
    ).toEqual([{ d: "(now() AT TIME ZONE 'utc'::text)" }]);
    await expectAppCanWrite(url);

    const again = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(path, url)));
    expect(again.outputs.changes).toEqual([]);
  });

  it('stops on NULLs where SQLite says NOT NULL, naming every problem, and changes nothing', async () => {
    const url = await berlinDatabase('align_nulls');
    await query(url, pgloaderShaped);
    await query(url, `UPDATE users SET username = NULL WHERE id = 7; INSERT INTO tags VALUES (4, 99, 'k', NULL), (5, NULL, 'k', NULL)`);
    const r = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(sqliteFile(sqlalchemyDdl), url));
    expect(r).toEqual({
      ok: false,
      message:
        'the pgloader result cannot be aligned with the SQLite schema: users.username is NOT NULL in SQLite but holds 1 NULL value(s) in PostgreSQL; tags.file_id is NOT NULL in SQLite but holds 1 NULL value(s) in PostgreSQL; tags(file_id) -> files: 1 row(s) have no parent row, so the foreign key cannot be added.',
      hint: 'Fix those rows in SQLite and run pgloader again, or use the built-in transfer (transfer_tool=builtin), which makes the schema itself. The pgloader result was left as it was.',
    });
    expect(await columns(url, 'users')).toEqual({
      id: 'bigint not null',
      username: 'text',
      is_admin: 'bigint',
      created_at: 'timestamp with time zone',
      score: 'real',
    });
  });

  it('stops when timestamps of a table without a primary key cannot be read back as the SQLite text, and rolls back', async () => {
    const url = await berlinDatabase('align_nokey');
    await query(url, pgloaderShaped);
    await query(url, `UPDATE events SET at = '2024-03-31 02:30:00'`);
    const path = sqliteFile(`${sqlalchemyDdl}; UPDATE events SET at = '2024-03-31 02:30:00';`);
    const r = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(path, url));
    expect(r).toEqual({
      ok: false,
      message:
        "events.at: 1 value(s) differ from SQLite's text after reading them back in time zone Europe/Berlin, and the table has no primary key to copy them again by.",
      hint: 'pgloader may have run with another TimeZone than this connection has (ALTER ROLE/DATABASE ... SET timezone); load with the built-in transfer (transfer_tool=builtin), or give the table a primary key. The pgloader result was left as it was.',
    });
    expect(await columns(url, 'users')).toEqual({
      id: 'bigint not null',
      username: 'text',
      is_admin: 'bigint',
      created_at: 'timestamp with time zone',
      score: 'real',
    });
    expect(await query(url, `SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'p'`)).toEqual([
      { conname: 'idx_16385_users_pkey' },
    ]);
  });

  it('refuses integers other than 0 and 1 where SQLite declares BOOLEAN', async () => {
    const url = await berlinDatabase('align_bool');
    await query(url, pgloaderShaped);
    await query(url, 'UPDATE users SET is_admin = 2 WHERE id = 7');
    const r = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(sqliteFile(sqlalchemyDdl), url));
    expect(r).toMatchObject({
      ok: false,
      message:
        'the pgloader result cannot be aligned with the SQLite schema: users.is_admin cannot become boolean: 1 value(s) are neither 0 nor 1.',
    });
  });

  it('keeps text where values are longer than VARCHAR(n), and stops on a SQLite date PostgreSQL cannot read, leaving everything as it was', async () => {
    const url = await berlinDatabase('align_badtext');
    await query(url, pgloaderShaped);
    await query(url, `UPDATE tags SET key = '${'k'.repeat(70)}' WHERE id = 3`);
    const path = sqliteFile(`${sqlalchemyDdl}; UPDATE users SET created_at = 'soon' WHERE id = 7;`);
    const ctx = context(path, url);
    const r = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, ctx);
    expect(ctx.warnings).toContain('tags.key keeps type text: 1 value(s) are longer than the 64 characters SQLite declares (VARCHAR(64))');
    expect(r).toEqual({
      ok: false,
      message: 'copying users.created_at again from SQLite failed: PostgreSQL said "invalid input syntax for type timestamp: "soon"".',
      hint: 'A value of users.created_at in SQLite is not a timestamp; fix it in SQLite and run pgloader again. The pgloader result was left as it was.',
    });
    expect(await columns(url, 'users')).toEqual({
      id: 'bigint not null',
      username: 'text',
      is_admin: 'bigint',
      created_at: 'timestamp with time zone',
      score: 'real',
    });
  });

  it('drops the copies of virtual tables only when asked', async () => {
    const url = await berlinDatabase('align_drop');
    await query(url, pgloaderShaped);
    const r = ok(
      await sqliteToPg.run(
        { source: 'src', target: 'db', mode: 'align-schema', drop_virtual_copies: true },
        context(sqliteFile(sqlalchemyDdl), url),
      ),
    );
    expect(r.outputs.changes).toContain('dropped the plain-table copies of SQLite virtual tables: files_fts');
    expect(await query(url, `SELECT to_regclass('files_fts') IS NULL AS gone`)).toEqual([{ gone: true }]);
  });

  it('fails with a clear message when pgloader has not loaded a table', async () => {
    const url = await freshDatabase('align_missing');
    await query(url, 'CREATE TABLE users (id bigint)');
    const r = await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(sqliteFile(sqlalchemyDdl), url));
    expect(r).toEqual({
      ok: false,
      message:
        'align-schema repairs what pgloader loaded, but schema "public" in PostgreSQL has no column "users"."username", column "users"."is_admin", column "users"."created_at", column "users"."score", table "files", table "tags", table "events", which SQLite has.',
      hint: 'Run pgloader into this database and schema first (or point target/schema at where it loaded), then run this step again.',
    });
  });

  it('fails with a clear message when PostgreSQL cannot be reached', async () => {
    const r = await sqliteToPg.run(
      { source: 'src', target: 'db', mode: 'align-schema' },
      context(sqliteFile(sqlalchemyDdl), 'postgresql://postgres:runbook-test-pw@127.0.0.1:1/x'),
    );
    expect(r).toEqual({
      ok: false,
      message: 'aligning "db" with "src" stopped: connect ECONNREFUSED 127.0.0.1:1',
      hint: 'Check that the SQLite file is readable and that PostgreSQL is reachable with the URL of the target connection.',
    });
  });

  it('inspect says what it will check and repair, from the SQLite file alone', async () => {
    const lines = await sqliteToPg.inspect!(
      { source: 'src', target: 'db', mode: 'align-schema' },
      context(sqliteFile(sqlalchemyDdl), 'postgresql://x@127.0.0.1:1/x'),
    );
    expect(lines.slice(0, 4)).toEqual([
      { label: 'identity', text: 'users.id: GENERATED BY DEFAULT AS IDENTITY, continuing after max(id)' },
      { label: 'not null', text: 'users: username, is_admin (fails when PostgreSQL holds NULLs there)' },
      {
        label: 'types',
        text: "users: username varchar(64), is_admin boolean, created_at timestamp, score double precision (timestamps checked against SQLite's text, real values copied again)",
      },
      {
        label: 'keys',
        text: "users: primary key users_pkey, unique constraint users_username_key (renamed from pgloader's names, or added)",
      },
    ]);
    expect(lines.at(-1)).toEqual({
      label: 'virtual copies',
      text: 'files_fts, files_fts_config, files_fts_data, files_fts_docsize, files_fts_idx: reported, kept if pgloader copied them as plain tables',
    });
  });
});

const pgloader = await execa('sh', ['-c', 'command -v pgloader'], { reject: false });
if (pgloader.exitCode !== 0) console.log('align-schema with real pgloader: skipped, pgloader is not on PATH');

/** Runs pgloader 3.6 from a SQLite file into a database, as the plan's transfer-pgloader step does. */
async function runPgloader(sqlitePath: string, url: string): Promise<void> {
  const r = await execa('pgloader', [`sqlite://${sqlitePath}`, url], { reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`pgloader failed (${r.exitCode}): ${r.all ?? ''}`);
}

describe.skipIf(pgloader.exitCode !== 0)('sqlite-to-pg mode align-schema after a real pgloader run', () => {
  let berlin: PgServer;
  beforeAll(async () => {
    berlin = await startEmbeddedPostgres({ timeZone: 'Europe/Berlin' });
  });
  afterAll(async () => {
    await berlin?.stop();
  });

  it.each([
    ["the run's server", 'UTC'],
    ['a server whose TimeZone is Europe/Berlin', 'Europe/Berlin'],
  ])('makes the load writable for the app on %s', async (_, zone) => {
    let url = await freshDatabase('align_pgloader');
    if (zone !== 'UTC') {
      url = new URL(url.replace(/:\d+\//, `:${berlin.port}/`)).toString();
      await query(berlin.url, `CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
    }
    expect(await query(url, `SELECT current_setting('TimeZone') AS tz`)).toEqual([
      { tz: zone === 'UTC' ? expect.stringMatching(/^(UTC|Etc\/UTC)$/) : zone },
    ]);
    const path = sqliteFile(sqlalchemyDdl + (zone === 'UTC' ? '' : dstGap));
    await runPgloader(path, url);
    // What pgloader itself made: the starting point align-schema is written for.
    expect(await columns(url, 'users')).toEqual({
      id: 'bigint not null',
      username: 'text',
      is_admin: 'boolean',
      created_at: 'timestamp with time zone',
      score: 'real',
    });
    expect(await query(url, `SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'p'`)).toEqual([
      { conname: expect.stringMatching(/^idx_\d+_users_pkey$/) },
    ]);

    const r = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(path, url)));
    expect(r.outputs.counts).toEqual({ users: 3, files: 2, tags: 3, events: 1 });
    expect(r.outputs.virtual_copies).toEqual(['files_fts', 'files_fts_config', 'files_fts_data', 'files_fts_docsize', 'files_fts_idx']);
    expect(r.outputs.warnings).toEqual([
      ...['files_fts', 'files_fts_config', 'files_fts_data', 'files_fts_docsize', 'files_fts_idx'].map((t) =>
        t === 'files_fts'
          ? '"files_fts" is a plain-table copy pgloader made of a SQLite virtual table, without its rowid and with text columns: an app that still writes to it (DELETE ... WHERE rowid = ...) fails on PostgreSQL; kept (set virtual_tables: empty to replace it with an empty table of its columns plus rowid)'
          : `"${t}" is a plain-table copy pgloader made of a SQLite shadow table (internal storage of files_fts); the app does not use it in PostgreSQL (set drop_virtual_copies: true to drop it)`,
      ),
      ...(zone === 'UTC'
        ? []
        : [
            "users.created_at: 1 value(s) did not come back as SQLite's text from time zone Europe/Berlin (e.g. times skipped by a daylight-saving change) and were copied again from SQLite",
          ]),
    ]);
    expect(await columns(url, 'users')).toEqual(alignedUsers);
    expect(await columns(url, 'files')).toEqual({
      id: 'bigint not null identity',
      path: 'text not null',
      size: 'double precision',
      meta: 'json',
      data: 'bytea',
      owner_id: 'bigint',
    });
    expect(
      await query(
        url,
        `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') AND conrelid::regclass::text IN ('users', 'files', 'tags') ORDER BY 1, 2`,
      ),
    ).toEqual([
      { t: 'files', conname: 'files_owner_id_fkey', def: 'FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL' },
      { t: 'files', conname: 'files_pkey', def: 'PRIMARY KEY (id)' },
      { t: 'tags', conname: 'tags_file_id_fkey', def: 'FOREIGN KEY (file_id) REFERENCES files(id) ON DELETE CASCADE' },
      { t: 'tags', conname: 'tags_pkey', def: 'PRIMARY KEY (id)' },
      { t: 'tags', conname: 'uq_tag_file_key', def: 'UNIQUE (file_id, key)' },
      { t: 'users', conname: 'users_pkey', def: 'PRIMARY KEY (id)' },
      { t: 'users', conname: 'users_username_key', def: 'UNIQUE (username)' },
    ]);
    expect(await query(url, `SELECT indexname FROM pg_indexes WHERE tablename = 'files' ORDER BY 1`)).toEqual([
      { indexname: 'files_pkey' },
      { indexname: 'ix_files_path' },
    ]);
    if (zone === 'UTC') await query(url, dstGap);
    await expectAppCanWrite(url);
  });
});

describe.skipIf(pgloader.exitCode !== 0)(
  'sqlite-to-pg mode align-schema after pgloader on a catalogue with the FTS5 tables of the Agregator app',
  () => {
    const shadows = [
      'files_fts_config',
      'files_fts_content',
      'files_fts_data',
      'files_fts_docsize',
      'files_fts_idx',
      'tags_fts_config',
      'tags_fts_content',
      'tags_fts_data',
      'tags_fts_docsize',
      'tags_fts_idx',
    ];
    const shadowWarning = (t: string) =>
      `"${t}" is a plain-table copy pgloader made of a SQLite shadow table (internal storage of ${t.replace(/_[a-z]+$/, '')}); the app does not use it in PostgreSQL (set drop_virtual_copies: true to drop it)`;

    it('virtual_tables: empty keeps files_fts and tags_fts as tables the app can write, and calls only the shadow tables unused', async () => {
      const url = await freshDatabase('align_fts_empty');
      const path = agregatorCatalogue();
      await runPgloader(path, url);
      // What pgloader makes of them: text columns and no rowid, so the app's statements fail there.
      expect(await columns(url, 'files_fts')).toMatchObject({ file_id: 'text', title: 'text' });
      await expect(runAsApp(url, syncFileStatements)).rejects.toThrow('search.py SearchService.sync_file: column "rowid" does not exist');

      const r = ok(
        await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema', virtual_tables: 'empty' }, context(path, url)),
      );
      expect((r.outputs.changes as string[]).filter((c) => c.includes('_fts'))).toEqual([
        "files_fts: pgloader's copy of the SQLite fts5 virtual table (no rowid) replaced by an empty table with its columns plus rowid, created empty by design",
        "tags_fts: pgloader's copy of the SQLite fts5 virtual table (no rowid) replaced by an empty table with its columns plus rowid, created empty by design",
      ]);
      expect(r.outputs.warnings).toEqual(shadows.map(shadowWarning));
      expect(r.outputs.virtual_copies).toEqual(['files_fts', ...shadows.slice(0, 5), 'tags_fts', ...shadows.slice(5)]);
      expect(r.outputs.counts).toEqual({ files: 2, tags: 3 });
      expect(await columns(url, 'tags_fts')).toEqual({
        rowid: 'bigint not null',
        tag_id: 'bigint',
        file_id: 'bigint',
        key: 'text',
        value: 'text',
      });

      await runAsApp(url, syncFileStatements);
      await runAsApp(url, deleteFileStatements);
      await runAsApp(url, rebuildStatements);
      expect(await query(url, 'SELECT rowid::int FROM files_fts ORDER BY 1')).toEqual([{ rowid: 10 }, { rowid: 11 }]);

      const counted = await countCompare.run({ source: 'src', target: 'db' }, context(path, url));
      expect(counted).toMatchObject({ ok: true, outputs: { tables: ['files', 'tags'] } });
      expect(
        counted.ok && (counted.outputs.skipped as { table: string; reason: string }[]).filter((s) => s.reason.startsWith('virtual')),
      ).toEqual([
        { table: 'files_fts', reason: 'virtual table, created empty by design' },
        { table: 'tags_fts', reason: 'virtual table, created empty by design' },
      ]);
    });

    it("virtual_tables: skip keeps pgloader's copies and says the app's writes to them fail, instead of calling them unused", async () => {
      const url = await freshDatabase('align_fts_skip');
      const path = agregatorCatalogue();
      await runPgloader(path, url);
      const r = ok(await sqliteToPg.run({ source: 'src', target: 'db', mode: 'align-schema' }, context(path, url)));
      expect((r.outputs.warnings as string[]).filter((w) => !shadows.some((s) => w.startsWith(`"${s}"`)))).toEqual(
        ['files_fts', 'tags_fts'].map(
          (t) =>
            `"${t}" is a plain-table copy pgloader made of a SQLite virtual table, without its rowid and with text columns: an app that still writes to it (DELETE ... WHERE rowid = ...) fails on PostgreSQL; kept (set virtual_tables: empty to replace it with an empty table of its columns plus rowid)`,
        ),
      );
      await expect(runAsApp(url, syncFileStatements)).rejects.toThrow('column "rowid" does not exist');
    });
  },
);
