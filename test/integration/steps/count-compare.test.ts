import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOST_HINT } from '../../../src/db/lost-connection.js';
import { countCompare } from '../../../src/steps/count-compare.js';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import type { ConnectionSpec } from '../../../src/core/connection.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { freePort } from '../../helpers/embedded-pg.js';
import { freshDatabase, noSessionsLeft, query, terminateWhenRunning } from '../../helpers/pg.js';
import { stepContext, type RecordedContext } from '../../helpers/step-context.js';
import { agregatorCatalogue } from '../db/agregator-fts.js';

function failure(r: StepResult): { message: string; hint?: string } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return { message: r.message, ...(r.hint === undefined ? {} : { hint: r.hint }) };
}

const source: ConnectionSpec = { name: 'source', type: 'sqlite', path: 'catalogue.db' };

/** catalogue.db with awkward names, an FTS5 table (and its shadow tables), and known counts. */
function makeSqlite(dir: string): void {
  const db = new Database(join(dir, 'catalogue.db'));
  db.exec(`
    create table files (id integer primary key, name text, deleted integer default 0);
    create table tags (id integer primary key, label text);
    create table "order" (id integer primary key);
    create table "MyTable" (id integer primary key);
    create table "with space" (id integer primary key);
    create table empty_one (id integer primary key);
    create virtual table docs_fts using fts5(body);
    insert into files (name, deleted) values ('a', 0), ('b', 0), ('c', 1);
    insert into tags (label) values ('t1'), ('t2'), ('t3'), ('t4'), ('t5');
    insert into "order" default values;
    insert into "MyTable" default values; insert into "MyTable" default values;
    insert into "with space" default values;
    insert into docs_fts (body) values ('hello'), ('world');
  `);
  db.close();
}

/** The same tables on PostgreSQL; `changes` runs afterwards to make them differ. */
async function makePostgres(url: string, changes = ''): Promise<void> {
  await query(
    url,
    `
    create table files (id int primary key, name text, deleted int default 0);
    create table tags (id int primary key, label text);
    create table "order" (id int primary key);
    create table "MyTable" (id int primary key);
    create table "with space" (id int primary key);
    create table empty_one (id int primary key);
    insert into files values (1, 'a', 0), (2, 'b', 0), (3, 'c', 1);
    insert into tags select g, 't' || g from generate_series(1, 5) g;
    insert into "order" values (1);
    insert into "MyTable" values (1), (2);
    insert into "with space" values (1);
    ${changes}
  `,
  );
}

const allTables = ['MyTable', 'empty_one', 'files', 'order', 'tags', 'with space'];
const fts = [
  { table: 'docs_fts', reason: 'virtual table' },
  { table: 'docs_fts_config', reason: 'shadow table of docs_fts' },
  { table: 'docs_fts_content', reason: 'shadow table of docs_fts' },
  { table: 'docs_fts_data', reason: 'shadow table of docs_fts' },
  { table: 'docs_fts_docsize', reason: 'shadow table of docs_fts' },
  { table: 'docs_fts_idx', reason: 'shadow table of docs_fts' },
];

