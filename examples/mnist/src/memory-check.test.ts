import { describe, expect, it } from 'vitest';
import { allocationFailed, BYTES_PER_EXAMPLE, checkBatchMemory } from './memory-check.js';

describe('--batch_size and memory', () => {
  it('a batch that cannot fit is a flag error naming --batch_size and the largest that fits', () => {
    const total = 16 * 2 ** 30;
    expect(() => checkBatchMemory(128, total)).not.toThrow();
    const fits = Math.floor(total / 2 / BYTES_PER_EXAMPLE);
    expect(() => checkBatchMemory(fits, total)).not.toThrow();
    expect(() => checkBatchMemory(fits + 1, total)).toThrow(
      new RegExp(`^--batch_size ${fits + 1} needs about [\\d.]+ GiB per training step, .*expected at most ${fits}\\.`),
    );
    try {
      checkBatchMemory(10_000_000, total);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('BAD_FLAG');
    }
  });

  it('recognises a failed allocation, also as the cause of another error', () => {
    let real: unknown;
    try {
      new Float32Array(2 ** 40);
    } catch (e) {
      real = e;
    }
    expect(allocationFailed(real)).toBe(true);
    expect(allocationFailed(new Error('wrapped', { cause: real }))).toBe(true);
    expect(allocationFailed(new Error('labels out of range'))).toBe(false);
  });
});
