import { describe, expect, it } from 'vitest';
import { encoderFor, refusal } from '../../../../src/db/transfer/encode.js';
import { codecForPgType, type ColumnMapping } from '../../../../src/db/ddl/typemap.js';

const col = (pgType: string, more: Partial<ColumnMapping> = {}): ColumnMapping => ({
  name: 'c',
  pgType,
  ...codecForPgType(pgType),
  epoch: null,
  identity: false,
  warning: null,
  ...more,
});
const enc = (pgType: string, v: unknown, more: Partial<ColumnMapping> = {}) => {
  const out = encoderFor(col(pgType, more))(v);
  return out === undefined ? `refused: ${refusal.reason}` : out;
};

describe('COPY encoders', () => {
  it('escapes text for COPY and refuses NUL bytes and overlong varchar', () => {
    expect(enc('text', 'a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(enc('text', 42n)).toBe('42');
    expect(enc('text', 'a\0b')).toBe('refused: contains a NUL byte, which PostgreSQL text cannot hold');
    expect(enc('varchar(3)', 'abc')).toBe('abc');
    expect(enc('varchar(3)', '☃☃☃')).toBe('☃☃☃');
    expect(enc('varchar(3)', 'abcd')).toBe('refused: is 4 characters long, more than varchar(3) holds');
    expect(enc('text', Buffer.from('x'))).toBe('refused: is a BLOB, not text');
  });

  it('keeps integers exact beyond 2^53 and refuses text in integer columns', () => {
    expect(enc('bigint', 9007199254740993n)).toBe('9007199254740993');
    expect(enc('bigint', 3)).toBe('3');
    expect(enc('bigint', 3.5)).toBe('refused: is 3.5, not an integer');
    expect(enc('bigint', 'abc')).toBe('refused: is text, not an integer');
  });

  it('writes doubles that read back to the same value', () => {
    expect(enc('double precision', 0.1)).toBe('0.1');
    expect(Number(enc('double precision', 1 / 3))).toBe(1 / 3);
    expect(enc('double precision', Infinity)).toBe('Infinity');
  });

  it('reads booleans in every spelling PostgreSQL takes, counting the unusual ones', () => {
    expect([0n, 1n, 0, 1, 'true', 'false', 't', 'F', '1'].map((v) => enc('boolean', v))).toEqual([
      'f',
      't',
      'f',
      't',
      't',
      'f',
      't',
      'f',
      't',
    ]);
    const tally = new Map<string, number>();
    const bool = encoderFor(col('boolean'), { tally });
    expect(['yes', ' No ', 'ON', 'off', 'y', 'N', 'tru', 'fal'].map((v) => bool(v))).toEqual(['t', 'f', 't', 'f', 't', 'f', 't', 'f']);
    expect(tally).toEqual(new Map([['boolean spelling', 8]]));
    expect(enc('boolean', 2n)).toBe('refused: is 2, not a boolean (0 or 1)');
    expect(enc('boolean', 'o')).toBe('refused: is not a boolean (PostgreSQL reads 0/1, true/false, t/f, yes/no, y/n, on/off)');
  });

  it('checks timestamps and keeps microseconds; offsets become the UTC instant', () => {
    expect(enc('timestamp', '2024-03-05 10:11:12.123456')).toBe('2024-03-05 10:11:12.123456');
    expect(enc('timestamp', '2024-03-05T10:11')).toBe('2024-03-05T10:11');
    expect(enc('timestamp', '2024-03-05 10:11:12Z')).toBe('2024-03-05 10:11:12');
    expect(enc('timestamp', '2024-02-30 00:00:00')).toBe('refused: is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])');
    expect(enc('timestamp', '2024-01-01 10:00:00.1234567')).toBe('2024-01-01 10:00:00.1234567');
    expect(enc('timestamp', '2024-01-01 01:30:00.5+03:00')).toBe('2023-12-31 22:30:00.5');
    expect(enc('timestamp', '2024-01-01T10:00-00:30')).toBe('2024-01-01 10:30:00');
    expect(enc('timestamp', '12:30')).toBe('2000-01-01 12:30:00');
    expect(enc('timestamp', '2024-01-01 10:00:00 +3')).toBe('refused: is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])');
    expect(enc('timestamptz', '2024-01-01 10:00:00')).toBe('2024-01-01 10:00:00+00');
    expect(enc('timestamptz', '2024-01-01 10:00:00+03:00')).toBe('2024-01-01 10:00:00+03:00');
  });

  it('reads numbers as SQLite does: Julian day REALs, epoch seconds or milliseconds by size; a cast rule says the unit', () => {
    expect(enc('timestamp', 1700000000n)).toBe('2023-11-14 22:13:20.000000');
    expect(enc('timestamp', 1700000000123n)).toBe('2023-11-14 22:13:20.123000');
    expect(enc('timestamp', 2460000.25)).toBe('2023-02-24 18:00:00.000000');
    expect(enc('timestamptz', 2460000.25)).toBe('2023-02-24 18:00:00.000000+00');
    expect(enc('timestamp', 2460000n, { epoch: 'milliseconds' })).toBe('1970-01-01 00:41:00.000000');
    expect(enc('timestamp', 1e18)).toBe(
      'refused: is the number 1000000000000000000, outside the years 1-9999 as a Julian day or Unix epoch time',
    );
    expect(enc('date', '2024-05-06 00:00:00')).toBe('2024-05-06');
    expect(enc('date', '2024-05-06 10:00:00')).toBe(
      'refused: has the time of day 10:00:00, which a date column would drop (cast the column to timestamp)',
    );
    expect(enc('timestamp', 1700000000.25, { epoch: 'seconds' })).toBe('2023-11-14 22:13:20.250000');
    expect(enc('timestamp', 1700000000123n, { epoch: 'milliseconds' })).toBe('2023-11-14 22:13:20.123000');
    expect(enc('date', 86400, { epoch: 'seconds' })).toBe('1970-01-02');
  });

  it('validates JSON, writes blobs as bytea hex and checks dates and UUIDs', () => {
    expect(enc('json', '{"a": "x\\ny"}')).toBe('{"a": "x\\\\ny"}');
    expect(enc('json', '{oops')).toBe('refused: is not valid JSON');
    expect(enc('jsonb', '"\\u0000"')).toBe('refused: contains \\u0000, which jsonb cannot hold');
    expect(enc('bytea', Buffer.from([0, 255]))).toBe('\\\\x00ff');
    expect(enc('date', '2024-02-29')).toBe('2024-02-29');
    expect(enc('date', '2023-02-29')).toBe('refused: is not a date (YYYY-MM-DD)');
    expect(enc('uuid', '0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
  });
});
