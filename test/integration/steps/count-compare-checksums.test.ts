import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../src/demo/catalogue.js';
import { countCompare } from '../../../src/steps/count-compare.js';
import type { ConnectionSpec } from '../../../src/core/connection.js';
import type { JsonValue } from '../../../src/core/json.js';
import type { StepResult } from '../../../src/steps/kind.js';
import { sqliteToPg } from '../../../src/steps/sqlite-to-pg.js';
import { freshDatabase, query, waitForRow } from '../../helpers/pg.js';
import { stepContext, type RecordedContext } from '../../helpers/step-context.js';
import { agregatorCatalogue } from '../db/agregator-fts.js';
import { fillTraps, sqliteFile, trapSchema } from '../db/trap-fixture.js';

/** One row per kind of value the transfer converts; a second table without a key. */
const itemsSql = `
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  stamp DATETIME,
  seen TIMESTAMPTZ,
  label VARCHAR(40),
  flag BOOLEAN NOT NULL,
  data BLOB,
  note TEXT,
  amount NUMERIC(10,2),
  weight FLOAT,
  meta JSON,
  password_hash VARCHAR(255)
);
CREATE TABLE log (at DATETIME, line TEXT);
INSERT INTO items VALUES
  (1, '2024-03-05 10:11:12.123456', '2024-03-05 12:11:12+02:00', 'alpha', 1, X'00010203', NULL, 12.34, 0.1, '{"a": 1, "b": [true, null]}', 'pbkdf2:sha256:first-hash'),
  (2, '2024-03-05T23:59:59Z', '2024-03-05 23:59:59', 'beta', 0, X'DEADBEEF', '', '99999999.99', 1e21, '{"z": "last", "a": "first"}', 'pbkdf2:sha256:second-hash'),
  (3, '2023-12-31', NULL, 'gamma ☃', 'true', NULL, 'plain', 0, -2.5, NULL, NULL),
  (4, '2024-02-29 00:00:00.5', '2024-02-29 00:00:00.5Z', 'delta', 0, X'', 'text with
a line break', 7.1, 3.141592653589793, '[1, 2.5, "x"]', NULL);
INSERT INTO log VALUES ('2024-01-01 00:00:00', 'start'), ('2024-01-01 00:00:01', 'start'), (NULL, NULL);
`;

function failure(r: StepResult): { message: string; hint?: string; outputs?: { readonly [k: string]: JsonValue } } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r;
}

async function transferred(label: string, path: string): Promise<{ url: string; ctx: RecordedContext }> {
  const url = await freshDatabase(label);
  // A server in another time zone must not shift a single instant.
  await query(url, `ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET timezone = 'Asia/Tokyo'`);
  const source: ConnectionSpec = { name: 'source', type: 'sqlite', path };
  const ctx = stepContext({ connections: { source, target: { name: 'target', type: 'postgres', url } }, secrets: ['runbook-test-pw'] });
  const r = await sqliteToPg.run({ source: 'source', target: 'target', virtual_tables: 'empty' }, ctx);
  if (!r.ok) throw new Error(r.message);
  return { url, ctx };
}

const checksums = { source: 'source', target: 'target', verify: 'checksums' as const };

