import { describe, expect, it } from 'vitest';
import { fitsNumeric, numericDigits } from '../../../../src/db/transfer/retype.js';

describe('numeric(p,s) fit', () => {
  it('counts the digits before and after the point, exponent applied', () => {
    expect(numericDigits('12345.678')).toEqual({ integer: 5, fraction: 3 });
    expect(numericDigits('-0.0050')).toEqual({ integer: 0, fraction: 3 });
    expect(numericDigits('1.5e3')).toEqual({ integer: 4, fraction: 0 });
    expect(numericDigits('1e-2')).toEqual({ integer: 0, fraction: 2 });
    expect(numericDigits('000')).toEqual({ integer: 0, fraction: 0 });
    expect(numericDigits('abc')).toBeNull();
  });

  it('fits when neither rounding nor overflow would happen', () => {
    expect(fitsNumeric('999.99', 5, 2)).toBe(true);
    expect(fitsNumeric('1000', 5, 2)).toBe(false);
    expect(fitsNumeric('1.005', 5, 2)).toBe(false);
    expect(fitsNumeric('1.50', 3, 0)).toBe(false);
    expect(fitsNumeric('1.0', 3, 0)).toBe(true);
  });
});