describe('count-compare', () => {
  let same: string;
  beforeAll(async () => {
    same = await freshDatabase('count_same');
    await makePostgres(same);
  });

  function ctxWith(targetUrl: string, extra: Partial<RecordedContext> = {}): RecordedContext {
    const ctx = stepContext({
      connections: { source, target: { name: 'target', type: 'postgres', url: targetUrl } },
      secrets: ['runbook-test-pw'],
      ...extra,
    });
    makeSqlite(ctx.workDir);
    return ctx;
  }

  it('passes when every table of the source has the same count, quoting reserved, mixed-case and spaced names', async () => {
    const ctx = ctxWith(same);
    const r = await countCompare.run({ source: 'source', target: 'target' }, ctx);
    expect(r).toEqual({
      ok: true,
      outputs: {
        counts: {
          MyTable: { source: 2, target: 2 },
          empty_one: { source: 0, target: 0 },
          files: { source: 3, target: 3 },
          order: { source: 1, target: 1 },
          tags: { source: 5, target: 5 },
          'with space': { source: 1, target: 1 },
        },
        tables: allTables,
        total_source: 12,
        total_target: 12,
        skipped: fts,
        verify: 'counts',
        rows_per_second: expect.any(Number),
      },
      note: '6 tables, 12 rows on each side',
    });
    expect(ctx.lines).toEqual(fts.map((s) => `skipped ${s.table}: ${s.reason}`));
    expect(ctx.warnings).toEqual([]);
  });

  it('fails listing every table that differs, with both counts and "missing"', async () => {
    const url = await freshDatabase('count_diff');
    await makePostgres(url, 'delete from files where id = 3; drop table tags;');
    const r = await countCompare.run({ source: 'source', target: 'target' }, ctxWith(url));
    expect(failure(r)).toEqual({
      message: 'row counts differ in 2 of 6 tables: files 3 -> 2, tags 5 -> missing',
      hint: 'counts read "source -> target" for source and target; "missing" means the table does not exist on that side (PostgreSQL: every schema but the system ones)',
    });
    expect(!r.ok && r.outputs?.counts).toMatchObject({ files: { source: 3, target: 2 }, tags: { source: 5, target: null } });
  });

  it('counts only the listed tables, applying where on both sides', async () => {
    const url = await freshDatabase('count_where');
    await makePostgres(url, 'delete from files where id = 3;');
    const spec = { source: 'source', target: 'target', tables: ['files', 'order'], where: { files: 'deleted = 0' } };
    const r = await countCompare.run(spec, ctxWith(url));
    expect(r.ok && r.outputs).toEqual({
      counts: { files: { source: 2, target: 2 }, order: { source: 1, target: 1 } },
      tables: ['files', 'order'],
      total_source: 3,
      total_target: 3,
      skipped: [],
      verify: 'counts',
      rows_per_second: expect.any(Number),
    });
  });

  it('shows a listed table missing on both sides as a difference', async () => {
    const r = await countCompare.run({ source: 'source', target: 'target', tables: ['files', 'nope'] }, ctxWith(same));
    expect(failure(r).message).toBe('row counts differ in 1 of 2 tables: nope missing -> missing');
  });

  it('rejects a where condition for a table it does not compare', async () => {
    const listed = await countCompare.run(
      { source: 'source', target: 'target', tables: ['files'], where: { tag: 'id > 0' } },
      ctxWith(same),
    );
    expect(failure(listed)).toEqual({
      message: 'where has a condition for "tag", but tables does not list it',
      hint: 'add the table to tables, or remove its condition; nothing was counted',
    });
    const all = await countCompare.run({ source: 'source', target: 'target', where: { tag: 'id > 0' } }, ctxWith(same));
    expect(failure(all)).toEqual({
      message: 'where has a condition for "tag", but the source "source" has no such table',
      hint: 'the tables of the source are: MyTable, empty_one, files, order, tags, with space',
    });
  });

  it("reports a bad where condition with the table, the connection and the database's message", async () => {
    const r = await countCompare.run(
      { source: 'source', target: 'target', tables: ['files'], where: { files: 'nope = 1' } },
      ctxWith(same),
    );
    expect(failure(r).message).toBe('count failed on connection "source": table "files": no such column: nope');
    const url = await freshDatabase('count_bad_where');
    await makePostgres(url, 'alter table files drop column deleted;');
    const t = await countCompare.run(
      { source: 'source', target: 'target', tables: ['files'], where: { files: 'deleted = 0' } },
      ctxWith(url),
    );
    expect(failure(t).message).toBe('count failed on connection "target": table "files": column "deleted" does not exist');
  });

  it('matches a table whose name was folded to lower case on the target, with a warning', async () => {
    const url = await freshDatabase('count_fold');
    await makePostgres(url, 'alter table "MyTable" rename to mytable;');
    const ctx = ctxWith(url);
    const r = await countCompare.run({ source: 'source', target: 'target' }, ctx);
    expect(r.ok).toBe(true);
    expect(ctx.warnings).toEqual(['table "MyTable" was counted as "mytable" on the target (no table of that exact name there)']);
  });

  it('compares two PostgreSQL databases in a named schema', async () => {
    const a = await freshDatabase('count_schema_a');
    const b = await freshDatabase('count_schema_b');
    await query(
      a,
      'create schema app; create table app.users (id int); insert into app.users values (1), (2); create table public.users (id int)',
    );
    await query(b, 'create schema app; create table app.users (id int); insert into app.users values (1)');
    const ctx = stepContext({ connections: { a: { name: 'a', type: 'postgres', url: a }, b: { name: 'b', type: 'postgres', url: b } } });
    const r = await countCompare.run({ source: 'a', target: 'b', schema: 'app' }, ctx);
    expect(failure(r).message).toBe('row counts differ in 1 of 1 tables: users 2 -> 1');
  });

  it('looks for the tables in every schema but the system ones by default, or only in the listed schemas', async () => {
    const url = await freshDatabase('count_schemas');
    await query(
      url,
      "create schema catalog; create table catalog.files (id int primary key, name text, deleted int); insert into catalog.files values (1, 'a', 0), (2, 'b', 0), (3, 'c', 1)",
    );
    const found = await countCompare.run({ source: 'source', target: 'target', tables: ['files'] }, ctxWith(url));
    expect(found).toMatchObject({ ok: true, outputs: { counts: { files: { source: 3, target: 3 } } } });
    const listed = await countCompare.run({ source: 'source', target: 'target', tables: ['files'], schemas: ['public'] }, ctxWith(url));
    expect(failure(listed)).toEqual({
      message: 'row counts differ in 1 of 1 tables: files 3 -> missing',
      hint: 'counts read "source -> target" for source and target; "missing" means the table does not exist on that side (PostgreSQL schema "public")',
    });
  });

  it('asks for schemas: when a table name is in more than one schema of the target', async () => {
    const url = await freshDatabase('count_schemas_twice');
    await query(url, 'create schema catalog; create table catalog.files (id int); create table public.files (id int)');
    const twice = await countCompare.run({ source: 'source', target: 'target', tables: ['files'] }, ctxWith(url));
    expect(failure(twice).hint).toBe(
      'counts read "source -> target" for source and target; "missing" means the table does not exist on that side (PostgreSQL: every schema but the system ones);' +
        ' "files" is in more than one schema on the target (catalog.files, public.files): name the one to compare with schemas:',
    );
    const chosen = await countCompare.run({ source: 'source', target: 'target', tables: ['files'], schemas: ['catalog'] }, ctxWith(url));
    expect(failure(chosen).message).toBe('row counts differ in 1 of 1 tables: files 3 -> 0');
  });

  it('refuses schema and schemas together', async () => {
    const r = await countCompare.run({ source: 'source', target: 'target', schema: 'a', schemas: ['b'] }, ctxWith(same));
    expect(failure(r)).toEqual({
      message: 'the step gives both schema and schemas',
      hint: 'keep schemas (a list); schema is its one-name form',
    });
  });

  it('fails naming the lost connection and the table when a session is ended mid-count, and leaves no client open', async () => {
    const a = await freshDatabase('count_lost_a');
    const b = await freshDatabase('count_lost_b');
    for (const url of [a, b]) await query(url, 'create table users (id int); insert into users values (1)');
    const ctx = stepContext({ connections: { a: { name: 'a', type: 'postgres', url: a }, b: { name: 'b', type: 'postgres', url: b } } });
    // The condition runs on both sides, but only the source's count waits, so its session is the one ended.
    const slowOnA = `(select true from pg_sleep(case when current_database() = '${new URL(a).pathname.slice(1)}' then 60 else 0 end))`;
    const running = countCompare.run({ source: 'a', target: 'b', where: { users: slowOnA } }, ctx);
    await terminateWhenRunning(a, 'pg_sleep(case');
    expect(failure(await running)).toEqual({
      message:
        'lost the connection to PostgreSQL "a" (terminating connection due to administrator command; SQLSTATE 57P01) during the count of table "users"',
      hint: LOST_HINT,
    });
    await noSessionsLeft(a);
    await noSessionsLeft(b);
  });

  it('fails with the masked URL when the target refuses connections', async () => {
    const port = await freePort();
    const r = await countCompare.run(
      { source: 'source', target: 'target' },
      ctxWith(`postgresql://postgres:runbook-test-pw@127.0.0.1:${port}/x`),
    );
    expect(failure(r)).toEqual({
      message: `cannot connect to "target" (postgresql://postgres:****@127.0.0.1:${port}/x): connection refused`,
      hint: `is PostgreSQL running and listening on 127.0.0.1:${port}? Check the host and port of the connection URL`,
    });
  });

  it('describes both sides with the password masked', () => {
    const target: ConnectionSpec = { name: 'target', type: 'postgres', url: 'postgresql://app:pw@db:5432/cat' };
    const ctx = { connection: (n: string) => (n === 'source' ? source : target), mask: (t: string) => t };
    expect(countCompare.describe({ source: 'source', target: 'target' }, ctx)).toEqual([
      { label: 'compare', text: 'source (sqlite catalogue.db) -> target (postgres postgresql://app:****@db:5432/cat)' },
      { label: 'tables', text: 'all tables of the source' },
    ]);
    expect(
      countCompare.describe(
        { source: 'source', target: 'target', tables: ['files', 'tags'], where: { files: 'deleted = 0' }, schema: 'app' },
        ctx,
      ),
    ).toEqual([
      { label: 'compare', text: 'source (sqlite catalogue.db) -> target (postgres postgresql://app:****@db:5432/cat)' },
      { label: 'tables', text: 'files, tags' },
      { label: 'where', text: 'files: deleted = 0' },
      { label: 'schema', text: 'app' },
    ]);
    expect(
      countCompare.describe({ source: 'source', target: 'target', schemas: ['app', 'audit'], verify: 'checksums' }, ctx).slice(2),
    ).toEqual([
      { label: 'schemas', text: 'app, audit' },
      { label: 'verify', text: 'row counts, then checksums of every row by key ranges' },
    ]);
  });
});