describe('count-compare verify: checksums after a real transfer', () => {
  let url: string;
  let ctx: RecordedContext;
  beforeAll(async () => {
    ({ url, ctx } = await transferred('sums_items', sqliteFile(itemsSql)));
  });

  /** Runs the check with `change` applied on the target, then undoes it. */
  async function withChange(change: string, undo: string): Promise<StepResult> {
    await query(url, change);
    try {
      return await countCompare.run(checksums, ctx);
    } finally {
      await query(url, undo);
    }
  }

  it('passes on the data as transferred, with its speed, and says which table it compared as a multiset', async () => {
    const r = await countCompare.run(checksums, ctx);
    expect(r).toMatchObject({ ok: true, note: '2 tables, 7 rows on each side, contents equal' });
    expect(r.ok && r.outputs.rows_per_second).toBeGreaterThan(0);
    expect(r.ok && r.outputs.checksums).toMatchObject({
      items: { method: 'key ranges', key: ['id'], source_rows: 4, target_rows: 4, differing: 0, missing: 0, extra: 0, rows: [] },
      log: { method: 'multiset', key: [], no_key_reason: 'it has no primary key', contents_differ: false },
    });
    expect(ctx.lines).toContain(
      'log: compared as a multiset of rows (it has no primary key); a row that differs is named by all its values',
    );
  });

  it.each([
    [
      'a timestamp by 1 µs',
      `stamp = stamp + interval '1 microsecond'`,
      1,
      'stamp',
      '"2024-03-05 10:11:12.123456" -> "2024-03-05 10:11:12.123457"',
    ],
    [
      'an instant with a time zone by 1 µs',
      `seen = seen + interval '1 microsecond'`,
      1,
      'seen',
      '"2024-03-05 10:11:12.000000+00" -> "2024-03-05 10:11:12.000001+00"',
    ],
    ['a trailing space', `label = label || ' '`, 2, 'label', '"beta" -> "beta "'],
    ['a boolean', 'flag = not flag', 3, 'flag', '"t" -> "f"'],
    ['one byte of a blob', 'data = set_byte(data, 2, 0)', 2, 'data', '"deadbeef" -> "dead00ef"'],
    ['NULL to the empty text', `note = ''`, 1, 'note', 'NULL -> ""'],
    ['the empty text to NULL', 'note = NULL', 2, 'note', '"" -> NULL'],
    ["a numeric's last digit", 'amount = 12.35', 1, 'amount', '"12.34" -> "12.35"'],
    ["a float's last digit", 'weight = 0.10000000000000002', 1, 'weight', '"0.1" -> "0.10000000000000002"'],
    [
      'a JSON value',
      `meta = '{"a": 1, "b": [false, null]}'`,
      1,
      'meta',
      '"{\\"a\\":1,\\"b\\":[true,null]}" -> "{\\"a\\":1,\\"b\\":[false,null]}"',
    ],
  ])('names the table, key, column and both values when one cell changes: %s', async (_what, set, id, column, values) => {
    const r = failure(await withChange(`UPDATE items SET ${set} WHERE id = ${id}`, 'SELECT 1'));
    await restore();
    expect(r.message).toBe(
      `contents differ in 1 of 2 tables (1 rows differ, 0 missing on the target, 0 extra there):\nitems: 1 differing, 0 missing, 0 extra (4 -> 4 rows)\n  id=${id}: ${column} ${values}`,
    );
    expect(r.outputs?.checksums).toMatchObject({ items: { differing: 1, rows: [{ kind: 'differs', key: { id: String(id) } }] } });
  });

  // Each changed-cell case puts the row back from the source afterwards.
  async function restore(): Promise<void> {
    await query(
      url,
      `DELETE FROM items; INSERT INTO items VALUES
      (1, '2024-03-05 10:11:12.123456', '2024-03-05 12:11:12+02:00', 'alpha', true, '\\x00010203', NULL, 12.34, 0.1, '{"a": 1, "b": [true, null]}', 'pbkdf2:sha256:first-hash'),
      (2, '2024-03-05 23:59:59', '2024-03-05 23:59:59+00', 'beta', false, '\\xdeadbeef', '', 99999999.99, 1e21, '{"z": "last", "a": "first"}', 'pbkdf2:sha256:second-hash'),
      (3, '2023-12-31', NULL, 'gamma ☃', true, NULL, 'plain', 0, -2.5, NULL, NULL),
      (4, '2024-02-29 00:00:00.5', '2024-02-29 00:00:00.5+00', 'delta', false, '\\x', E'text with\\na line break', 7.1, 3.141592653589793, '[1, 2.5, "x"]', NULL)`,
    );
    expect((await countCompare.run(checksums, ctx)).ok).toBe(true);
  }

  it('passes when JSON keys change order but the JSON stays equal', async () => {
    const r = await withChange(`UPDATE items SET meta = '{"b": [true, null],   "a": 1}' WHERE id = 1`, 'SELECT 1');
    await restore();
    expect(r.ok).toBe(true);
  });

  it('names a deleted row as missing and an added row as extra, with the counts', async () => {
    const r = failure(await withChange(`DELETE FROM items WHERE id = 3; INSERT INTO items (id, flag) VALUES (99, true)`, 'SELECT 1'));
    await restore();
    expect(r.message).toBe(
      'contents differ in 1 of 2 tables (0 rows differ, 1 missing on the target, 1 extra there):\n' +
        'items: 0 differing, 1 missing, 1 extra (4 -> 4 rows)\n  id=3: missing on the target\n  id=99: extra on the target',
    );
    const deleted = failure(await withChange('DELETE FROM items WHERE id = 4', 'SELECT 1'));
    await restore();
    expect(deleted.message).toBe(
      'row counts differ in 1 of 2 tables: items 4 -> 3\ncontents differ in 1 of 2 tables (0 rows differ, 1 missing on the target, 0 extra there):\n' +
        'items: 0 differing, 1 missing, 0 extra (4 -> 3 rows)\n  id=4: missing on the target',
    );
  });

  it('names a changed row of a table without a key by all its values, as one missing and one extra', async () => {
    const r = failure(
      await withChange(
        `UPDATE log SET line = 'stop' WHERE at = '2024-01-01 00:00:01'`,
        `UPDATE log SET line = 'start' WHERE at = '2024-01-01 00:00:01'`,
      ),
    );
    expect(r.message).toBe(
      'contents differ in 1 of 2 tables (0 rows differ, 1 missing on the target, 1 extra there):\n' +
        'log: 0 differing, 1 missing, 1 extra (3 -> 3 rows)\n' +
        '  at=2024-01-01 00:00:01.000000, line=start: missing on the target\n' +
        '  at=2024-01-01 00:00:01.000000, line=stop: extra on the target',
    );
    // A duplicate row lost on the target is one missing row, even though an equal row remains.
    const twice = failure(
      await withChange(
        `DELETE FROM log WHERE at IS NULL; INSERT INTO log VALUES (NULL, NULL), (NULL, NULL)`,
        `DELETE FROM log WHERE at IS NULL; INSERT INTO log VALUES (NULL, NULL)`,
      ),
    );
    expect(twice.message.split('\n').slice(2)).toEqual([
      'log: 0 differing, 0 missing, 1 extra (3 -> 4 rows)',
      '  at=NULL, line=NULL: extra on the target',
    ]);
  });

  it('masks the values of secret columns, named by the plan or by their name', async () => {
    const r = failure(
      await withChange(`UPDATE items SET password_hash = 'pbkdf2:sha256:changed', label = 'changed' WHERE id = 1`, 'SELECT 1'),
    );
    const listed = failure(await countCompare.run({ ...checksums, secret_columns: ['items.label'] }, ctx));
    await restore();
    expect(r.message).toContain('id=1: label "alpha" -> "changed", password_hash **** -> ****');
    expect(listed.message).toContain('id=1: label **** -> ****, password_hash **** -> ****');
    const everything = JSON.stringify([r, listed]);
    expect(everything).not.toContain('first-hash');
    expect(everything).not.toContain('sha256:changed');
    expect(listed.outputs?.checksums).toMatchObject({ items: { rows: [{ columns: { label: { source: '****', target: '****' } } }] } });
  });
});

