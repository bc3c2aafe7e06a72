import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Failed } from '../../../../src/core/failure.js';
import { noEffects, transfer } from '../../../../src/db/transfer/transfer.js';
import { transferOptions } from '../../../helpers/transfer-options.js';
import { freshDatabase, query } from '../../../helpers/pg.js';
import { sqliteFile } from '../trap-fixture.js';

const options = transferOptions;

async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Failed) return `${e.message} | ${e.failure.hint ?? ''}`;
    throw e;
  }
  return 'no failure';
}

const badValues = () =>
  sqliteFile(
    `CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER, t TEXT, d DATETIME, s VARCHAR(3));
     INSERT INTO items VALUES (1, 5, 'fine', '2024-01-02 03:04:05', 'abc');
     INSERT INTO items VALUES (2, 6, 'a' || char(0) || 'b', NULL, NULL);
     INSERT INTO items VALUES (3, 'abc', 'x', NULL, NULL);
     INSERT INTO items VALUES (4, 7, 'y', '2024-13-45 10:00:00', NULL);
     INSERT INTO items VALUES (5, 8, CAST(X'C328' AS TEXT), NULL, NULL);
     INSERT INTO items VALUES (6, 9, 'z', 1700000000, NULL);
     INSERT INTO items VALUES (7, 10, 'w', NULL, 'abcd');`,
  );

describe('values PostgreSQL would refuse', () => {
  it('fail names the table, rowid, column and value, and leaves the table empty', async () => {
    const url = await freshDatabase('bad_fail');
    const msg = await failureOf(transfer(options(badValues(), url), noEffects('public')));
    expect(msg).toBe(
      'table "items", rowid 2, column "t" (text): the value "a\\u0000b" contains a NUL byte, which PostgreSQL text cannot hold. | Fix the value in SQLite, add a cast rule for the column, or set on_bad_value: reject to write such rows to a reject file.',
    );
    expect(await query(url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 0 }]);
  });

  it('reject writes each refused row to a reject file and counts it', async () => {
    const url = await freshDatabase('bad_reject');
    const effects = noEffects('public');
    const report = await transfer(options(badValues(), url, { onBadValue: 'reject' }), effects);
    expect(report.tables).toEqual([{ table: 'items', sourceRows: 7, loaded: 2, rejected: 5, resumed: false }]);
    // An epoch number in a DATETIME column is the instant SQLite's date functions read.
    expect(await query(url, 'SELECT id::int, d::text FROM items ORDER BY id')).toEqual([
      { id: 1, d: '2024-01-02 03:04:05' },
      { id: 6, d: '2023-11-14 22:13:20' },
    ]);
    expect(report.conversions).toEqual([{ table: 'items', column: 'd', what: 'epoch seconds', rows: 1 }]);
    const lines = readFileSync(report.rejectFiles[0] ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; column: string; reason: string });
    expect(lines.map((l) => `${l.at} ${l.column}: ${l.reason}`)).toEqual([
      'rowid 2 t: contains a NUL byte, which PostgreSQL text cannot hold',
      'rowid 3 n: is text, not an integer',
      'rowid 4 d: is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])',
      'rowid 5 t: is not valid UTF-8',
      'rowid 7 s: is 4 characters long, more than varchar(3) holds',
    ]);
  });

  it('a cast rule with epoch reads numbers as Unix time, and text casts keep odd values', async () => {
    const url = await freshDatabase('bad_cast');
    const report = await transfer(
      options(badValues(), url, {
        onBadValue: 'reject',
        cast: [
          { type: 'DATETIME', to: 'timestamp', epoch: 'seconds' },
          { column: 'items.n', to: 'text' },
          { column: 'items.s', to: 'text' },
        ],
      }),
      noEffects('public'),
    );
    expect(report.tables[0]?.rejected).toBe(3);
    expect(await query(url, `SELECT id::int, n, d::text FROM items ORDER BY id`)).toEqual([
      { id: 1, n: '5', d: '2024-01-02 03:04:05' },
      { id: 3, n: 'abc', d: null },
      { id: 6, n: '9', d: '2023-11-14 22:13:20' },
      { id: 7, n: '10', d: null },
    ]);
  });
});

