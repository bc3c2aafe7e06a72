import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/diagnostics/suggest.js';

describe('didYouMean', () => {
  it('suggests the nearest kind', () => {
    expect(didYouMean('sql-chek', ['shell', 'sql-check', 'count-compare'])).toBe('did you mean "sql-check"?');
  });
  it('lists allowed values when nothing is near', () => {
    expect(didYouMean('zzzzzzzz', ['a', 'b'])).toBe('expected one of: "a", "b"');
  });
  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