describe('count-compare verify: checksums passes on equal data', () => {
  it('the Agregator catalogue', async () => {
    const path = join(stepContext().workDir, 'catalogue.db');
    createCatalogue(path, { files: 300 });
    const { ctx } = await transferred('sums_catalogue', path);
    const r = await countCompare.run(checksums, ctx);
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && Object.values(r.outputs.checksums as Record<string, { method: string }>).every((t) => t.method === 'key ranges')).toBe(
      true,
    );
  });

  it("the catalogue with the app's full-text tables", async () => {
    const { ctx } = await transferred('sums_fts', agregatorCatalogue());
    expect(await countCompare.run(checksums, ctx)).toMatchObject({ ok: true });
  });

  it("the transfer's trap catalogue: 2^63 integers, NUMERIC scale, 'T' and date-only datetimes, a composite text key, generated columns", async () => {
    const { ctx } = await transferred('sums_traps', sqliteFile(trapSchema, fillTraps));
    const r = await countCompare.run(checksums, ctx);
    expect(r).toMatchObject({ ok: true, outputs: { checksums: { pair: { method: 'key ranges', key: ['a', 'b'] } } } });
  });
});

describe('count-compare verify: checksums over many key ranges', () => {
  // Keys that sort differently by UTF-16 unit, by locale and by UTF-8 byte: the two sides must agree on byte order.
  const odd = ['a', 'B', 'é', 'Ａ', '😀', 'z ', 'z', '\uE000', 'ä', '0'];
  const path = () =>
    sqliteFile(
      `
    CREATE TABLE big (id INTEGER PRIMARY KEY, body TEXT);
    CREATE TABLE named (name TEXT PRIMARY KEY, n INTEGER);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7000) INSERT INTO big SELECT i, 'row ' || i FROM n;
  `,
      (db) => {
        const put = db.prepare('INSERT INTO named VALUES (?, ?)');
        db.transaction(() => {
          for (let i = 0; i < 5000; i++) put.run(`${odd[i % odd.length]}${i}`, i);
        })();
      },
    );

  it('passes on equal data, then names rows missing at a range boundary, extra past the end, and one changed in the middle, in key order', async () => {
    const { url, ctx } = await transferred('sums_ranges', path());
    expect(await countCompare.run(checksums, ctx)).toMatchObject({
      ok: true,
      outputs: { checksums: { named: { method: 'key ranges', source_rows: 5000 } } },
    });
    await query(
      url,
      `DELETE FROM big WHERE id BETWEEN 1999 AND 2001; INSERT INTO big VALUES (7001, 'new'), (7002, 'new'); UPDATE big SET body = 'changed' WHERE id = 4500;
      UPDATE named SET n = -1 WHERE name = '😀4'`,
    );
    const r = failure(await countCompare.run(checksums, ctx));
    expect(r.message).toBe(
      [
        'row counts differ in 1 of 2 tables: big 7000 -> 6999',
        'contents differ in 2 of 2 tables (2 rows differ, 3 missing on the target, 2 extra there):',
        'big: 1 differing, 3 missing, 2 extra (7000 -> 6999 rows)',
        '  id=1999: missing on the target',
        '  id=2000: missing on the target',
        '  id=2001: missing on the target',
        '  id=4500: body "row 4500" -> "changed"',
        '  id=7001: extra on the target',
        '  id=7002: extra on the target',
        'named: 1 differing, 0 missing, 0 extra (5000 -> 5000 rows)',
        '  name=😀4: n "4" -> "-1"',
      ].join('\n'),
    );
  });

  it('lists 20 rows per table and counts the rest', async () => {
    const { url, ctx } = await transferred('sums_many', path());
    await query(url, `UPDATE big SET body = body || '!' WHERE id % 100 = 0`);
    const r = failure(await countCompare.run(checksums, ctx));
    const lines = r.message.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'contents differ in 1 of 2 tables (70 rows differ, 0 missing on the target, 0 extra there):',
      'big: 70 differing, 0 missing, 0 extra (7000 -> 7000 rows)',
      '  id=100: body "row 100" -> "row 100!"',
    ]);
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines.at(-1)).toBe('  ... and 50 more');
  });
});

