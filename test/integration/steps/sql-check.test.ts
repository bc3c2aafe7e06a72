import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOST_HINT } from '../../../src/db/lost-connection.js';
import { sqlCheck } from '../../../src/steps/sql-check.js';
import type { ConnectionSpec } from '../../../src/core/connection.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { freePort } from '../../helpers/embedded-pg.js';
import { freshDatabase, noSessionsLeft, query, terminateWhenRunning } from '../../helpers/pg.js';
import { stepContext, type RecordedContext } from '../../helpers/step-context.js';

type Spec = Parameters<typeof sqlCheck.run>[0];

function failure(r: StepResult): { message: string; hint?: string } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return { message: r.message, ...(r.hint === undefined ? {} : { hint: r.hint }) };
}

/** A context whose work dir holds catalogue.db with a small files table. */
function sqliteContext(extra: Partial<RecordedContext> = {}): RecordedContext {
  const ctx = stepContext({ connections: { source: { name: 'source', type: 'sqlite', path: 'catalogue.db' } }, ...extra });
  const db = new Database(join(ctx.workDir, 'catalogue.db'));
  db.exec(`create table files (id integer primary key, name text not null);
           insert into files (name) values ('a'), ('b'), ('c');`);
  db.close();
  return ctx;
}

const onSource = (fields: Omit<Spec, 'connection'>): Spec => ({ connection: 'source', ...fields }) as Spec;

