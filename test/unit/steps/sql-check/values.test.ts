import { describe, expect, it } from 'vitest';
import { asNumber, sameValue, show, textOf } from '../../../../src/steps/sql-check/values.js';

describe('sql-check value comparison', () => {
  it('matches a number expectation against numbers and numeric text only', () => {
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue(1, '1')).toBe(true);
    expect(sameValue(1.5, '1.50')).toBe(true);
    expect(sameValue(0, '0')).toBe(true);
    expect(sameValue(1, '1a')).toBe(false);
    expect(sameValue(1, true)).toBe(false);
    expect(sameValue(0, null)).toBe(false);
    expect(sameValue(0, '')).toBe(false);
  });

  it("matches a string expectation against the value's exact text, or against a number by its number", () => {
    expect(sameValue('ok', 'ok')).toBe(true);
    expect(sameValue('ok', 'OK')).toBe(false);
    expect(sameValue('1', 1)).toBe(true);
    // Templates render text: "{{vars.pool}}" is compared as the type of the value read.
    expect(sameValue('1.0', 1)).toBe(true);
    expect(sameValue('2', 1)).toBe(false);
    expect(sameValue('1.0', '1')).toBe(false);
    expect(sameValue('NULL', null)).toBe(false);
  });

  it("matches booleans against booleans and SQLite's 1/0, and null against NULL only", () => {
    expect(sameValue(true, true)).toBe(true);
    expect(sameValue(true, 1)).toBe(true);
    expect(sameValue(false, 0)).toBe(true);
    expect(sameValue(false, 1)).toBe(false);
    expect(sameValue(true, 't')).toBe(false);
    expect(sameValue(null, null)).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
  });

  it('reads numbers, prints text and shows values for messages', () => {
    expect(asNumber(' 42 ')).toBe(42);
    expect(asNumber('1e3')).toBe(1000);
    expect(asNumber('abc')).toBeUndefined();
    expect(textOf({ a: 1 })).toBe('{"a":1}');
    expect(show('a\nb')).toBe('"a\\nb"');
    expect(show(null)).toBe('NULL');
  });
});
