/**
 * makeCsvDataset against TF's documented behaviour (tf.data.experimental.make_csv_dataset, readers.py and its tests):
 * header names, type inference (int32 → int64 → float32 → float64 → string, empty fields tell nothing, inferred columns
 * default to 0 or ''), sorted selectColumns, the label popped from the features, batches dropping the remainder only
 * when repeating forever, interleave order, and errors that name the file, the line and the column.
 */
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { inferCsvType } from './internal/csv-columns.js';
import { type CsvBatch, makeCsvDataset } from './make-csv-dataset.js';

beforeAll(() => setupTestBackend('cpu'));

/** A named CSV file in memory (the name is what errors report). */
const csv = (name: string, lines: string[]) => new File([`${lines.join('\n')}\n`], name);

type Plain = Record<string, { dtype: string; values: (number | string)[] }>;

/** Every element as plain values, tensors disposed. */
async function plain(ds: AsyncIterable<unknown>, limit = Infinity): Promise<{ x: Plain; y?: (number | string)[] }[]> {
  const out: { x: Plain; y?: (number | string)[] }[] = [];
  for await (const el of ds) {
    const [features, label] = Array.isArray(el) ? (el as [CsvBatch, tf.Tensor1D]) : [el as CsvBatch, undefined];
    const x: Plain = {};
    for (const [k, t] of Object.entries(features))
      x[k] = { dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number | string>) };
    out.push(label ? { x, y: Array.from(label.dataSync() as ArrayLike<number | string>) } : { x });
    tf.dispose([features as tf.TensorContainer, label]);
    if (out.length >= limit) break;
  }
  return out;
}

