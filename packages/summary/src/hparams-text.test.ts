import { describe, expect, it } from 'vitest';
import { formatHParams, parseHParams } from './hparams-text.js';

describe('formatHParams / parseHParams', () => {
  it('writes a markdown table of the plain entries, in key order', () => {
    const text = formatHParams({
      learning_rate: 0.002,
      batch_size: 128,
      optimizer: 'adam',
      dropout: false,
      columns: [1, 2],
      model: { layers: 2 },
      fn: () => 1,
    });
    expect(text).toBe(
      [
        '| hparam | value |',
        '|---|---|',
        '| batch_size | 128 |',
        '| dropout | false |',
        '| learning_rate | 0.002 |',
        '| optimizer | adam |',
      ].join('\n'),
    );
    expect(parseHParams(text!)).toEqual({ batch_size: 128, dropout: false, learning_rate: 0.002, optimizer: 'adam' });
  });

  it('escapes pipes and line breaks, and reads numerals only as numbers', () => {
    const params = { 'a|b': 'x | y\nz', v: '1e-3', w: 'Infinity', s: '', neg: -0.5, back: 'c:\\d' };
    const text = formatHParams(params)!;
    expect(text.split('\n')).toContain('| a\\|b | x \\| y z |');
    expect(parseHParams(text)).toEqual({ 'a|b': 'x | y z', v: 0.001, w: 'Infinity', s: '', neg: -0.5, back: 'c:\\d' });
  });

  it('has nothing to write for params without plain entries', () => {
    expect(formatHParams({})).toBeUndefined();
    expect(formatHParams({ columns: [] })).toBeUndefined();
    expect(formatHParams(undefined)).toBeUndefined();
  });
});
