import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumnWithVocabularyFile } from './vocabulary-file-column.js';

beforeAll(() => setupTestBackend('cpu'));
const dir = mkdtempSync(join(tmpdir(), 'canned-vocab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('categoricalColumnWithVocabularyFile', () => {
  it('maps each value to its line number, honours vocabularySize, and hashes the rest into OOV buckets', () => {
    const file = join(dir, 'colors.txt');
    writeFileSync(file, 'red\ngreen\nblue\n');
    const col = categoricalColumnWithVocabularyFile('c', file, { vocabularySize: 2, numOovBuckets: 3 });
    expect(col.numBuckets).toBe(5);
    const c = tf.tensor1d(['green', 'red', 'Hello'], 'string');
    const { ids } = col.ids({ c });
    // 'Hello' is out of the first 2 lines: 2 + Fingerprint64('Hello') % 3 = 2 + 0 (TF's documented bucket).
    expect(ids.arraySync().flat()).toEqual([1, 0, 2]);
    tf.dispose([c, ids]);
  });

  it('names the column and the path of a missing file', () => {
    expect(() => categoricalColumnWithVocabularyFile('c', join(dir, 'nope.txt'))).toThrow(
      /cannot read the vocabulary file of "c" at .*nope\.txt/,
    );
  });
});