async function failure(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('TF type inference (_infer_type)', () => {
  it('picks the least permissive type and never narrows a column', () => {
    // readers.py: int32 → int64 → float32 → float64 → string, each checked with numpy's parsers
    expect(inferCsvType('12', '', null)).toBe('int32');
    expect(inferCsvType(' -7 ', '', null)).toBe('int32');
    expect(inferCsvType('2147483647', '', null)).toBe('int32');
    expect(inferCsvType('2147483648', '', null)).toBe('int64');
    expect(inferCsvType('1.5', '', null)).toBe('float32');
    expect(inferCsvType('1e5', '', null)).toBe('float32');
    expect(inferCsvType('3.4028234663852886e+39', '', null)).toBe('float64');
    expect(inferCsvType('abc', '', null)).toBe('string');
    // float(s) < inf: NaN and +inf are not floats, -inf is
    expect(inferCsvType('nan', '', null)).toBe('string');
    expect(inferCsvType('inf', '', null)).toBe('string');
    expect(inferCsvType('-inf', '', null)).toBe('float32');
    // a column keeps its most permissive type so far
    expect(inferCsvType('3', '', 'float32')).toBe('float32');
    expect(inferCsvType('3', '', 'string')).toBe('string');
    expect(inferCsvType('x', '', 'int32')).toBe('string');
    // empty and NA fields tell nothing
    expect(inferCsvType('', 'NA', 'int64')).toBe('int64');
    expect(inferCsvType('NA', 'NA', null)).toBe(null);
  });
});

describe('makeCsvDataset', () => {
  it("infers TF's dtypes from the first rows (readers_test's fall-through file) and fills missing values with 0 or ''", async () => {
    // TF's testMakeCSVDataset_withTypeInferenceFallthrough: col0..col4 infer int32, int64, float32, float64, string
    const file = csv('fallthrough.csv', [
      'col0,col1,col2,col3,col4,col5',
      '1,1,1.0,1.0,1.0,',
      '1,2147483648,2.2,3.4028234663852886e+39,,',
      ',,,,x,',
    ]);
    const ds = await makeCsvDataset(file, 3, { shuffle: false, numEpochs: 1 });
    const [b] = await plain(ds);
    expect(b!.x.col0).toEqual({ dtype: 'int32', values: [1, 1, 0] });
    // tfjs has no int64/float64: those columns are float32
    expect(b!.x.col1).toEqual({ dtype: 'float32', values: [1, 2147483648, 0] });
    expect(b!.x.col2!.dtype).toBe('float32');
    expect(b!.x.col2!.values[1]).toBeCloseTo(2.2, 6);
    expect(b!.x.col3).toEqual({ dtype: 'float32', values: [1, Infinity, 0] });
    expect(b!.x.col4).toEqual({ dtype: 'string', values: ['1.0', '', 'x'] });
    // a column with no value in the inference rows is a string column
    expect(b!.x.col5).toEqual({ dtype: 'string', values: ['', '', ''] });
  });

  it("reads TF's documented CsvDataset example (required float32 and int32, an optional float32 defaulting to 0.0)", async () => {
    // readers.py CsvDataset docstring: record_defaults [tf.float32, constant([0.0]), tf.int32], select_cols [1, 2, 3]
    const file = csv('my_file0.csv', ['abcdefg,4.28E10,5.55E6,12', 'hijklmn,-5.3E14,,2']);
    const ds = await makeCsvDataset(file, 2, {
      header: false,
      columnNames: ['name', 'b', 'c', 'd'],
      selectColumns: [1, 2, 3],
      columnDefaults: [{ dtype: 'float32' }, 0, { dtype: 'int32' }],
      shuffle: false,
      numEpochs: 1,
    });
    const [b] = await plain(ds);
    // TF prints (4.28e10, 5.55e6, 12) and (-5.3e14, 0.0, 2)
    expect(b!.x).toEqual({
      b: { dtype: 'float32', values: [Math.fround(4.28e10), Math.fround(-5.3e14)] },
      c: { dtype: 'float32', values: [Math.fround(5.55e6), 0] },
      d: { dtype: 'int32', values: [12, 2] },
    });
  });

  it('infers only from numRowsForInference rows: a later float in an int32 column is an error naming file, line and column', async () => {
    const file = csv('late.csv', ['a,b', '1,x', '2,y', '2.5,z']);
    const ds = await makeCsvDataset(file, 2, { shuffle: false, numEpochs: 1, numRowsForInference: 2 });
    const e = await failure(plain(ds));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('makeCsvDataset(): late.csv line 4: column \'a\' expected an int32, received "2.5".');
    // with every row read for inference, the column is float32
    const all = await makeCsvDataset(file, 3, { shuffle: false, numEpochs: 1 });
    expect((await plain(all))[0]!.x.a).toEqual({ dtype: 'float32', values: [1, 2, 2.5] });
  });

  it('pops the label, batches per column, keeps the last short batch with numEpochs and drops it when repeating forever', async () => {
    const file = csv('people.csv', [
      'age,city,income',
      '30,Oslo,1',
      '41,Rome,0',
      '25,Oslo,1',
      '60,Lima,0',
      '33,Rome,1',
    ]);
    const once = await plain(await makeCsvDataset(file, 2, { labelName: 'income', shuffle: false, numEpochs: 1 }));
    expect(once.map((b) => b.y)).toEqual([[1, 0], [1, 0], [1]]);
    expect(once[0]!.x).toEqual({
      age: { dtype: 'int32', values: [30, 41] },
      city: { dtype: 'string', values: ['Oslo', 'Rome'] },
    });
    const twice = await plain(await makeCsvDataset(file, 2, { labelName: 'income', shuffle: false, numEpochs: 2 }));
    expect(twice.flatMap((b) => b.x.age!.values)).toEqual([30, 41, 25, 60, 33, 30, 41, 25, 60, 33]);
    const forever = await makeCsvDataset(file, 2, { labelName: 'income', shuffle: false });
    expect(forever.size).toBe(Infinity);
    const first = await plain(forever, 6);
    expect(first.map((b) => b.y!.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(first.flatMap((b) => b.x.age!.values).slice(0, 7)).toEqual([30, 41, 25, 60, 33, 30, 41]);
  });

  it('sorts selectColumns by index (TF) and takes one columnDefaults entry per selected column', async () => {
    const file = csv('sel.csv', ['a,b,c,d', '1,2,3,x', '4,,6,y']);
    const ds = await makeCsvDataset(file, 2, {
      selectColumns: ['d', 'b'],
      columnDefaults: [{ dtype: 'int32', default: -1 }, 'none'],
      labelName: 'd',
      shuffle: false,
      numEpochs: 1,
    });
    const [b] = await plain(ds);
    expect(b!.x).toEqual({ b: { dtype: 'int32', values: [2, -1] } });
    expect(b!.y).toEqual(['x', 'y']);
    const bad = await failure(makeCsvDataset(file, 2, { selectColumns: ['d', 'b'], columnDefaults: [0] }));
    expect(bad.message).toMatch(/columnDefaults must have one entry per selected column \(2: b, d\)\. Received 1/);
    const dup = await failure(makeCsvDataset(file, 2, { selectColumns: ['b', 1] }));
    expect(dup.message).toMatch(/selectColumns names a column twice/);
    const unknown = await failure(makeCsvDataset(file, 2, { selectColumns: ['e'] }));
    expect(unknown.message).toBe(
      'makeCsvDataset(): column "e" in selectColumns is not one of the columns of sel.csv [a, b, c, d].',
    );
    const label = await failure(makeCsvDataset(file, 2, { selectColumns: ['a'], labelName: 'd' }));
    expect(label.message).toBe(
      'makeCsvDataset(): labelName "d" is not one of the columns of sel.csv [a] (after selectColumns).',
    );
  });

  it('treats naValue as missing; a required column ({ dtype }) that is missing fails naming file, line and column', async () => {
    const file = csv('na.csv', ['x,y', '1,?', '?,b']);
    const [b] = await plain(await makeCsvDataset(file, 2, { naValue: '?', shuffle: false, numEpochs: 1 }));
    expect(b!.x).toEqual({ x: { dtype: 'int32', values: [1, 0] }, y: { dtype: 'string', values: ['', 'b'] } });
    const ds = await makeCsvDataset(file, 2, {
      naValue: '?',
      columnDefaults: [{ dtype: 'float32' }, ''],
      shuffle: false,
      numEpochs: 1,
    });
    const e = await failure(plain(ds));
    expect(e.message).toBe(
      'makeCsvDataset(): na.csv line 3: column \'x\' is empty (or "?") and has no default (it is required). Expected a float32, or give the column a default in columnDefaults.',
    );
  });

  it('a row with too few or too many fields fails naming file, line and column; ignoreErrors skips it', async () => {
    const file = csv('short.csv', ['a,b,c', '1,2,3', '4,5', '7,8,9', '1,2,3,4']);
    const e = await failure(
      plain(await makeCsvDataset(file, 8, { shuffle: false, numEpochs: 1, numRowsForInference: 1 })),
    );
    expect(e.message).toBe(
      "makeCsvDataset(): short.csv line 3: expected 3 fields (a, b, c), found 2: column 'c' (field 3) and later are missing.",
    );
    const [b] = await plain(
      await makeCsvDataset(file, 8, { shuffle: false, numEpochs: 1, numRowsForInference: 1, ignoreErrors: true }),
    );
    expect(b!.x.a!.values).toEqual([1, 7]);
    // inference reads the row too: TF's "Problem inferring types", here with the file and line
    const inf = await failure(makeCsvDataset(file, 8));
    expect(inf.message).toMatch(/^makeCsvDataset\(\): short\.csv line 3: expected 3 fields .* \(while inferring/);
  });

  it('checks that every file has the same header (TF: "Files have different column names")', async () => {
    const a = csv('a.csv', ['x,y', '1,2']);
    const b = csv('b.csv', ['x,z', '1,2']);
    const e = await failure(makeCsvDataset([a, b], 1));
    expect(e.message).toBe(
      'makeCsvDataset(): files have different column names in the header row: a.csv has [x, y], b.csv has [x, z].',
    );
    const noHeader = await failure(makeCsvDataset(a, 1, { header: false }));
    expect(noHeader.message).toMatch(/pass columnNames/);
  });

  it('reads files one after another, or numParallelReads at a time one row each (parallel_interleave, block 1)', async () => {
    const a = csv('a.csv', ['v', '1', '2', '3']);
    const b = csv('b.csv', ['v', '10', '20']);
    const seq = await plain(await makeCsvDataset([a, b], 10, { shuffle: false, numEpochs: 1 }));
    expect(seq[0]!.x.v!.values).toEqual([1, 2, 3, 10, 20]);
    const par = await plain(await makeCsvDataset([a, b], 10, { shuffle: false, numEpochs: 1, numParallelReads: 2 }));
    expect(par[0]!.x.v!.values).toEqual([1, 10, 2, 20, 3]);
    // sloppy: whichever file has a row ready; every row still comes exactly once
    const sloppy = await plain(
      await makeCsvDataset([a, b], 10, { shuffle: false, numEpochs: 1, numParallelReads: 2, sloppy: true }),
    );
    expect([...sloppy[0]!.x.v!.values].sort((p, q) => (p as number) - (q as number))).toEqual([1, 2, 3, 10, 20]);
  });

  it('shuffles rows and files with a seed: the same order for the same seed, every row once per epoch', async () => {
    const lines = ['v', ...Array.from({ length: 50 }, (_, i) => String(i))];
    const file = csv('many.csv', lines);
    const run = async () =>
      (await plain(await makeCsvDataset(file, 50, { shuffleSeed: 7, numEpochs: 1 })))[0]!.x.v!.values as number[];
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).not.toEqual([...first].sort((p, q) => p - q));
    expect([...first].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('reads quotes per RFC 4180, or as plain characters with useQuoteDelim false; other delimiters', async () => {
    const quoted = csv('q.csv', ['name,n', '"Smith, J",1']);
    const [q] = await plain(await makeCsvDataset(quoted, 1, { shuffle: false, numEpochs: 1 }));
    expect(q!.x.name!.values).toEqual(['Smith, J']);
    const raw = csv('r.csv', ['a;b', '"x;1']);
    const [r] = await plain(
      await makeCsvDataset(raw, 1, { shuffle: false, numEpochs: 1, fieldDelim: ';', useQuoteDelim: false }),
    );
    expect(r!.x).toEqual({ a: { dtype: 'string', values: ['"x'] }, b: { dtype: 'int32', values: [1] } });
  });

  it('refuses bad arguments with one clear error', async () => {
    const file = csv('f.csv', ['a', '1']);
    expect((await failure(makeCsvDataset(file, 0))).message).toBe(
      'makeCsvDataset(): batchSize must be an integer >= 1. Received 0.',
    );
    expect((await failure(makeCsvDataset(file, 1, { label: 'a' } as never))).message).toMatch(
      /^makeCsvDataset\(\): unknown option "label"\. Did you mean "labelName"\? Known options: "labelName", /,
    );
    expect((await failure(makeCsvDataset([], 1))).message).toMatch(/no files to read/);
    expect((await failure(makeCsvDataset(new Response('a\n1\n'), 1))).message).toMatch(
      /a Response can be read only once/,
    );
    expect((await failure(makeCsvDataset(file, 1, { columnDefaults: [{ dtype: 'int64' } as never] }))).message).toMatch(
      /columnDefaults for column 'a' must be a number, a string, or \{ dtype/,
    );
  });

  it('leaks no tensors', async () => {
    const file = csv('leak.csv', ['a,b,c', '1,x,0.5', '2,y,1.5', '3,z,2.5']);
    await expectNoLeaks(async () => {
      await plain(await makeCsvDataset(file, 2, { labelName: 'a', numEpochs: 2 }));
      // stopping early releases what is buffered
      await plain(await makeCsvDataset(file, 2, { labelName: 'a' }), 3);
    });
  });
});
