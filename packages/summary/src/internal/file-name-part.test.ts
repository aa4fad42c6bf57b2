import { describe, expect, it } from 'vitest';
import { SummaryError } from '../errors.js';
import { checkFileNamePart, safeHost } from './file-name-part.js';

describe('checkFileNamePart', () => {
  it('accepts ordinary suffixes', () => {
    for (const s of ['', '.v2', '-eval', '.profile-empty'])
      expect(() => checkFileNamePart('api', 'suffix', s)).not.toThrow();
  });
  it('rejects anything that could leave the log directory', () => {
    for (const s of ['/../../x', '..\\x', 'a/b', 'x\0y', '..', '.']) {
      expect(() => checkFileNamePart('createFileWriter()', 'filenameSuffix', s)).toThrow(SummaryError);
    }
    expect(() => checkFileNamePart('createFileWriter()', 'filenameSuffix', '/../x')).toThrow(
      /createFileWriter\(\): filenameSuffix "\/\.\.\/x" is not allowed/,
    );
  });
  it('safeHost replaces separators', () => {
    expect(safeHost('a/b\\c')).toBe('a_b_c');
    expect(safeHost('')).toBe('localhost');
  });
});