describe('count-compare verify: checksums on a table without a key holding a secret', () => {
  it('names the differing rows by their values with the secret column masked', async () => {
    const { url, ctx } = await transferred(
      'sums_keyless_secret',
      sqliteFile(`
      CREATE TABLE sessions (user_name TEXT, api_token TEXT, note TEXT);
      INSERT INTO sessions VALUES ('alice', 'tok-alice-123', 'a'), ('bob', 'tok-bob-456', 'b');`),
    );
    await query(url, `UPDATE sessions SET note = 'changed' WHERE user_name = 'bob'`);
    const r = failure(await countCompare.run(checksums, ctx));
    expect(r.message.split('\n').slice(1)).toEqual([
      'sessions: 0 differing, 1 missing, 1 extra (2 -> 2 rows)',
      '  user_name=bob, api_token=****, note=b: missing on the target',
      '  user_name=bob, api_token=****, note=changed: extra on the target',
    ]);
    expect(JSON.stringify(r)).not.toContain('tok-bob');
  });
});

describe('count-compare verify: checksums when a read fails', () => {
  it('names the side and the table whose read failed', async () => {
    // A virtual generated column is computed while rows are read (count(*) never computes it): abs() of -2^63
    // overflows. SQLite computes it on insert too, so the column is added to the schema after the row.
    const path = sqliteFile('CREATE TABLE t (id INTEGER PRIMARY KEY, a INT); INSERT INTO t VALUES (1, -9223372036854775807 - 1);', (db) => {
      db.unsafeMode(true);
      db.exec(`PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = 'CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, g INT GENERATED ALWAYS AS (abs(a)) VIRTUAL)' WHERE name = 't';`);
    });
    const url = await freshDatabase('sums_read_fails');
    await query(url, 'CREATE TABLE t (id bigint primary key, a bigint, g bigint); INSERT INTO t VALUES (1, -9223372036854775808, NULL)');
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    expect(failure(await countCompare.run(checksums, ctx)).message).toBe(
      'count failed on connection "source": table "t": integer overflow',
    );
  });
});

