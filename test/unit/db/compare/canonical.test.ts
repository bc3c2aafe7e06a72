import { describe, expect, it } from 'vitest';
import {
  canonicalDecimal,
  canonicalFromPostgres as pg,
  canonicalFromSqlite as lite,
  canonicalInstant,
  canonicalJson,
} from '../../../../src/db/compare/canonical.js';

describe('canonical values: SQLite and PostgreSQL give the same text for the same value', () => {
  it.each([
    ['bool', 1n, 't'],
    ['bool', 0n, 'f'],
    ['bool', 'true', 't'],
    ['bool', 'F', 'f'],
    ['bool', 'yes', 't'],
    ['bool', 'off', 'f'],
    ['int', 9007199254740993n, '9007199254740993'],
    ['int', 7, '7'],
    ['int', ' 42 ', '42'],
    ['float', 0.1, '0.1'],
    ['float', -0, '0'],
    ['float', 1e21, '1e+21'],
    ['float', 3n, '3'],
    ['numeric', 12.5, '12.5'],
    ['numeric', '012.500', '12.5'],
    ['numeric', 1e21, '1000000000000000000000'],
    ['numeric', 0, '0'],
    ['timestamp', '2024-03-05 10:11:12.123456', '2024-03-05 10:11:12.123456'],
    ['timestamp', '2024-03-05T10:11:12Z', '2024-03-05 10:11:12.000000'],
    ['timestamp', '2024-03-05 12:11:12+02:00', '2024-03-05 10:11:12.000000'],
    ['timestamp', '2023-12-31', '2023-12-31 00:00:00.000000'],
    ['timestamp', '2024-02-29 23:59', '2024-02-29 23:59:00.000000'],
    ['timestamptz', '2024-03-05 10:11:12.5', '2024-03-05 10:11:12.500000+00'],
    ['time', '10:11', '10:11:00.000000'],
    ['json', '{"b": 1, "a": {"d": [1, 2], "c": null}}', '{"a":{"c":null,"d":[1,2]},"b":1}'],
    ['bytes', Buffer.from([0, 255]), '00ff'],
    ['bytes', 'é', 'c3a9'],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
    ['text', '', ''],
    ['text', 'trailing ', 'trailing '],
    ['text', 5n, '5'],
  ] as const)('%s from SQLite %s is %j', (type, value, text) => {
    expect(lite(type, value)).toBe(text);
  });

  it.each([
    ['bool', 't', 't'],
    ['int', '9007199254740993', '9007199254740993'],
    ['float', '0.1', '0.1'],
    ['float', '-0', '0'],
    ['float', '1e+21', '1e+21'],
    ['float4', '0.1', String(Math.fround(0.1))],
    ['numeric', '12.50', '12.5'],
    ['numeric', '99999999.99', '99999999.99'],
    ['timestamp', '2024-03-05 10:11:12', '2024-03-05 10:11:12.000000'],
    ['timestamp', '2024-03-05 10:11:12.5', '2024-03-05 10:11:12.500000'],
    ['timestamptz', '2024-03-05 10:11:12.000001+00', '2024-03-05 10:11:12.000001+00'],
    ['time', '10:11:00', '10:11:00.000000'],
    ['json', '{"b":1,"a":2}', '{"a":2,"b":1}'],
    ['bytes', '\\x00ff', '00ff'],
    ['uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
    ['text', 'trailing ', 'trailing '],
  ] as const)('%s from PostgreSQL %j is %j', (type, value, text) => {
    expect(pg(type, value)).toBe(text);
  });

  it('keeps NULL apart from the empty text, and a value of the wrong kind apart from every real value', () => {
    expect(lite('text', null)).toBeNull();
    expect(pg('text', null)).toBeNull();
    expect(lite('text', '')).toBe('');
    expect(lite('bool', 2n)).toBe('?bigint:2');
    expect(lite('int', 'abc')).toBe('?string:abc');
    expect(lite('timestamp', 1e18)).toBe('?number:1000000000000000000');
    // A number in a date/time column is the moment the transfer loads it as (Unix epoch seconds here).
    expect(lite('timestamp', 1700000000n)).toBe('2023-11-14 22:13:20.000000');
    expect(pg('json', 'not json')).toBe('?not json');
  });

  it('writes exact decimals without sign noise, leading or trailing zeros, or exponent', () => {
    expect(['-001.50e1', '+0.000', '-0', '1.5e-3', '.5', '5.', '-12.340'].map(canonicalDecimal)).toEqual([
      '-15',
      '0',
      '0',
      '0.0015',
      '0.5',
      '5',
      '-12.34',
    ]);
  });

  it('rounds instants to the microsecond as PostgreSQL stores them, carrying into the next second', () => {
    expect(canonicalInstant('2024-12-31 23:59:59.9999996')).toBe('2025-01-01 00:00:00.000000');
    expect(canonicalInstant('2024-03-05 10:11:12.1234564')).toBe('2024-03-05 10:11:12.123456');
    expect(canonicalInstant('2024-03-05 00:30:00-01:30')).toBe('2024-03-05 02:00:00.000000');
    expect(canonicalInstant('2024-03-05 00:30:00+0530')).toBe('2024-03-04 19:00:00.000000');
    expect(canonicalInstant('soon')).toBeUndefined();
    // A day the month does not have is no instant, with or without a zone (never rolled over into March).
    expect(canonicalInstant('2024-02-30 10:00:00')).toBeUndefined();
    expect(canonicalInstant('2024-02-30 10:00:00Z')).toBeUndefined();
    expect(canonicalInstant('2024-03-05 24:00:00')).toBeUndefined();
  });

  it('sorts JSON keys at every depth and leaves arrays in order', () => {
    expect(canonicalJson('{"z": [{"b": 1, "a": 2}], "a": "x"}')).toBe('{"a":"x","z":[{"a":2,"b":1}]}');
    expect(canonicalJson('[3, 1]')).toBe('[3,1]');
    expect(canonicalJson('{bad')).toBeUndefined();
  });

  it('keeps JSON numbers exact, writes strings one way, and keeps the last of a repeated key as jsonb does', () => {
    expect(canonicalJson('[9007199254740993, 1e400, 1.50, -0, 2E+1]')).toBe(`[9007199254740993,1${'0'.repeat(400)},1.5,0,20]`);
    expect(canonicalJson('{"k": 1, "k": 2, "\\u0041": "\\u00e9\\n", "s": "1, 2]"}')).toBe('{"A":"é\\n","k":2,"s":"1, 2]"}');
    expect(canonicalJson(' { "a" : [ ] , "b" : { } } ')).toBe('{"a":[],"b":{}}');
    expect(canonicalJson('[1, 2,]')).toBeUndefined();
  });
});
