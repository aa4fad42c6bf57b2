/**
 * SequenceExample, FixedLenSequenceFeature, SparseFeature and int64 exactness, against the example in TF's
 * tensorflow/core/example/example.proto comments and hand-encoded protobuf bytes (not this package's encoder).
 */
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeExample,
  fixedLenFeature,
  fixedLenSequenceFeature,
  parseExample,
  parseSingleExample,
  type SparseValues,
  sparseFeature,
  varLenFeature,
} from './example.js';
import { encodeSequenceExample, parseSingleSequenceExample } from './sequence-example.js';

beforeAll(() => setupTestBackend('cpu'));

// --- a minimal protobuf writer for the oracle bytes (varints and length-delimited fields only) ---
const varint = (n: bigint): number[] => {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const ld = (field: number, body: number[]): number[] => [
  ...varint(BigInt(field * 8 + 2)),
  ...varint(BigInt(body.length)),
  ...body,
];
const str = (s: string): number[] => [...new TextEncoder().encode(s)];
const floats = (xs: number[]): number[] => [...new Uint8Array(Float32Array.from(xs).buffer)];
const bytesList = (xs: string[]) =>
  ld(
    1,
    xs.flatMap((x) => ld(1, str(x))),
  );
const floatList = (xs: number[]) => ld(2, ld(1, floats(xs)));
const int64List = (xs: bigint[]) => ld(3, ld(1, xs.flatMap(varint)));
const entry = (key: string, feature: number[]) => ld(1, [...ld(1, str(key)), ...ld(2, feature)]);
const listEntry = (key: string, steps: number[][]) =>
  ld(1, [
    ...ld(1, str(key)),
    ...ld(
      2,
      steps.flatMap((s) => ld(1, s)),
    ),
  ]);

/** example.proto's movie SequenceExample, encoded by hand. */
const MOVIE = Uint8Array.from([
  ...ld(1, [
    ...entry('locale', bytesList(['pt_BR'])),
    ...entry('age', floatList([19])),
    ...entry('favorites', bytesList(['Majesty Rose', 'Savannah Outen', 'One Direction'])),
  ]),
  ...ld(2, [
    ...listEntry('movie_ratings', [floatList([4.5]), floatList([5])]),
    ...listEntry('movie_names', [bytesList(['The Shawshank Redemption']), bytesList(['Fight Club'])]),
    ...listEntry('actors', [
      bytesList(['Tim Robbins', 'Morgan Freeman']),
      bytesList(['Brad Pitt', 'Edward Norton', 'Helena Bonham Carter']),
    ]),
  ]),
]);

const plainSparse = (s: SparseValues) => ({
  indices: s.indices.arraySync(),
  values: s.values.arraySync(),
  denseShape: s.denseShape,
});

describe('parseSingleSequenceExample (example.proto: the movie SequenceExample)', () => {
  const specs = {
    contextFeatures: {
      locale: fixedLenFeature([], 'string'),
      age: fixedLenFeature([], 'float32'),
      favorites: varLenFeature('string'),
    },
    sequenceFeatures: {
      movie_ratings: fixedLenSequenceFeature([], 'float32'),
      movie_names: fixedLenSequenceFeature([], 'string'),
      actors: varLenFeature('string'),
    },
  } as const;

  it('parses context and feature lists as TF documents', () => {
    const before = tf.memory().numTensors;
    const [context, seq] = parseSingleSequenceExample(MOVIE, specs);
    expect((context.locale as tf.Tensor).arraySync()).toBe('pt_BR');
    expect((context.age as tf.Tensor).arraySync()).toBe(19);
    expect(plainSparse(context.favorites as SparseValues)).toEqual({
      indices: [[0], [1], [2]],
      values: ['Majesty Rose', 'Savannah Outen', 'One Direction'],
      denseShape: [3],
    });
    expect((seq.movie_ratings as tf.Tensor).arraySync()).toEqual([4.5, 5]);
    expect((seq.movie_names as tf.Tensor).arraySync()).toEqual(['The Shawshank Redemption', 'Fight Club']);
    expect(plainSparse(seq.actors as SparseValues)).toEqual({
      indices: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      values: ['Tim Robbins', 'Morgan Freeman', 'Brad Pitt', 'Edward Norton', 'Helena Bonham Carter'],
      denseShape: [2, 3],
    });
    tf.dispose([context, seq] as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('encodeSequenceExample writes the same bytes as the hand encoding', () => {
    const bytes = encodeSequenceExample({
      context: {
        locale: { bytesList: ['pt_BR'] },
        age: { floatList: [19] },
        favorites: { bytesList: ['Majesty Rose', 'Savannah Outen', 'One Direction'] },
      },
      featureLists: {
        movie_ratings: [{ floatList: [4.5] }, { floatList: [5] }],
        movie_names: [{ bytesList: ['The Shawshank Redemption'] }, { bytesList: ['Fight Club'] }],
        actors: [
          { bytesList: ['Tim Robbins', 'Morgan Freeman'] },
          { bytesList: ['Brad Pitt', 'Edward Norton', 'Helena Bonham Carter'] },
        ],
      },
    });
    expect([...bytes]).toEqual([...MOVIE]);
  });

  it('a missing feature list is an error unless allowMissing; a step of the wrong size is an error; no leaks', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      parseSingleSequenceExample(MOVIE, {
        contextFeatures: { locale: fixedLenFeature([], 'string') },
        sequenceFeatures: { clicks: fixedLenSequenceFeature([], 'int32') },
      }),
    ).toThrow(/^parseSingleSequenceExample\(\): feature list 'clicks' is missing\./);
    const [, seq] = parseSingleSequenceExample(MOVIE, {
      sequenceFeatures: { clicks: fixedLenSequenceFeature([2], 'int32', { allowMissing: true }) },
    });
    expect((seq.clicks as tf.Tensor).shape).toEqual([0, 2]);
    tf.dispose(seq.clicks as tf.Tensor);
    expect(() =>
      parseSingleSequenceExample(MOVIE, { sequenceFeatures: { actors: fixedLenSequenceFeature([2], 'string') } }),
    ).toThrow(/feature list 'actors' step 1 has 3 values; FixedLenSequenceFeature shape \[2\] expects 2\./);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes the record as a scalar string tensor holding the bytes', () => {
    const t = tf.tensor([MOVIE] as unknown as Uint8Array[], [], 'string');
    const [, seq] = parseSingleSequenceExample(t, {
      sequenceFeatures: { movie_ratings: fixedLenSequenceFeature([], 'float32') },
    });
    expect((seq.movie_ratings as tf.Tensor).arraySync()).toEqual([4.5, 5]);
    tf.dispose([t, seq.movie_ratings as tf.Tensor]);
  });
});

describe('FixedLenSequenceFeature and SparseFeature in Examples', () => {
  it('FixedLenSequenceFeature cuts values into items; parseExample pads to the longest with defaultValue', () => {
    const a = encodeExample({ v: { floatList: [1, 2, 3, 4] } });
    const b = encodeExample({ v: { floatList: [5, 6] } });
    const spec = { v: fixedLenSequenceFeature([2], 'float32', { allowMissing: true, defaultValue: -1 }) };
    const one = parseSingleExample(a, spec);
    expect((one.v as tf.Tensor).arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const batch = parseExample([a, b, encodeExample({})], spec);
    expect((batch.v as tf.Tensor).arraySync()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [-1, -1],
      ],
      [
        [-1, -1],
        [-1, -1],
      ],
    ]);
    tf.dispose([one.v as tf.Tensor, batch.v as tf.Tensor]);
    expect(() => parseSingleExample(a, { v: fixedLenSequenceFeature([2], 'float32') })).toThrow(
      /FixedLenSequenceFeature, which in an Example needs allowMissing: true/,
    );
  });

  it('SparseFeature builds a SparseTensor from index and value features, sorted by index (TF semantics)', () => {
    // TF's parse_example docstring: SparseFeature("ix", "val", tf.float32, 100) over ix [3, 20], val [0.5, -1.0]
    const rec = Uint8Array.from(ld(1, [...entry('ix', int64List([20n, 3n])), ...entry('val', floatList([-1.0, 0.5]))]));
    const spec = { sparse: sparseFeature('ix', 'val', 'float32', 100) };
    const one = parseSingleExample(rec, spec);
    expect(plainSparse(one.sparse as SparseValues)).toEqual({
      indices: [[3], [20]],
      values: [0.5, -1],
      denseShape: [100],
    });
    const batch = parseExample([rec, encodeExample({ ix: { int64List: [7] }, val: { floatList: [2] } })], spec);
    expect(plainSparse(batch.sparse as SparseValues)).toEqual({
      indices: [
        [0, 3],
        [0, 20],
        [1, 7],
      ],
      values: [0.5, -1, 2],
      denseShape: [2, 100],
    });
    tf.dispose([one, batch] as unknown as tf.TensorContainer);
    const out = encodeExample({ ix: { int64List: [100] }, val: { floatList: [1] } });
    expect(() => parseSingleExample(out, spec)).toThrow(/SparseFeature index 'ix' value 100 is outside \[0, 100\)/);
  });
});

describe('int64 features: exact or an error, never truncated', () => {
  const parseInt64 = (values: bigint[]) =>
    parseSingleExample(Uint8Array.from(ld(1, entry('x', int64List(values)))), { x: varLenFeature('int32') });

  it('int32-range values come back exactly, negatives (10-byte varints) included', () => {
    const got = parseInt64([-1n, -2147483648n, 2147483647n, 0n]);
    expect((got.x as SparseValues).values.arraySync()).toEqual([-1, -2147483648, 2147483647, 0]);
    tf.dispose([(got.x as SparseValues).indices, (got.x as SparseValues).values]);
  });

  it('values outside int32 are an error naming the value, whatever their size', () => {
    for (const [v, shown] of [
      [2147483648n, '2147483648'],
      [-2147483649n, '-2147483649'],
      [1700000000000n, '1700000000000'],
      [-(2n ** 63n), '-9223372036854775808'],
    ] as const) {
      expect(() => parseInt64([v])).toThrow(
        new RegExp(`feature 'x' value ${shown} \\(int64_list index 0\\) does not fit dtype 'int32'`),
      );
    }
  });

  it('encodeExample refuses int64List values a JS number cannot hold exactly', () => {
    expect(() => encodeExample({ x: { int64List: [1.5] } })).toThrow(
      /^encodeExample\(\): feature 'x' int64List\[0\] is 1\.5; expected an integer within ±\(2\^53 - 1\)/,
    );
    expect(() => encodeExample({ x: { int64List: [2 ** 53] } })).toThrow(/int64List\[0\] is 9007199254740992/);
  });
});
