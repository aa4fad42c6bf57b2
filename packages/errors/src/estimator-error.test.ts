import { describe, expect, it } from 'vitest';
import { EstimatorError, isEstimatorError } from './estimator-error.js';

class DataError extends EstimatorError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'DataError';
  }
}

describe('EstimatorError', () => {
  it('carries a code, a cause and the subclass name, and is recognised across copies', () => {
    const cause = new Error('disk');
    const e = new EstimatorError('STORAGE_IO', 'Could not write x', { cause });
    expect([e.code, e.message, e.cause, e.name]).toEqual(['STORAGE_IO', 'Could not write x', cause, 'EstimatorError']);
    const d = new DataError('OUT_OF_RANGE', 'end');
    expect(d).toBeInstanceOf(EstimatorError);
    expect(isEstimatorError(d)).toBe(true);
    expect(d.name).toBe('DataError');
    expect(isEstimatorError(new Error('x'))).toBe(false);
    expect(isEstimatorError({ code: 'X', message: 'forged' })).toBe(false);
    expect(isEstimatorError(null)).toBe(false);
  });
});
