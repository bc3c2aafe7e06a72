import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { encoderFor } from '../../../../src/db/transfer/encode.js';
import { tableSql } from '../../../../src/db/transfer/encode-sql.js';
import { codecForPgType, type ColumnMapping } from '../../../../src/db/ddl/typemap.js';

const col = (pgType: string, more: Partial<ColumnMapping> = {}): ColumnMapping => ({
  name: 'v',
  pgType,
  ...codecForPgType(pgType),
  epoch: null,
  identity: false,
  warning: null,
  ...more,
});

/** Each value's SQL line (the bytes a batch holds, as text) when SQL and the batch check call it clean, else null. */
function sqlLines(
  c: ColumnMapping,
  values: readonly unknown[],
  rawSql: readonly string[] = [],
): { value: unknown; line: string | null; js: string | undefined }[] {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (const v of values) insert.run(v as never);
  for (const s of rawSql) db.exec(`INSERT INTO t (v) VALUES (${s})`);
  const sql = tableSql([c]);
  if (!sql) throw new Error('no SQL form');
  const rows = db
    .prepare(`SELECT v, (${sql.clean}) AS ok, CAST(${sql.line} || char(10) AS BLOB) AS bytes FROM t ORDER BY rowid`)
    .safeIntegers(true)
    .all() as { v: unknown; ok: bigint | null; bytes: Buffer }[];
  // What copy.ts writes for a value whose stored bytes are valid UTF-8 (a real U+FFFD is kept).
  const encode = encoderFor(c, { trustFffd: true });
  db.close();
  return rows.map((r) => ({
    value: r.v,
    line: r.ok === 1n && sql.check(r.bytes, 1) ? r.bytes.toString('utf8').slice(0, -1) : null,
    js: r.v === null ? '\\N' : encode(r.v),
  }));
}

/** The values SQLite writes itself; every one of them must be exactly what the JS encoder writes. */
function cleanValues(c: ColumnMapping, values: readonly unknown[], rawSql: readonly string[] = []): unknown[] {
  const rows = sqlLines(c, values, rawSql);
  for (const r of rows) if (r.line !== null) expect({ value: r.value, line: r.line }).toEqual({ value: r.value, line: r.js });
  return rows.filter((r) => r.line !== null).map((r) => r.value);
}

const blob = Buffer.from('42');