describe('sql-check on SQLite', () => {
  it('passes PRAGMA integrity_check on a healthy file and outputs rows, value and row_count', async () => {
    const ctx = sqliteContext();
    const r = await sqlCheck.run(onSource({ query: 'PRAGMA integrity_check', expect: { value: 'ok' } }), ctx);
    expect(r).toEqual({ ok: true, outputs: { rows: [{ integrity_check: 'ok' }], value: 'ok', row_count: 1 }, note: '1 row(s)' });
  });

  it('fails PRAGMA integrity_check on a damaged file, quoting every problem line', async () => {
    const ctx = sqliteContext();
    const db = new Database(join(ctx.workDir, 'catalogue.db'));
    // An index whose definition no longer matches its entries: what a torn write leaves behind.
    db.exec('create index files_name on files(name)');
    db.unsafeMode(true);
    db.pragma('writable_schema = on');
    db.exec(`update sqlite_master set sql = 'CREATE INDEX files_name ON files(name DESC)' where name = 'files_name'`);
    db.close();
    const r = await sqlCheck.run(onSource({ query: 'PRAGMA integrity_check', expect: { value: 'ok' } }), ctx);
    expect(failure(r)).toEqual({
      message: 'expected value "ok" but the query returned "row 1 missing from index files_name\\nrow 2 missing from index files_name"',
    });
  });

  it('compares values by the expectation\'s type: a number matches 1 and "1", a string matches the text', async () => {
    const ctx = sqliteContext();
    expect((await sqlCheck.run(onSource({ query: 'select 1', expect: { value: 1 } }), ctx)).ok).toBe(true);
    expect((await sqlCheck.run(onSource({ query: "select '1'", expect: { value: 1 } }), ctx)).ok).toBe(true);
    expect((await sqlCheck.run(onSource({ query: 'select 1', expect: { value: '1' } }), ctx)).ok).toBe(true);
    expect((await sqlCheck.run(onSource({ query: 'select 1 = 1', expect: { value: true } }), ctx)).ok).toBe(true);
    expect((await sqlCheck.run(onSource({ query: 'select null', expect: { value: null } }), ctx)).ok).toBe(true);
    expect(failure(await sqlCheck.run(onSource({ query: 'select 2', expect: { value: 1 } }), ctx))).toEqual({
      message: 'expected value 1 but the query returned 2',
    });
    expect(failure(await sqlCheck.run(onSource({ query: "select 'ok '", expect: { value: 'ok' } }), ctx))).toEqual({
      message: 'expected value "ok" but the query returned "ok "',
    });
    expect(failure(await sqlCheck.run(onSource({ query: 'select name from files where 0', expect: { value: 'a' } }), ctx))).toEqual({
      message: 'expected value "a" but the query returned no rows',
    });
    expect(failure(await sqlCheck.run(onSource({ query: 'select 1 as a, 2 as b', expect: { value: 1 } }), ctx))).toEqual({
      message: 'expected value 1 but the query returned 2 columns (a, b); a value check needs exactly one column',
    });
  });

  it('binds params and never splices them into the SQL', async () => {
    const ctx = sqliteContext();
    const evil = "a'; drop table files; --";
    const r = await sqlCheck.run(
      onSource({ query: 'select count(*) from files where name = ? or name = ?', params: [evil, 'b'], expect: { value: 1 } }),
      ctx,
    );
    expect(r.ok).toBe(true);
    expect((await sqlCheck.run(onSource({ query: 'select count(*) from files', expect: { value: 3 } }), ctx)).ok).toBe(true);
  });

  it('opens SQLite read-only: a writing query fails unless write: true', async () => {
    const ctx = sqliteContext();
    const r = await sqlCheck.run(onSource({ query: "insert into files (name) values ('d')" }), ctx);
    expect(failure(r)).toEqual({
      message: 'query failed on connection "source": the query writes to the database, but the check is read-only',
      hint: 'add `write: true` to the step if the change is intended',
    });
    const w = await sqlCheck.run(onSource({ query: "insert into files (name) values ('d')", write: true }), ctx);
    expect(w).toEqual({ ok: true, outputs: { rows: [], value: null, row_count: 0 }, note: '0 row(s); changed 1 row(s)' });
    expect((await sqlCheck.run(onSource({ query: 'select count(*) from files', expect: { value: 4 } }), ctx)).ok).toBe(true);
  });

  it('checks row_count, rows, empty and matches with exact messages', async () => {
    const ctx = sqliteContext();
    const run = (fields: Omit<Spec, 'connection'>) => sqlCheck.run(onSource(fields), ctx);
    expect(
      (
        await run({
          query: 'select id, name from files order by id',
          expect: {
            rows: [
              [1, 'a'],
              [2, 'b'],
              [3, 'c'],
            ],
          },
        })
      ).ok,
    ).toBe(true);
    expect(
      failure(
        await run({
          query: 'select id, name from files order by id',
          expect: {
            rows: [
              [1, 'a'],
              [2, 'x'],
              [3, 'c'],
            ],
          },
        }),
      ),
    ).toEqual({
      message: 'row 2 differs: expected [2,"x"], got [2,"b"]',
    });
    expect(failure(await run({ query: 'select id from files order by id', expect: { rows: [[1]] } }))).toEqual({
      message: 'expected 1 row(s), got 3: [1], [2], [3]',
    });
    expect(failure(await run({ query: "select * from files where name = 'zz'", expect: { row_count: 1 } }))).toEqual({
      message: 'expected 1 row(s), got 0',
    });
    expect(failure(await run({ query: 'select * from files order by id', expect: { empty: true } }))).toEqual({
      message: 'expected no rows, got 3; the first: {"id":1,"name":"a"}',
    });
    expect(failure(await run({ query: "select * from files where name = 'zz'", expect: { empty: false } }))).toEqual({
      message: 'expected at least one row, got none',
    });
    expect((await run({ query: 'select sqlite_version()', expect: { matches: '^3\\.\\d+\\.\\d+$' } })).ok).toBe(true);
    expect(failure(await run({ query: "select 'wal'", expect: { matches: '^delete$' } }))).toEqual({
      message: 'expected value matching /^delete$/ but the query returned "wal"',
    });
    expect(failure(await run({ query: 'select 1', expect: { matches: '(' } }))).toEqual({
      message: 'expect.matches /(/ is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
      hint: 'fix the regular expression; the query was not run',
    });
  });

  it('keeps at most 1000 rows in the rows output and warns', async () => {
    const ctx = sqliteContext();
    const r = await sqlCheck.run(
      onSource({
        query: 'with recursive n(i) as (select 1 union all select i + 1 from n where i < 1500) select i from n',
        expect: { row_count: 1500 },
      }),
      ctx,
    );
    if (!r.ok) throw new Error(r.message);
    expect((r.outputs.rows as unknown[]).length).toBe(1000);
    expect(r.outputs.row_count).toBe(1500);
    expect(ctx.warnings).toEqual(['the query returned 1500 rows; the rows output keeps the first 1000']);
  });

  it('reports a missing file and a SQL error as values', async () => {
    const ctx = sqliteContext({ connection: () => ({ name: 'source', type: 'sqlite', path: 'missing.db' }) });
    expect(failure(await sqlCheck.run(onSource({ query: 'select 1' }), ctx))).toEqual({
      message: `cannot open "source": SQLite file "missing.db" does not exist (looked at ${join(ctx.workDir, 'missing.db')})`,
      hint: `relative SQLite paths resolve against ${ctx.workDir}`,
    });
    const ok = sqliteContext();
    expect(failure(await sqlCheck.run(onSource({ query: 'select * from nope' }), ok))).toEqual({
      message: 'query failed on connection "source": no such table: nope',
      hint: `the query ran on "source" (SQLite file catalogue.db); try it there by hand to see the full error`,
    });
  });
});