const orphans = () =>
  sqliteFile(
    `PRAGMA foreign_keys = OFF;
     CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
     CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE SET NULL, label TEXT);
     INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
     INSERT INTO child VALUES (1, 1, 'ok'), (2, 9, 'orphan'), (3, NULL, 'no parent needed'), (4, 8, 'orphan too');`,
  );

describe('rows whose foreign key points at nothing', () => {
  it('fail lists them per foreign key before anything is created', async () => {
    const url = await freshDatabase('orph_fail');
    const effects = noEffects('public');
    const msg = await failureOf(transfer(options(orphans(), url), effects));
    expect(msg).toBe(
      'rows whose foreign key points at no parent row (SQLite did not enforce it): child(parent_id) -> parent(id): 2 rows with no parent (rowid/key 2, 4). | Delete or fix those rows in SQLite, or set on_orphans: reject (write them to a reject file) or keep (load them and leave the foreign key out).',
    );
    expect(effects.tablesCreated).toEqual([]);
  });

  it('reject keeps them out and the foreign key in', async () => {
    const url = await freshDatabase('orph_reject');
    const report = await transfer(options(orphans(), url, { onOrphans: 'reject' }), noEffects('public'));
    expect(report.tables.find((t) => t.table === 'child')).toEqual({
      table: 'child',
      sourceRows: 4,
      loaded: 2,
      rejected: 2,
      resumed: false,
    });
    expect(await query(url, 'SELECT id::int FROM child ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await query(url, `SELECT conname, confdeltype FROM pg_constraint WHERE contype = 'f'`)).toEqual([
      { conname: 'child_parent_id_fkey', confdeltype: 'n' },
    ]);
  });

  it('counts orphans with several rows per key, NULLs, text and real keys, and an index on the key', async () => {
    const file = sqliteFile(
      `PRAGMA foreign_keys = OFF;
       CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
       CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), parent_code TEXT REFERENCES parent(code));
       CREATE INDEX ix_child_parent_id ON child (parent_id);
       CREATE INDEX ix_child_parent_code ON child (parent_code);
       INSERT INTO parent VALUES (1, 'a'), (2, 'B'), (5, '5');
       INSERT INTO child VALUES (1, 1, 'a'), (2, 1, 'A'), (3, '1', 'b'), (4, 1.0, 'B'), (5, 9, NULL), (6, 9, '5'), (7, NULL, 5), (8, 'x', 'zz'), (9, 5, 'zz');`,
    );
    const msg = await failureOf(transfer(options(file, await freshDatabase('orph_indexed')), noEffects('public')));
    expect(msg).toBe(
      'rows whose foreign key points at no parent row (SQLite did not enforce it): child(parent_id) -> parent(id): 3 rows with no parent (rowid/key 5, 6, 8); child(parent_code) -> parent(code): 4 rows with no parent (rowid/key 2, 3, 8, …). | Delete or fix those rows in SQLite, or set on_orphans: reject (write them to a reject file) or keep (load them and leave the foreign key out).',
    );
  });

  it('keep loads them and leaves that foreign key out, with a warning', async () => {
    const url = await freshDatabase('orph_keep');
    const warnings: string[] = [];
    await transfer(options(orphans(), url, { onOrphans: 'keep', warn: (m) => warnings.push(m) }), noEffects('public'));
    expect(await query(url, 'SELECT count(*)::int AS n FROM child')).toEqual([{ n: 4 }]);
    expect(await query(url, `SELECT conname FROM pg_constraint WHERE contype = 'f'`)).toEqual([]);
    expect(warnings).toEqual([
      'orphans: child(parent_id) -> parent(id): 2 rows with no parent (rowid/key 2, 4) — loaded; the foreign key is left out',
    ]);
  });
});