describe('count-compare after a transfer with virtual_tables: empty', () => {
  const shadowsOf = (v: string) =>
    ['config', 'content', 'data', 'docsize', 'idx'].map((s) => ({ table: `${v}_${s}`, reason: `shadow table of ${v}` }));

  async function transferred(label: string): Promise<{ url: string; ctx: RecordedContext }> {
    const url = await freshDatabase(label);
    const path = agregatorCatalogue();
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    const r = await sqliteToPg.run({ source: 'source', target: 'target', virtual_tables: 'empty' }, ctx);
    if (!r.ok) throw new Error(r.message);
    return { url, ctx };
  }

  it('passes, naming files_fts and tags_fts as virtual tables created empty by design, listed or not', async () => {
    const { ctx } = await transferred('count_vt');
    const r = await countCompare.run({ source: 'source', target: 'target' }, ctx);
    const skipped = [
      { table: 'files_fts', reason: 'virtual table, created empty by design' },
      ...shadowsOf('files_fts'),
      { table: 'tags_fts', reason: 'virtual table, created empty by design' },
      ...shadowsOf('tags_fts'),
    ];
    expect(r).toEqual({
      ok: true,
      outputs: {
        counts: { files: { source: 2, target: 2 }, tags: { source: 3, target: 3 } },
        tables: ['files', 'tags'],
        total_source: 5,
        total_target: 5,
        skipped,
        verify: 'counts',
        rows_per_second: expect.any(Number),
      },
      note: '2 tables, 5 rows on each side',
    });
    expect(ctx.lines).toContain('skipped files_fts: virtual table, created empty by design');

    const listed = await countCompare.run({ source: 'source', target: 'target', tables: ['files', 'files_fts'] }, ctx);
    expect(listed).toMatchObject({
      ok: true,
      outputs: { tables: ['files'], skipped: [{ table: 'files_fts', reason: 'virtual table, created empty by design' }] },
    });
  });

  it('still counts an empty table it cannot tell was made empty on purpose, and fails on it', async () => {
    const { url, ctx } = await transferred('count_vt_plain');
    await query(url, 'COMMENT ON TABLE files_fts IS NULL');
    const r = await countCompare.run({ source: 'source', target: 'target', tables: ['files', 'files_fts'] }, ctx);
    expect(failure(r).message).toBe('row counts differ in 1 of 2 tables: files_fts missing -> 0');
  });
});
