import { describe, expect, it } from 'vitest';
import { keyComparator } from '../../../../src/db/compare/key-order.js';

describe('keyComparator', () => {
  it('orders text by UTF-8 bytes, as SQLite BINARY and PostgreSQL "C" do, also where UTF-16 order differs', () => {
    const odd = ['a', 'B', 'é', 'Ａ', '😀', 'z ', 'z', '\uE000', 'ä', '0', '\uFFFF'];
    const keys = Array.from({ length: 60 }, (_, i) => `${odd[i % odd.length]}${i}`);
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const byText = keyComparator([true]);
    expect([...keys].sort((a, b) => byText([a], [b]))).toEqual(byBytes);
    expect(byText(['😀'], ['\uE000'])).toBe(1);
  });

  it('orders integers by value beyond 2^53, NULL first, and tuples column by column', () => {
    const byInt = keyComparator([false]);
    expect(['10', '-3', '9', '9007199254740993', '9007199254740992', '-9223372036854775808'].sort((a, b) => byInt([a], [b]))).toEqual([
      '-9223372036854775808',
      '-3',
      '9',
      '10',
      '9007199254740992',
      '9007199254740993',
    ]);
    expect(byInt([null], ['-1'])).toBe(-1);
    const pair = keyComparator([false, true]);
    expect(pair(['1', 'y'], ['2', 'a'])).toBe(-1);
    expect(pair(['1', 'y'], ['1', 'x'])).toBe(1);
    expect(pair(['1', 'x'], ['1', 'x'])).toBe(0);
  });
});
