import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { WORKER_ROWS } from '../../../../src/db/transfer/copy.js';
import { Failed } from '../../../../src/core/failure.js';
import { noEffects, transfer, type TransferEffects, type TransferOptions } from '../../../../src/db/transfer/transfer.js';
import { transferOptions } from '../../../helpers/transfer-options.js';
import { freshDatabase, gateTruncate, query, waitForRow } from '../../../helpers/pg.js';
import { sqliteFile } from '../trap-fixture.js';

// Even and a multiple of 5: the last row is false and has JSON.
const rows = WORKER_ROWS + 5000;

const options = (sqlitePath: string, pgUrl: string, more: Partial<TransferOptions> = {}): TransferOptions =>
  transferOptions(sqlitePath, pgUrl, { onBadValue: 'reject', ...more });

// A table big enough to be read on a worker thread, with values that take every path: clean rows
// SQLite writes, rows SQL rules out (read again in JS), and batches whose text fails the check.
const bigTable = () =>
  sqliteFile(
    `CREATE TABLE notes (id INTEGER PRIMARY KEY, n INTEGER, body TEXT, at DATETIME, ok BOOLEAN, meta JSON);
     WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ${rows})
     INSERT INTO notes SELECT i, i * 3, 'note ' || i, '2024-01-' || printf('%02d', 1 + i % 28) || ' 10:00:00.000001', i % 2, CASE WHEN i % 5 = 0 THEN '{"i": ' || i || '}' END FROM g;
     UPDATE notes SET body = 'two' || char(10) || 'lines' WHERE id = 7001;
     UPDATE notes SET body = 'back\\slash' WHERE id = 7002;
     UPDATE notes SET at = '2024-02-29 00:00:00' WHERE id = 15001;
     UPDATE notes SET n = 'abc' WHERE id = 16001;
     UPDATE notes SET body = 'a' || char(0) || 'b' WHERE id = 21001;
     UPDATE notes SET meta = '{"a":' WHERE id = 22001;
     UPDATE notes SET ok = 2 WHERE id = 23001;
     UPDATE notes SET body = 'ок ' || char(65533) WHERE id = 8001;
     UPDATE notes SET body = CAST(X'C328' AS TEXT) WHERE id = 24001;
     UPDATE notes SET at = '2024-01-01' || char(10) || '\\17002' WHERE id = 17001;`,
  );

describe('COPY of a table read on a worker thread', () => {
  it('loads what the JS encoders would, and rejects the same rows in rowid order', async () => {
    const url = await freshDatabase('copy_worker');
    const report = await transfer(options(bigTable(), url), noEffects('public'));
    expect(report.tables).toEqual([{ table: 'notes', sourceRows: rows, loaded: rows - 6, rejected: 6, resumed: false }]);
    const lines = readFileSync(report.rejectFiles[0] ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; column: string; reason: string });
    expect(lines.map((l) => `${l.at} ${l.column}: ${l.reason}`)).toEqual([
      'rowid 16001 n: is text, not an integer',
      'rowid 17001 at: is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])',
      'rowid 21001 body: contains a NUL byte, which PostgreSQL text cannot hold',
      'rowid 22001 meta: is not valid JSON',
      'rowid 23001 ok: is 2, not a boolean (0 or 1)',
      'rowid 24001 body: is not valid UTF-8',
    ]);
    const picked = await query(
      url,
      `SELECT id::int, n::text, body, at::text, ok, meta::text FROM notes WHERE id IN (1, 5, 7001, 7002, 8001, 15001, ${rows}) ORDER BY id`,
    );
    expect(picked).toEqual([
      { id: 1, n: '3', body: 'note 1', at: '2024-01-02 10:00:00.000001', ok: true, meta: null },
      { id: 5, n: '15', body: 'note 5', at: '2024-01-06 10:00:00.000001', ok: true, meta: '{"i": 5}' },
      {
        id: 7001,
        n: '21003',
        body: 'two\nlines',
        at: `2024-01-${String(1 + (7001 % 28)).padStart(2, '0')} 10:00:00.000001`,
        ok: true,
        meta: null,
      },
      {
        id: 7002,
        n: '21006',
        body: 'back\\slash',
        at: `2024-01-${String(1 + (7002 % 28)).padStart(2, '0')} 10:00:00.000001`,
        ok: false,
        meta: null,
      },
      {
        id: 8001,
        n: '24003',
        body: 'ок \uFFFD',
        at: `2024-01-${String(1 + (8001 % 28)).padStart(2, '0')} 10:00:00.000001`,
        ok: true,
        meta: null,
      },
      { id: 15001, n: '45003', body: 'note 15001', at: '2024-02-29 00:00:00', ok: true, meta: null },
      {
        id: rows,
        n: String(rows * 3),
        body: `note ${rows}`,
        at: `2024-01-${String(1 + (rows % 28)).padStart(2, '0')} 10:00:00.000001`,
        ok: false,
        meta: `{"i": ${rows}}`,
      },
    ]);
    const [sums] = await query(
      url,
      `SELECT sum(n)::text AS n, count(meta)::int AS meta, count(*) FILTER (WHERE ok)::int AS yes FROM notes`,
    );
    expect(sums).toEqual({
      n: String(3 * ((rows * (rows + 1)) / 2) - 3 * (16001 + 17001 + 21001 + 22001 + 23001 + 24001)),
      meta: rows / 5,
      yes: rows / 2 - 6,
    });
  });

  it('fails on the first refused row in rowid order', async () => {
    const url = await freshDatabase('copy_worker_fail');
    const err = await transfer(options(bigTable(), url, { onBadValue: 'fail' }), noEffects('public')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Failed);
    expect((err as Failed).message).toBe('table "notes", rowid 16001, column "n" (bigint): the value "abc" is text, not an integer.');
  });
});

