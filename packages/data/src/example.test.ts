import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { encodeExample, fixedLenFeature, parseExample, parseSingleExample, varLenFeature } from './example.js';

beforeAll(() => setupTestBackend('cpu'));

describe('parsing a bad Example frees what it already built', () => {
  // `a` parses; `b` is missing without a default, so parsing fails after `a`'s tensor (and `v`'s) exist.
  const spec = { a: fixedLenFeature([2], 'float32'), v: varLenFeature('int32'), b: fixedLenFeature([1], 'int32') };
  const rec = encodeExample({ a: { floatList: [1, 2] }, v: { int64List: [3, 4] } });

  it('parseSingleExample() throws a DataError and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => parseSingleExample(rec, spec)).toThrow(DataError);
    expect(() => parseSingleExample(rec, spec)).toThrow(/feature 'b' is missing/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('parseExample() throws a DataError and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => parseExample([rec, rec], spec)).toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('malformed Example bytes', () => {
  it('are a DataError (DATA_LOSS) naming the message and the byte, not a crash or a silent empty parse', () => {
    // field 1 (features), length 5, but only 2 bytes follow
    const bad = Uint8Array.from([0x0a, 0x05, 0x0a, 0x00]);
    expect(() => parseSingleExample(bad, { a: fixedLenFeature([1], 'float32', 0) })).toThrow(
      expect.objectContaining({ code: 'DATA_LOSS', name: 'DataError' }),
    );
    expect(() => parseExample([bad], { a: fixedLenFeature([1], 'float32', 0) })).toThrow(
      /^parseExample\(\): tf\.train\.Example: malformed protobuf at byte 2: length 5 runs past the end\. Expected a serialized tf\.train\.Example\.$/,
    );
  });
});