describe('sql-check on PostgreSQL', () => {
  let url: string;
  let target: ConnectionSpec;
  const ctxFor = (conn: ConnectionSpec = target, extra: Partial<RecordedContext> = {}) =>
    stepContext({ connections: { target: conn }, secrets: ['runbook-test-pw'], ...extra });
  const onTarget = (fields: Omit<Spec, 'connection'>): Spec => ({ connection: 'target', ...fields }) as Spec;

  beforeAll(async () => {
    url = await freshDatabase('sql_check');
    target = { name: 'target', type: 'postgres', url };
  });

  it('compares the server version with >= and names the column on failure', async () => {
    const [row] = await query<{ v: string }>(url, "select current_setting('server_version_num') as v");
    const version = Number(row?.v);
    const sql = "select current_setting('server_version_num')::int as server_version_num";
    expect((await sqlCheck.run(onTarget({ query: sql, expect: { compare: { op: '>=', value: 120000 } } }), ctxFor())).ok).toBe(true);
    expect(failure(await sqlCheck.run(onTarget({ query: sql, expect: { compare: { op: '>=', value: 9900000 } } }), ctxFor()))).toEqual({
      message: `expected server_version_num >= 9900000, got ${version}`,
    });
    expect(
      failure(await sqlCheck.run(onTarget({ query: "select 'x' as v", expect: { compare: { op: '<', value: 1 } } }), ctxFor())),
    ).toEqual({
      message: 'expected v < 1, got "x", which is not a number',
    });
  });

  it('checks that the target has no tables, reading count(*) (a bigint) as a number', async () => {
    const sql = "select count(*) from information_schema.tables where table_schema = 'public'";
    const r = await sqlCheck.run(onTarget({ query: sql, expect: { value: 0 } }), ctxFor());
    expect(r).toEqual({ ok: true, outputs: { rows: [{ count: 0 }], value: 0, row_count: 1 }, note: '1 row(s)' });
    const busy = await freshDatabase('sql_check_busy');
    await query(busy, 'create table files (id int)');
    const r2 = await sqlCheck.run(onTarget({ query: sql, expect: { value: 0 } }), ctxFor({ name: 'target', type: 'postgres', url: busy }));
    expect(failure(r2)).toEqual({ message: 'expected value 0 but the query returned 1' });
  });

  it('binds $1 params and returns dates, big integers and bytes as plain JSON', async () => {
    const r = await sqlCheck.run(
      onTarget({
        query:
          "select $1::text as name, 9007199254740993::bigint as big, 5000000000::bigint as n, date '2024-01-02' as d, timestamp '2024-01-02 03:04:05.5' as ts, '\\x0102'::bytea as b, 1.50::numeric as price, true as flag",
        params: ["o'hara"],
        expect: { rows: [["o'hara", '9007199254740993', 5000000000, '2024-01-02', '2024-01-02 03:04:05.5', '\\x0102', 1.5, true]] },
      }),
      ctxFor(),
    );
    expect(r.ok && r.outputs.rows).toEqual([
      {
        name: "o'hara",
        big: '9007199254740993',
        n: 5000000000,
        d: '2024-01-02',
        ts: '2024-01-02 03:04:05.5',
        b: '\\x0102',
        price: '1.50',
        flag: true,
      },
    ]);
  });

  it('runs read-only unless write: true, and refuses several statements in one query', async () => {
    await query(url, 'create table notes (id serial primary key, body text)');
    expect(failure(await sqlCheck.run(onTarget({ query: "insert into notes (body) values ('x')" }), ctxFor()))).toEqual({
      message: 'query failed on connection "target": cannot execute INSERT in a read-only transaction',
      hint: 'add `write: true` to the step if the change is intended',
    });
    const w = await sqlCheck.run(onTarget({ query: "insert into notes (body) values ('x')", write: true }), ctxFor());
    expect(w.ok && w.note).toBe('0 row(s); changed 1 row(s)');
    expect(failure(await sqlCheck.run(onTarget({ query: 'commit; delete from notes' }), ctxFor())).message).toBe(
      'query failed on connection "target": cannot insert multiple commands into a prepared statement',
    );
    expect(await query(url, 'select body from notes')).toEqual([{ body: 'x' }]);
  });

  it('names the connection and hides the password when a relation is missing', async () => {
    const r = failure(await sqlCheck.run(onTarget({ query: 'select * from x' }), ctxFor()));
    const shownUrl = url.replace('runbook-test-pw', '****');
    expect(r).toEqual({
      message: 'query failed on connection "target": relation "x" does not exist',
      hint: `the query ran on "target" (${shownUrl}); try it there by hand to see the full error`,
    });
    expect(JSON.stringify(r)).not.toContain('runbook-test-pw');
  });

  it('says connection refused with the masked URL and a hint', async () => {
    const port = await freePort();
    const closed: ConnectionSpec = { name: 'target', type: 'postgres', url: `postgresql://u:secret-pw@127.0.0.1:${port}/db` };
    expect(failure(await sqlCheck.run(onTarget({ query: 'select 1' }), ctxFor(closed)))).toEqual({
      message: `cannot connect to "target" (postgresql://u:****@127.0.0.1:${port}/db): connection refused`,
      hint: `is PostgreSQL running and listening on 127.0.0.1:${port}? Check the host and port of the connection URL`,
    });
  });

  it('reports a wrong password and a missing database in plain words', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const r = failure(
      await sqlCheck.run(onTarget({ query: 'select 1' }), ctxFor({ name: 'target', type: 'postgres', url: wrong.toString() })),
    );
    expect(r.message).toBe(
      `cannot connect to "target" (${wrong.toString().replace('not-the-password', '****')}): password authentication failed for user "postgres"`,
    );
    expect(r.hint).toBe('check the user name and password of the connection URL');
    const nodb = new URL(url);
    nodb.pathname = '/no_such_db';
    expect(
      failure(await sqlCheck.run(onTarget({ query: 'select 1' }), ctxFor({ name: 'target', type: 'postgres', url: nodb.toString() }))),
    ).toEqual({
      message: `cannot connect to "target" (${nodb.toString().replace('runbook-test-pw', '****')}): database "no_such_db" does not exist`,
      hint: 'create the database first, or fix the database name at the end of the URL',
    });
  });

  it('cancels the running query on the server when the step times out', async () => {
    const controller = new AbortController();
    const running = sqlCheck.run(
      onTarget({ query: 'select pg_sleep(60), 1 as marker_4711' }),
      ctxFor(target, { signal: controller.signal }),
    );
    // Abort once the server is really executing the query.
    while (
      (await query(url, "select 1 from pg_stat_activity where query like '%marker_4711%' and state = 'active' and pid <> pg_backend_pid()"))
        .length === 0
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort('timeout');
    expect(failure(await running)).toEqual({ message: 'stopped after the timeout', hint: 'the running statement was cancelled' });
    expect(
      await query(url, "select 1 from pg_stat_activity where query like '%marker_4711%' and state = 'active' and pid <> pg_backend_pid()"),
    ).toEqual([]);
  });

  it('fails naming the lost connection when the server ends the session under the query, and leaves no client open', async () => {
    const own = await freshDatabase('sql_check_lost');
    const conn: ConnectionSpec = { name: 'target', type: 'postgres', url: own };
    const running = sqlCheck.run(onTarget({ query: 'select pg_sleep(60), 1 as marker_lost' }), ctxFor(conn));
    await terminateWhenRunning(own, 'marker_lost');
    expect(failure(await running)).toEqual({
      message:
        'lost the connection to PostgreSQL "target" (terminating connection due to administrator command; SQLSTATE 57P01) during the query',
      hint: LOST_HINT,
    });
    await noSessionsLeft(own);
  });

  it('describes the check with the connection and masked params', () => {
    const lines = sqlCheck.describe(
      onTarget({ query: 'select count(*)\n  from users where password = $1', params: ['runbook-test-pw'], expect: { value: 0 } }),
      { connection: () => target, mask: (t) => t.split('runbook-test-pw').join('****') },
    );
    expect(lines).toEqual([
      { label: 'on', text: `target (postgres ${url.replace('runbook-test-pw', '****')})` },
      { label: 'query', text: 'select count(*) from users where password = $1' },
      { label: 'params', text: '["****"]' },
      { label: 'expect', text: 'value = 0' },
    ]);
    expect(
      sqlCheck.describe(onTarget({ query: 'select 1', expect: { compare: { op: '>=', value: 1 } }, write: true }), {
        connection: () => undefined,
        mask: (t) => t,
      }),
    ).toEqual([
      { label: 'on', text: 'target (known when the run reaches this step)' },
      { label: 'query', text: 'select 1' },
      { label: 'write', text: 'allowed' },
      { label: 'expect', text: 'value >= 1' },
    ]);
  });
});
