import { describe, expect, it } from 'vitest';
import { csvDataset } from './csv.js';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { fixedLengthRecordDataset } from './fixed-length-record.js';
import { makeCsvDataset } from './make-csv-dataset.js';
import { placeholder } from './placeholder.js';
import { tfRecordDataset } from './tfrecord.js';

const bytes = new Uint8Array(4);

/** The one error `fn` throws (synchronously or as a rejection). */
async function errorOf(fn: () => unknown): Promise<DataError> {
  try {
    await fn();
  } catch (e) {
    return e as DataError;
  }
  throw new Error('expected an error');
}

describe('options objects refuse unknown keys, naming the nearest known one', () => {
  const ds = Dataset.range(4);
  const cases: [string, () => unknown, RegExp][] = [
    [
      'shuffle',
      () => ds.shuffle(10, { sed: 1 } as never),
      /^Dataset\.shuffle\(\): unknown option "sed"\. Did you mean "seed"\? Known options: "seed", "reshuffleEachIteration"\.$/,
    ],
    [
      'batch',
      () => ds.batch(2, { drop_remainder: true } as never),
      /^Dataset\.batch\(\): unknown option "drop_remainder"\. Did you mean "dropRemainder"\?/,
    ],
    [
      'paddedBatch',
      () => ds.paddedBatch(2, { paddedShape: [] } as never),
      /^Dataset\.paddedBatch\(\): unknown option "paddedShape"\. Did you mean "paddedShapes"\?/,
    ],
    [
      'map',
      () => ds.map((x) => x, { num_parallel_calls: 2 } as never),
      /^Dataset\.map\(\): unknown option "num_parallel_calls"\. Did you mean "numParallelCalls"\?/,
    ],
    [
      'interleave',
      () => ds.interleave(() => ds, { cycle_length: 2 } as never),
      /^Dataset\.interleave\(\): unknown option "cycle_length"\. Did you mean "cycleLength"\?/,
    ],
    [
      'cache',
      () => ds.cache('', { storge: null } as never),
      /^Dataset\.cache\(\): unknown option "storge"\. Did you mean "storage"\?/,
    ],
    [
      'window',
      () => ds.window(2, { shfit: 1 } as never),
      /^Dataset\.window\(\): unknown option "shfit"\. Did you mean "shift"\?/,
    ],
    [
      'sampleFromDatasets',
      () => Dataset.sampleFromDatasets([ds, ds], { weight: [0.5, 0.5] } as never),
      /^Dataset\.sampleFromDatasets\(\): unknown option "weight"\. Did you mean "weights"\?/,
    ],
    [
      'listFiles',
      () => Dataset.listFiles(['a', 'b'], { shufle: false } as never),
      /^Dataset\.listFiles\(\): unknown option "shufle"\. Did you mean "shuffle"\?/,
    ],
    [
      'csvDataset',
      () => csvDataset(new Blob(['a\n1\n']), { field_delim: ';' } as never),
      /^csvDataset\(\): unknown option "field_delim"\. Did you mean "fieldDelim"\?/,
    ],
    [
      'tfRecordDataset',
      () => tfRecordDataset(bytes, { compression_type: 'GZIP' } as never),
      /^tfRecordDataset\(\): unknown option "compression_type"\. Did you mean "compressionType"\?/,
    ],
    [
      'fixedLengthRecordDataset',
      () => fixedLengthRecordDataset([bytes], 4, { headerByte: 1 } as never),
      /^fixedLengthRecordDataset\(\): unknown option "headerByte"\. Did you mean "headerBytes"\?/,
    ],
    [
      'makeCsvDataset',
      () => makeCsvDataset(new Blob(['a\n1\n']), 1, { label_name: 'a' } as never),
      /^makeCsvDataset\(\): unknown option "label_name"\. Did you mean "labelName"\?/,
    ],
    [
      'placeholder',
      () => placeholder('x', { shap: [2] } as never),
      /^placeholder\(\): unknown option "shap"\. Did you mean "shape"\?/,
    ],
  ];
  it.each(cases)('%s', async (_name, fn, message) => {
    const e = await errorOf(fn);
    expect(e).toBeInstanceOf(DataError);
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('a non-object options argument is INVALID_ARGUMENT; known keys still pass', async () => {
    const e = await errorOf(() => ds.batch(2, 'drop' as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('Dataset.batch(): options must be an object. Received "drop".');
    expect(await ds.batch(2, { dropRemainder: true }).cardinality()).toBe(2);
  });
});