describe('count-compare verify: checksums on a primary key with NULL in it (SQLite allows it; PostgreSQL gets a UNIQUE)', () => {
  it('passes on the data as transferred, then names a changed row whose key has a NULL as missing and extra', async () => {
    const nullKey = `CREATE TABLE tags (owner TEXT, name TEXT, value TEXT, PRIMARY KEY (owner, name));
      INSERT INTO tags VALUES ('a', 'x', '1'), (NULL, 'x', '2'), (NULL, 'y', '4'), ('b', 'y', '3'), ('b', NULL, '5');`;
    const { url, ctx } = await transferred('sums_null_key', sqliteFile(nullKey));
    const same = await countCompare.run(checksums, ctx);
    expect(same.ok ? 'same' : same.message).toBe('same');
    await query(url, `UPDATE tags SET value = '9' WHERE owner IS NULL AND name = 'y'`);
    expect(failure(await countCompare.run(checksums, ctx)).message).toBe(
      'contents differ in 1 of 1 tables (0 rows differ, 1 missing on the target, 1 extra there):\n' +
        'tags: 0 differing, 1 missing, 1 extra (5 -> 5 rows)\n  owner=NULL, name=y: missing on the target\n  owner=NULL, name=y: extra on the target',
    );
  });
});

describe('count-compare verify: checksums on JSON numbers a double cannot hold', () => {
  it.each([
    [
      'an integer past 2^53 changed in its last digit',
      '{"n": 9007199254740993}',
      '{"n": 9007199254740992}',
      '"{\\"n\\":9007199254740993}" -> "{\\"n\\":9007199254740992}"',
    ],
    [
      'a number past the range of a double changed to null',
      '[1e400]',
      '[null]',
      `"[1${'0'.repeat(48)}"… (403 characters, first difference at 2) -> "[null]"`,
    ],
    [
      'a decimal changed past its 17th digit',
      '[0.12345678901234567890]',
      '[0.12345678901234567891]',
      '"[0.1234567890123456789]" -> "[0.12345678901234567891]"',
    ],
  ])('fails and names both values: %s', async (_what, sourceJson, targetJson, values) => {
    const path = sqliteFile(`CREATE TABLE t (id INTEGER PRIMARY KEY, meta JSON); INSERT INTO t VALUES (1, '${sourceJson}');`);
    const url = await freshDatabase('sums_json_numbers');
    await query(url, `CREATE TABLE t (id bigint primary key, meta jsonb); INSERT INTO t VALUES (1, '${targetJson}')`);
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    expect(
      failure(await countCompare.run(checksums, ctx))
        .message.split('\n')
        .slice(1),
    ).toEqual(['t: 1 differing, 0 missing, 0 extra (1 -> 1 rows)', `  id=1: meta ${values}`]);
  });

  it('passes when the same numbers are written differently (1.50 and 1.5e0, 100 and 1e2)', async () => {
    const path = sqliteFile(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, meta JSON); INSERT INTO t VALUES (1, '{"a": 1.50, "b": 1e2, "c": -0}');`,
    );
    const url = await freshDatabase('sums_json_same');
    await query(url, `CREATE TABLE t (id bigint primary key, meta jsonb); INSERT INTO t VALUES (1, '{"a": 1.5e0, "b": 100, "c": 0}')`);
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    expect(await countCompare.run(checksums, ctx)).toMatchObject({ ok: true });
  });
});

describe('count-compare verify: checksums when the connection is lost mid-read', () => {
  it.each([
    ['a table with a key', 'id bigint primary key, v text', 'id INTEGER PRIMARY KEY, v TEXT'],
    ['a table without a key', 'id bigint, v text', 'id INTEGER, v TEXT'],
  ])('fails the step naming the lost connection: %s', async (_what, pgColumns, sqliteColumns) => {
    const rows =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) INSERT INTO t SELECT i, printf('row %d', i) FROM n;";
    const path = sqliteFile(`CREATE TABLE t (${sqliteColumns}); ${rows}`);
    const url = await freshDatabase('sums_lost');
    await query(url, `CREATE TABLE t (${pgColumns}); INSERT INTO t SELECT i, 'row ' || i FROM generate_series(1, 400000) i`);
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    const running = countCompare.run(checksums, ctx);
    await waitForRow(
      url,
      `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and strpos(query, 'fetch forward') > 0`,
      [],
    );
    await query(
      url,
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    const r = failure(await running);
    expect(r.message).toBe(
      'lost the connection to PostgreSQL "target" (terminating connection due to administrator command; SQLSTATE 57P01) during the count of table "t"',
    );
  });
});

describe('count-compare verify: checksums on odd keys across range boundaries', () => {
  it('passes on equal rows keyed by text past U+FFFF and integers past 2^53, in a quoted table of another schema, then names one change', async () => {
    const texts = ['', ' ', 'a', 'A', 'é', '\uE000', '\uFFFD', '😀', '𝄞x', 'z\u007f', '\\N', 'NULL'];
    const ints = ['-9223372036854775808', '-9007199254740993', '-1', '0', '9007199254740993', '9223372036854775807'];
    const rows: string[] = [];
    for (let i = 0; i < 400; i++)
      for (const t of texts.slice(0, 6))
        rows.push(`('${t}${i}', ${ints[i % ints.length]}, ${i % 7 === 0 ? 'NULL' : `'${texts[(i + 6) % texts.length]}'`})`);
    for (const t of texts) for (const n of ints) rows.push(`('${t}', ${n}, '${t}|${n}')`);
    const path = sqliteFile(
      `CREATE TABLE "Odd Table" (k TEXT, n INTEGER, v TEXT, PRIMARY KEY (k, n)); INSERT INTO "Odd Table" VALUES ${rows.join(', ')};`,
    );
    const url = await freshDatabase('sums_odd_keys');
    await query(
      url,
      `CREATE SCHEMA app; CREATE TABLE app."Odd Table" (k text, n bigint, v text, PRIMARY KEY (k, n)); INSERT INTO app."Odd Table" VALUES ${rows.join(', ')}`,
    );
    const ctx = stepContext({
      connections: { source: { name: 'source', type: 'sqlite', path }, target: { name: 'target', type: 'postgres', url } },
    });
    const r = await countCompare.run({ ...checksums, schemas: ['app'] }, ctx);
    expect(r).toMatchObject({ ok: true, note: `1 tables, ${rows.length} rows on each side, contents equal` });
    await query(url, `UPDATE app."Odd Table" SET v = v || 'x' WHERE k = '😀' AND n = 9007199254740993`);
    expect(
      failure(await countCompare.run({ ...checksums, schemas: ['app'] }, ctx))
        .message.split('\n')
        .slice(1),
    ).toEqual([
      `Odd Table: 1 differing, 0 missing, 0 extra (${rows.length} -> ${rows.length} rows)`,
      '  k=😀, n=9007199254740993: v "😀|9007199254740993" -> "😀|9007199254740993x"',
    ]);
  });
});
