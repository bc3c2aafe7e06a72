import { describe, expect, it } from 'vitest';
import { sqliteToPg } from '../../../../src/steps/sqlite-to-pg.js';
import type { StepResult } from '../../../../src/steps/kind.js';
import type { SqliteToPgSpec } from '../../../../src/steps/sqlite-to-pg/schema.js';
import { freshDatabase, query } from '../../../helpers/pg.js';
import { stepContext } from '../../../helpers/step-context.js';
import { agregatorCatalogue, deleteFileStatements, rebuildStatements, runAsApp, syncFileStatements } from '../agregator-fts.js';
import { sqliteFile } from '../trap-fixture.js';

function context(sqlitePath: string, pgUrl: string) {
  return stepContext({
    connections: { src: { name: 'src', type: 'sqlite', path: sqlitePath }, db: { name: 'db', type: 'postgres', url: pgUrl } },
  });
}

function ok(r: StepResult): Extract<StepResult, { ok: true }> {
  if (!r.ok) throw new Error(`step failed: ${r.message} ${r.hint ?? ''}`);
  return r;
}

const transfer = (path: string, url: string, more: Partial<SqliteToPgSpec> = {}) =>
  sqliteToPg.run({ source: 'src', target: 'db', ...more }, context(path, url));

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

const filesFts = ['rowid bigint', 'file_id bigint', 'title text', 'author text', 'keywords text', 'abstract text', 'text_excerpt text'];
const tagsFts = ['rowid bigint', 'tag_id bigint', 'file_id bigint', 'key text', 'value text'];

async function tableNames(url: string, schema = 'public'): Promise<string[]> {
  return (
    await query<{ t: string }>(
      url,
      `SELECT relname AS t FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' ORDER BY 1`,
      [schema],
    )
  ).map((r) => r.t);
}

/** The app saving a file (its row, then sync_file), deleting another (delete_file), then a scan with prune (the rebuilds). */
async function appMaintenance(url: string): Promise<void> {
  await query(
    url,
    `INSERT INTO files (id, path, filename, title) VALUES (12, '/docs/c.pdf', 'c.pdf', 'Отчёт'); INSERT INTO tags (id, file_id, key, value) VALUES (7, 12, 'автор', 'Иванов')`,
  );
  await runAsApp(url, syncFileStatements);
  expect(await query(url, 'SELECT rowid::int, file_id::int, title FROM files_fts')).toEqual([
    { rowid: 12, file_id: 12, title: "Отчёт о 'поиске'" },
  ]);
  await runAsApp(url, syncFileStatements);
  await query(url, 'DELETE FROM files WHERE id = 10');
  await runAsApp(url, deleteFileStatements);
  await runAsApp(url, rebuildStatements);
  expect(await query(url, 'SELECT rowid::int, file_id::int, title FROM files_fts ORDER BY rowid')).toEqual([
    { rowid: 11, file_id: 11, title: '' },
    { rowid: 12, file_id: 12, title: 'Отчёт' },
  ]);
  expect(await query(url, 'SELECT rowid::int, tag_id::int, file_id::int, key FROM tags_fts ORDER BY rowid')).toEqual([
    { rowid: 3, tag_id: 3, file_id: 11, key: 'author' },
    { rowid: 7, tag_id: 7, file_id: 12, key: 'автор' },
  ]);
}

