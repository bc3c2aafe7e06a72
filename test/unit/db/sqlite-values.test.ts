import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { booleanOfText, bytesOfNumber, floatText, instantOfNumber, instantOfText, textOfReal } from '../../../src/db/sqlite-values.js';

// SQLite's own reading of the same values is the reference.
const sqlite = new Database(':memory:');
const datetime = (v: unknown, ...mods: string[]) =>
  sqlite
    .prepare(`SELECT strftime('%Y-%m-%d %H:%M:%f', ?${mods.map(() => ', ?').join('')})`)
    .pluck()
    .get(v, ...mods) as string | null;
const printed = (i: ReturnType<typeof instantOfText>) => {
  if (i === null) return null;
  const [hms, fraction = ''] = (i.time ?? '00:00:00').split('.');
  return `${i.date} ${hms ?? ''}.${`${fraction}000`.slice(0, 3)}`;
};

describe('what a SQLite value means', () => {
  it('reads date and time text as SQLite date functions do', () => {
    for (const text of [
      '2024-01-02',
      '2024-01-02 03:04',
      '2024-01-02T03:04:05',
      '2024-01-02 03:04:05.5',
      '2024-01-02 03:04:05Z',
      '2024-01-02 03:04:05+02:00',
      '2024-01-01 23:30-05:30',
      '12:30',
      '23:59:59.999',
      '2024-12-31 23:00 -01:00',
    ]) {
      expect(`${text} → ${printed(instantOfText(text))}`).toBe(`${text} → ${datetime(text)}`);
    }
    for (const text of ['2024-02-30', '2024-01-02 24:00', 'yesterday', '2024-01-02 03:04:05 +3']) expect(instantOfText(text)).toBeNull();
  });

  it('reads numbers as Julian days (REAL in range), epoch seconds, or epoch milliseconds by size', () => {
    expect(instantOfNumber(2460000.25, null)).toEqual({ date: '2023-02-24', time: '18:00:00.000000', conversion: 'julian day' });
    expect(datetime(2460000.25)).toBe('2023-02-24 18:00:00.000');
    expect(instantOfNumber(1700000000n, null)).toEqual({ date: '2023-11-14', time: '22:13:20.000000', conversion: 'epoch seconds' });
    expect(datetime(1700000000, 'unixepoch')).toBe('2023-11-14 22:13:20.000');
    expect(instantOfNumber(1700000000123n, null)?.time).toBe('22:13:20.123000');
    expect(instantOfNumber(2460000n, 'milliseconds')?.conversion).toBe('epoch milliseconds');
    expect(instantOfNumber(1e18, null)).toBeNull();
  });

  it('takes every boolean spelling PostgreSQL takes', () => {
    expect(['yes', ' ON ', 'tRuE', 'y', '1', 'of', 'No', 'f'].map(booleanOfText)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(['o', 'maybe', '2', ''].map(booleanOfText)).toEqual([null, null, null, null]);
  });

  it('writes numbers as SQLite does in text and BLOB columns, and keeps the sign of zero', () => {
    expect([1, 1e20, 1 / 3, -0].map(textOfReal)).toEqual(['1.0', '1.0e+20', '0.33333333333333332', '-0.0']);
    expect(bytesOfNumber(1.5).toString()).toBe('1.5');
    expect(bytesOfNumber(7n).toString()).toBe('7');
    expect([floatText(-0), floatText(0.1)]).toEqual(['-0', '0.1']);
  });
});
