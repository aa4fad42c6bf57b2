import { describe, expect, it } from 'vitest';
import { CsvScanner, parseNumber } from './csv-scan.js';

describe('parseNumber', () => {
  it('equals Number() on edge cases and 20,000 random decimals', () => {
    const cases = [
      '0',
      '-0',
      '+5',
      '5.',
      '.5',
      '-.5',
      '007',
      '1e3',
      ' 4',
      '4 ',
      'Infinity',
      'nan',
      '.',
      '-',
      '',
      '123456789012345',
      '1234567890123456',
      '0.1',
      '0.30000000000000004',
      '9007199254740993',
      '1.7976931348623157',
      '0.0000000000000000000001',
      '0.00000000000000000000001',
      '12.5x',
    ];
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 20000; k++) {
      const intDigits = Math.floor(rand() * 9);
      const fracDigits = Math.floor(rand() * 12);
      let s = rand() < 0.3 ? '-' : '';
      for (let i = 0; i < intDigits; i++) s += Math.floor(rand() * 10);
      if (fracDigits) s += '.';
      for (let i = 0; i < fracDigits; i++) s += Math.floor(rand() * 10);
      cases.push(s);
    }
    for (const c of cases) {
      const text = `,${c},`;
      expect(Object.is(parseNumber(text, 1, 1 + c.length), Number(c)), c).toBe(true);
    }
  });
});

describe('CsvScanner', () => {
  it('splits records with quotes, escaped quotes, embedded newlines and CRLF, tracking lines', () => {
    const s = new CsvScanner('a,"b,1"\r\n"x\ny","say ""hi"""\nlast,\n', ',', 't');
    const out: [number, string[]][] = [];
    while (s.next()) out.push([s.line, Array.from({ length: s.count }, (_, k) => s.field(k))]);
    expect(out).toEqual([
      [1, ['a', 'b,1']],
      [2, ['x\ny', 'say "hi"']],
      [4, ['last', '']],
    ]);
  });
});

describe('CsvScanner fed in pieces', () => {
  it('waits at a cut record (inside a field, a quote, "" or \\r\\n) and resumes with the same lines', () => {
    const text = 'a,"b,1"\r\n"x\ny","say ""hi"""\nlast,\n';
    const whole = new CsvScanner(text, ',', 't');
    const want: [number, string[]][] = [];
    while (whole.next()) want.push([whole.line, Array.from({ length: whole.count }, (_, k) => whole.field(k))]);
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new CsvScanner(text.slice(0, cut), ',', 't', false);
      const got: [number, string[]][] = [];
      while (s.next()) got.push([s.line, Array.from({ length: s.count }, (_, k) => s.field(k))]);
      expect(s.pending, `cut ${cut}`).toBe(s.rest().length);
      s.reset(s.rest() + text.slice(cut), true);
      while (s.next()) got.push([s.line, Array.from({ length: s.count }, (_, k) => s.field(k))]);
      expect(got, `cut ${cut}`).toEqual(want);
    }
  });
});