describe('sqlite-to-pg virtual_tables on a catalogue with the FTS5 tables of the Agregator app', () => {
  it("empty: creates files_fts and tags_fts empty with their columns plus rowid, and the app's own maintenance statements run on PostgreSQL", async () => {
    const url = await freshDatabase('vt_empty');
    const r = ok(await transfer(agregatorCatalogue(), url, { virtual_tables: 'empty' }));
    expect(r.outputs.tables).toEqual(['files', 'tags']);
    expect(r.outputs.counts).toEqual({ files: 2, tags: 3 });
    expect(r.outputs.virtual_tables).toEqual([
      { name: 'files_fts', module: 'fts5', columns: filesFts, note: 'created empty by design' },
      { name: 'tags_fts', module: 'fts5', columns: tagsFts, note: 'created empty by design' },
    ]);
    expect((r.outputs.skipped as { name: string; what: string }[]).map((s) => `${s.what} ${s.name}`)).toEqual(
      shadows.map((s) => `shadow table ${s}`),
    );
    expect(r.note).toBe(
      `2 tables, 5 rows; created empty by design: virtual table files_fts, virtual table tags_fts; not copied: ${shadows.map((s) => `shadow table ${s}`).join(', ')}`,
    );
    expect(await tableNames(url)).toEqual(['files', 'files_fts', 'tags', 'tags_fts']);
    expect(await query(url, `SELECT count(*)::int AS n, obj_description('files_fts'::regclass) AS comment FROM files_fts`)).toEqual([
      { n: 0, comment: 'SQLite fts5 virtual table files_fts, created empty by design by runbook: the application fills it' },
    ]);
    expect(
      await query(
        url,
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'tags_fts'::regclass AND contype = 'p'`,
      ),
    ).toEqual([{ def: 'PRIMARY KEY (rowid)' }]);
    await appMaintenance(url);
    // FTS5 refuses a second row with the same rowid; so does the stand-in.
    await expect(query(url, `INSERT INTO files_fts (rowid, file_id) VALUES (12, 12)`)).rejects.toThrow(
      'duplicate key value violates unique constraint "files_fts_pkey"',
    );

    const undone = await sqliteToPg.undo!(r.undo!, context(agregatorCatalogue(), url));
    expect(undone).toMatchObject({
      ok: true,
      outputs: { dropped: ['"public"."files"', '"public"."tags"', '"public"."files_fts"', '"public"."tags_fts"'] },
    });
    expect(await tableNames(url)).toEqual([]);
  });

  it('skip (the default): the same statement of the app fails on PostgreSQL, as it does for the app', async () => {
    const url = await freshDatabase('vt_skip');
    const r = ok(await transfer(agregatorCatalogue(), url));
    expect(r.outputs.virtual_tables).toEqual([]);
    expect((r.outputs.skipped as { name: string }[]).map((s) => s.name)).toEqual(['files_fts', 'tags_fts', ...shadows]);
    expect(await tableNames(url)).toEqual(['files', 'tags']);
    await expect(runAsApp(url, syncFileStatements)).rejects.toThrow(
      'search.py SearchService.sync_file: relation "files_fts" does not exist',
    );
  });

  it('types a column without values as bigint only when it is named like a key, and a cast rule overrides the choice', async () => {
    const url = await freshDatabase('vt_types');
    const path = sqliteFile(`
      CREATE VIRTUAL TABLE tags_fts USING fts5(tag_id UNINDEXED, file_id UNINDEXED, key, value);
      CREATE VIRTUAL TABLE notes_fts USING fts5(page, body);
      INSERT INTO notes_fts (rowid, page, body) VALUES (1, 3, 'x'), (2, 4.5, 'y');
      CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x);
    `);
    const r = ok(await transfer(path, url, { virtual_tables: 'empty', cast: [{ column: 'tags_fts.tag_id', to: 'integer' }] }));
    expect(r.outputs.virtual_tables).toEqual([
      {
        name: 'tags_fts',
        module: 'fts5',
        columns: ['rowid bigint', 'tag_id integer', 'file_id bigint', 'key text', 'value text'],
        note: 'created empty by design',
      },
      {
        name: 'notes_fts',
        module: 'fts5',
        columns: ['rowid bigint', 'page double precision', 'body text'],
        note: 'created empty by design',
      },
      {
        name: 'boxes',
        module: 'rtree',
        columns: ['rowid bigint', 'id bigint', 'min_x double precision', 'max_x double precision'],
        note: 'created empty by design',
      },
    ]);
  });

  it('exclude can name a virtual table once they are made, leaving it out like today', async () => {
    const url = await freshDatabase('vt_exclude');
    const r = ok(await transfer(agregatorCatalogue(), url, { virtual_tables: 'empty', exclude: ['tags_fts'] }));
    expect((r.outputs.virtual_tables as { name: string }[]).map((t) => t.name)).toEqual(['files_fts']);
    expect((r.outputs.skipped as { name: string; what: string }[]).filter((s) => s.what === 'virtual table').map((s) => s.name)).toEqual([
      'tags_fts',
    ]);
    expect(await tableNames(url)).toEqual(['files', 'files_fts', 'tags']);
  });

  it('schema-only and test-import make them too; test-import leaves nothing behind', async () => {
    const url = await freshDatabase('vt_modes');
    const schemaOnly = ok(await transfer(agregatorCatalogue(), url, { virtual_tables: 'empty', mode: 'schema-only' }));
    expect((schemaOnly.outputs.virtual_tables as { name: string }[]).map((t) => t.name)).toEqual(['files_fts', 'tags_fts']);
    expect(await tableNames(url)).toEqual(['files', 'files_fts', 'tags', 'tags_fts']);

    const scratch = await freshDatabase('vt_test_import');
    const test = ok(await transfer(agregatorCatalogue(), scratch, { virtual_tables: 'empty', mode: 'test-import' }));
    expect((test.outputs.virtual_tables as { name: string }[]).map((t) => t.name)).toEqual(['files_fts', 'tags_fts']);
    expect(await query(scratch, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'runbook_test_import_%'`)).toEqual([]);
  });

  it('data-only makes the virtual tables the migrations did not make, and undo drops only those', async () => {
    const url = await freshDatabase('vt_data_only');
    // What the app's models make on PostgreSQL (db.create_all / alembic): no FTS tables.
    await query(
      url,
      `CREATE TABLE files (id serial PRIMARY KEY, path varchar NOT NULL UNIQUE, filename varchar NOT NULL, title varchar, author varchar, keywords varchar, abstract text, text_excerpt text);
      CREATE TABLE tags (id serial PRIMARY KEY, file_id integer NOT NULL REFERENCES files (id) ON DELETE CASCADE, key varchar NOT NULL, value varchar NOT NULL)`,
    );
    const r = ok(await transfer(agregatorCatalogue(), url, { virtual_tables: 'empty', mode: 'data-only' }));
    expect((r.outputs.virtual_tables as { name: string }[]).map((t) => t.name)).toEqual(['files_fts', 'tags_fts']);
    await appMaintenance(url);
    const undone = await sqliteToPg.undo!(r.undo!, context(agregatorCatalogue(), url));
    expect(undone).toMatchObject({
      ok: true,
      outputs: { dropped: ['"public"."files_fts"', '"public"."tags_fts"'], emptied: ['files', 'tags'] },
    });
    expect(await tableNames(url)).toEqual(['files', 'tags']);
  });

  it('a resumed transfer keeps the empty tables the interrupted run made, and undo still drops them', async () => {
    const url = await freshDatabase('vt_resume');
    const path = sqliteFile(`
      CREATE TABLE files (id INTEGER PRIMARY KEY, title TEXT);
      CREATE VIRTUAL TABLE files_fts USING fts5(file_id UNINDEXED, title);
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) INSERT INTO files SELECT i, 'title ' || i FROM s;
    `);
    const controller = new AbortController();
    const first = await sqliteToPg.run(
      { source: 'src', target: 'db', virtual_tables: 'empty' },
      {
        ...context(path, url),
        signal: controller.signal,
        progress: (p) => {
          if (p.done < (p.total ?? 0)) controller.abort();
        },
      },
    );
    expect(first).toMatchObject({ ok: false, message: 'the transfer was stopped while copying "files"' });
    expect(await query(url, `SELECT table_name, created FROM _runbook_transfer ORDER BY 1`)).toEqual([
      { table_name: 'files', created: true },
      { table_name: 'files_fts', created: true },
    ]);
    const second = ok(await transfer(path, url, { virtual_tables: 'empty' }));
    expect(second.outputs.counts).toEqual({ files: 200000 });
    expect((second.outputs.virtual_tables as { name: string }[]).map((t) => t.name)).toEqual(['files_fts']);
    expect(await query(url, `SELECT to_regclass('_runbook_transfer') AS r`)).toEqual([{ r: null }]);
    const undone = await sqliteToPg.undo!(second.undo!, context(path, url));
    expect(undone).toMatchObject({ ok: true, outputs: { dropped: ['"public"."files"', '"public"."files_fts"'] } });
    expect(await tableNames(url)).toEqual([]);
  });

  it("names the virtual tables in the dry run's DDL", async () => {
    const lines = await sqliteToPg.inspect!(
      { source: 'src', target: 'db', virtual_tables: 'empty' },
      context(agregatorCatalogue(), 'postgresql://x@127.0.0.1:1/x'),
    );
    expect(lines.filter((l) => l.text.includes('files_fts'))).toEqual([
      {
        label: 'ddl',
        text: 'CREATE TABLE "public"."files_fts" (\n  "rowid" bigint NOT NULL,\n  "file_id" bigint,\n  "title" text,\n  "author" text,\n  "keywords" text,\n  "abstract" text,\n  "text_excerpt" text,\n  PRIMARY KEY ("rowid")\n);',
      },
      {
        label: 'ddl',
        text: `COMMENT ON TABLE "public"."files_fts" IS 'SQLite fts5 virtual table files_fts, created empty by design by runbook: the application fills it';`,
      },
      ...shadows
        .filter((s) => s.startsWith('files'))
        .map((s) => ({ label: 'skip', text: `shadow table "${s}": internal storage of files_fts, not copied` })),
    ]);
    const described = sqliteToPg.describe(
      { source: 'src', target: 'db', virtual_tables: 'empty' },
      context(agregatorCatalogue(), 'postgresql://x@127.0.0.1:1/x'),
    );
    expect(described).toContainEqual({
      label: 'virtual tables',
      text: 'each SQLite virtual table (FTS5, ...) is created as an empty plain table with its declared columns plus rowid, so the app can keep writing to it; shadow tables are not copied',
    });
  });
});