describe('COPY text made by SQLite', () => {
  it('writes integers and leaves text, reals and blobs in integer columns to JS', () => {
    expect(cleanValues(col('bigint'), [0n, -5n, 2n ** 63n - 1n, -(2n ** 63n), 1.5, 3.0, 'abc', '42', ' 42', blob, null])).toEqual([
      0n,
      -5n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      null,
    ]);
  });

  it('writes plain text (a real U+FFFD too) and leaves what needs escaping, overlong varchar, NUL and bad UTF-8 to JS', () => {
    const values = [
      'plain',
      'a\tb',
      'a\\b',
      'line\nx',
      'cr\rx',
      '',
      'héllo',
      '☃☃☃',
      '\u{1F600}x',
      'abcdef',
      42n,
      1.5,
      blob,
      'a\0b',
      '\\N',
      '\uFFFD',
      null,
    ];
    expect(cleanValues(col('text'), values, ["CAST(X'C328' AS TEXT)"])).toEqual([
      'plain',
      '',
      'héllo',
      '☃☃☃',
      '\u{1F600}x',
      'abcdef',
      42n,
      '\uFFFD',
      null,
    ]);
    expect(cleanValues(col('varchar(5)'), values, ["CAST(X'C328' AS TEXT)"])).toEqual([
      'plain',
      '',
      'héllo',
      '☃☃☃',
      '\u{1F600}x',
      42n,
      '\uFFFD',
      null,
    ]);
  });

  it('writes 0/1 booleans and leaves the other spellings to JS', () => {
    // A real equal to 0 or 1 is written as JS writes it.
    expect(cleanValues(col('boolean'), [0n, 1n, 2n, 't', 'true', 0.0, 1.0, 1.5, blob, null])).toEqual([0n, 1n, 0, 1, null]);
  });

  it('writes valid timestamps and dates in the usual forms and leaves the rest to JS', () => {
    const stamps = [
      '2024-05-01 08:00:00',
      '2024-05-01 08:00:00.000001',
      '2024-05-01 08:00:00.123',
      '2024-02-29 00:00:00',
      '2023-02-29 00:00:00',
      '2024-04-31 00:00:00',
      '0000-01-01 00:00:00',
      '0001-01-01 00:00:00',
      '2024-13-01 00:00:00',
      '2024-00-10 00:00:00',
      '2024-01-00 00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 23:59:60',
      '2024-01-01T08:00:00',
      '2024-01-01 08:00:00Z',
      '2024-01-01 08:00:00+02:00',
      '2024-01-01',
      '2024-01-01 08:00',
      '2024-01-01 08:00:00.1234567',
      '\\N',
      17n,
      1.5,
      blob,
      null,
    ];
    // 29 February goes through JS (leap years are not worth a regular expression).
    const valid = [
      '2024-05-01 08:00:00',
      '2024-05-01 08:00:00.000001',
      '2024-05-01 08:00:00.123',
      '0001-01-01 00:00:00',
      '2024-01-01T08:00:00',
      '2024-01-01',
      '2024-01-01 08:00',
      null,
    ];
    expect(cleanValues(col('timestamp'), stamps)).toEqual(valid);
    expect(cleanValues(col('timestamptz'), stamps)).toEqual(valid);
    expect(
      cleanValues(col('date'), [
        '2024-01-01',
        '2024-02-30',
        '0000-01-01',
        '2024-01-01 00:00:00',
        '\\N',
        5n,
        Buffer.from('2024-01-01'),
        null,
      ]),
    ).toEqual(['2024-01-01', null]);
  });

  it('writes JSON that JSON.parse accepts, and leaves anything doubtful to JS', () => {
    const docs = [
      '{"a": 1}',
      '[1,2]',
      '"s"',
      '1',
      'null',
      '{a:1}',
      "{'a':1}",
      '[1,]',
      '{"a": "\\u0000"}',
      '{"a":\n1}',
      ' {"a":1} ',
      '01',
      '1e5',
      'NaN',
      '"\\ud800"',
      '{"a":"x\\\\y"}',
      42n,
      1.5,
      blob,
      '['.repeat(2000),
      null,
    ];
    // Any backslash (escapes like \u0000 included) sends the document through JS.
    const plain = ['{"a": 1}', '[1,2]', '"s"', '1', 'null', ' {"a":1} ', '1e5', 42n, null];
    expect(cleanValues(col('json'), docs)).toEqual(plain);
    expect(cleanValues(col('jsonb'), docs)).toEqual(plain);
  });

  it('sends a whole batch through JS when its line count is off', () => {
    const sql = tableSql([col('bigint'), col('text')]);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    expect(sql?.check(bytes('1\ta\n2\tб\n'), 2)).toBe(true);
    // A value holding "a\n5\tb" looks like two good lines.
    expect(sql?.check(bytes('1\ta\n5\tb\n'), 1)).toBe(false);
    expect(sql?.check(bytes('1\ta\tb\n'), 1)).toBe(false);
    expect(sql?.check(bytes('1\ta'), 1)).toBe(false);
    // Bytes that are not UTF-8, and a NUL.
    expect(sql?.check(Buffer.from([0x31, 0x09, 0xc3, 0x28, 0x0a]), 1)).toBe(false);
    expect(sql?.check(Buffer.from([0x31, 0x09, 0x61, 0x00, 0x0a]), 1)).toBe(false);
  });

  it('checks every field of a batch: integers, booleans, timestamps with zone, bytea hex, dates, line ends', () => {
    const sql = tableSql([col('bigint'), col('boolean'), col('timestamptz'), col('bytea'), col('date')]);
    const ok = (s: string, rows = 1) => sql?.check(Buffer.from(s, 'utf8'), rows);
    expect(ok('-12\tt\t2024-01-31 23:59:59.5+00\t\\\\x00ff\t2024-12-31\n')).toBe(true);
    expect(ok('\\N\t\\N\t\\N\t\\N\t\\N\n1\tf\t2024-01-01T00:00+00\t\\\\x\t0001-01-01\n', 2)).toBe(true);
    expect(ok('12345678901234567890\tt\t2024-01-31 23:59:59+00\t\\\\x00\t2024-12-31\n')).toBe(false);
    expect(ok('1\tx\t2024-01-31 23:59:59+00\t\\\\x00\t2024-12-31\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59\t\\\\x00\t2024-12-31\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31+00\t\\\\x00\t2024-12-31\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59+00\t\\\\x0F\t2024-12-31\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59+00\t\\\\x00\t2024-11-31\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59+00\t\\\\x00\t2024-12-31\r\n')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59+00\t\\\\x00\t2024-12-31')).toBe(false);
    expect(ok('1\tt\t2024-01-31 23:59:59+00\t\\\\x00\n')).toBe(false);
  });

  it('writes blobs as bytea hex, and has no SQL form for doubles', () => {
    expect(cleanValues(col('bytea'), [Buffer.from([0, 1, 255]), Buffer.alloc(0), 'text', 5n, null])).toEqual([
      Buffer.from([0, 1, 255]),
      Buffer.alloc(0),
      null,
    ]);
    expect(tableSql([col('double precision')])).toBeNull();
    expect(tableSql([col('bigint'), col('numeric')])).toBeNull();
  });
});