describe('COPY of a UTF-16 SQLite file', () => {
  it('arrives equal (its text is UTF-16 inside SQLite, UTF-8 in PostgreSQL)', async () => {
    const url = await freshDatabase('copy_utf16');
    const file = sqliteFile(
      `PRAGMA encoding = 'UTF-16le';
       CREATE TABLE words (id INTEGER PRIMARY KEY, word VARCHAR(8), at DATETIME);
       WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ${rows})
       INSERT INTO words SELECT i, 'слово ' || (i % 100), '2024-03-01 12:00:00' FROM g;`,
    );
    const report = await transfer(options(file, url), noEffects('public'));
    expect(report.tables).toEqual([{ table: 'words', sourceRows: rows, loaded: rows, rejected: 0, resumed: false }]);
    expect(await query(url, `SELECT word, at::text FROM words WHERE id = 142`)).toEqual([{ word: 'слово 42', at: '2024-03-01 12:00:00' }]);
    expect(await query(url, `SELECT count(DISTINCT word)::int AS n FROM words`)).toEqual([{ n: 100 }]);
  });
});

/**
 * A small table whose unique key fails in PostgreSQL (two spellings SQLite keeps apart and
 * PostgreSQL reads as the same timestamp) beside a big one, whose foreign key points at that key
 * or not. Returns the failure and how many rows of the big table were sent.
 */
async function failingKey(
  database: string,
  pointedAt: boolean,
): Promise<{ err: unknown; notesSent: number; effects: TransferEffects; url: string }> {
  const url = await freshDatabase(database);
  const file = sqliteFile(
    `CREATE TABLE events (id INTEGER PRIMARY KEY, at DATETIME UNIQUE);
     INSERT INTO events VALUES (1, '2024-01-01 00:00:00'), (2, '2024-01-01T00:00:00');
     CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, event_at DATETIME ${pointedAt ? 'REFERENCES events (at)' : ''});
     WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ${rows * 4})
     INSERT INTO notes SELECT i, 'note ' || i, NULL FROM g;`,
  );
  // When the key is built beside the load, the big table waits at a gate until the key has failed
  // and the transfer has rolled that connection back: its load starts after the failure, always.
  const gate = pointedAt ? await gateTruncate(url, 'notes') : null;
  const effects = noEffects('public');
  let notesSent = 0;
  const running = transfer(
    options(file, url, {
      onBadValue: 'fail',
      progress: (table, done) => {
        if (table === 'notes') notesSent = done;
      },
    }),
    effects,
  ).catch((e: unknown) => e);
  if (gate) {
    await gate.held();
    await waitForRow(
      url,
      `select 1 as failed from pg_stat_activity where datname = current_database() and state = 'idle' and query = 'ROLLBACK'`,
      [],
    );
    await gate.open();
  }
  return { err: await running, notesSent, effects, url };
}

const atKeyFailed = 'building unique constraint events_at_key on "events" failed: could not create unique index "events_at_key".';

describe('a key a foreign key points at', () => {
  it('is built as soon as its table is loaded: when it fails, the other load stops at once', async () => {
    const { err, notesSent, effects, url } = await failingKey('copy_keys_meanwhile', true);
    expect(err).toBeInstanceOf(Failed);
    expect((err as Failed).message).toBe(atKeyFailed);
    expect(effects.tablesCreated.sort()).toEqual(['events', 'notes']);
    expect(notesSent).toBeLessThan(rows * 4);
    expect(await query(url, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 0 }]);
  });
});

describe('an index no foreign key needs', () => {
  it('is built after the last table is loaded: a failing one fails the transfer then', async () => {
    const { err, notesSent } = await failingKey('copy_keys_after', false);
    expect((err as Failed).message).toBe(atKeyFailed);
    expect(notesSent).toBe(rows * 4);
  });
});

describe('a value that looks like the marker of a row SQL left to JS', () => {
  it('is not taken for one: its row is refused as JS refuses it, the other row loaded once', async () => {
    const url = await freshDatabase('copy_fake_marker');
    // After its line break, row 50's value reads like the marker line of row 60.
    const file = sqliteFile(
      `CREATE TABLE events (id INTEGER PRIMARY KEY, at DATETIME);
       WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 200)
       INSERT INTO events SELECT i, '2024-01-01 00:00:00' FROM g;
       UPDATE events SET at = '2024-01-01' || char(10) || '\\60' WHERE id = 50;`,
    );
    const report = await transfer(options(file, url), noEffects('public'));
    expect(report.tables).toEqual([{ table: 'events', sourceRows: 200, loaded: 199, rejected: 1, resumed: false }]);
    const lines = readFileSync(report.rejectFiles[0] ?? '', 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { at: string; column: string; reason: string });
    expect(lines.map((l) => `${l.at} ${l.column}: ${l.reason}`)).toEqual([
      'rowid 50 at: is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])',
    ]);
    expect(await query(url, 'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM events WHERE id IN (50, 60)')).toEqual([
      { n: 1, ids: 1 },
    ]);
  });
});
