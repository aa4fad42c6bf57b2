import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEventFiles, describeEventFileReport, expectEventFiles } from './check-event-files.js';
import { oracleCrc32c, oracleMaskedCrc32c } from './internal/oracle-castagnoli.js';
import { tempModelDir } from './temp-model-dir.js';

const TESTDATA = join(__dirname, '..', 'testdata');
const TF1 = join(TESTDATA, 'tf1_estimator_simple_value', 'end_2_end.tfevents');
const KERAS = join(TESTDATA, 'keras_tf2_prefix', 'events.out.tfevents.1690486852.e-bnbobg-f77fv-0.244.0.v2');
const { dir: scratch, cleanup } = tempModelDir('check-event-files-');
afterAll(cleanup);

let files = 0;
/** Writes `bytes` as an event file in a fresh directory and returns that directory. */
function logdir(bytes: Uint8Array, name = 'events.out.tfevents.1.host'): string {
  const dir = join(scratch, `d${files++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, name), bytes);
  return dir;
}
const codes = (path: string, strict = false) =>
  checkEventFiles(path, { strict })
    .issues.filter((i) => strict || i.severity === 'error')
    .map((i) => i.code);

/** Byte offsets at which the records of a TFRecord file start, read from the length fields. */
function recordStarts(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let pos = 0; pos < bytes.length; pos += 16 + Number(view.getBigUint64(pos, true))) out.push(pos);
  return out;
}

// A hand encoder for the synthetic cases; the framing it shares with the oracle is checked against TF's files below.
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const varint = (n: number) => {
  const out: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) out.push((n % 128) | 128);
  return new Uint8Array([...out, n]);
};
const key = (field: number, wire: number) => varint(field * 8 + wire);
const len = (field: number, body: Uint8Array | string) => {
  const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return cat(key(field, 2), varint(b.length), b);
};
const f64 = (field: number, x: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return cat(key(field, 1), b);
};
const f32 = (field: number, x: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return cat(key(field, 5), b);
};
const u32 = (x: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x, true);
  return b;
};
function record(payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(payload.length), true);
  return cat(head, u32(oracleMaskedCrc32c(head)), payload, u32(oracleMaskedCrc32c(payload)));
}
const version = (v = 'brain.Event:2') => record(cat(f64(1, 1_700_000_000.5), len(3, v)));
const summary = (step: number, ...values: Uint8Array[]) =>
  record(cat(f64(1, 1_700_000_001), key(2, 0), varint(step), len(5, cat(...values.map((v) => len(1, v))))));
const simple = (tag: string, x: number) => cat(len(1, tag), f32(2, x));
const scalarsMeta = len(9, len(1, len(1, 'scalars')));
/** A rank-0 tensor value: DT_FLOAT (1) in float_val, or DT_DOUBLE (2) in double_val. */
const scalarTensor = (tag: string, x: number, dtype: 1 | 2, meta = true) =>
  cat(
    len(1, tag),
    meta ? scalarsMeta : new Uint8Array(0),
    len(8, cat(key(1, 0), varint(dtype), len(2, new Uint8Array(0)), dtype === 1 ? f32(5, x) : f64(6, x))),
  );

describe('the CRC-32C oracle', () => {
  it('gives the published check values (RFC 3720 B.4, the CRC catalogue)', () => {
    expect(oracleCrc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(oracleCrc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(oracleCrc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(oracleCrc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(oracleCrc32c(new Uint8Array(0))).toBe(0);
  });

  it('masks as TFRecord does, reproducing the CRCs TensorFlow wrote into a record header', () => {
    // CRC-32C of no bytes is 0, so the mask (rotate right 15, add 0xa282ead8) leaves just the constant.
    expect(oracleMaskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
    const tf = new Uint8Array(readFileSync(TF1));
    const view = new DataView(tf.buffer, tf.byteOffset, tf.byteLength);
    const length = Number(view.getBigUint64(0, true));
    expect(oracleMaskedCrc32c(tf, 0, 8)).toBe(view.getUint32(8, true));
    expect(oracleMaskedCrc32c(tf, 12, 12 + length)).toBe(view.getUint32(12 + length, true));
  });
});

describe('checkEventFiles on files written by TensorFlow (testdata/)', () => {
  const report = checkEventFiles(TESTDATA, {
    expect: [
      'tf2_summary_scalar/my_metric@scalar',
      'tf1_estimator_simple_value/train_begin@scalar',
      'keras_tf2_prefix/epoch_loss@scalar',
      'keras_tf2_prefix/dense/kernel_0/histogram@histogram',
      'keras_tf2_prefix/dense/kernel_0/image@image',
    ],
  });

  it('accepts all three and meets the expectations; the one warning is the TF1 file name without events.out.', () => {
    expect(report.ok, describeEventFileReport(report)).toBe(true);
    expect(Object.keys(report.runs).sort()).toEqual([
      'keras_tf2_prefix',
      'tf1_estimator_simple_value',
      'tf2_summary_scalar',
    ]);
    expect(report.issues.map((i) => [i.severity, i.code, i.run])).toEqual([
      ['warning', 'file-name', 'tf1_estimator_simple_value'],
    ]);
  });

  it('TF2 tf.summary.scalar: 100 rank-0 float tensors, steps 0..99, value 0.5 * step', () => {
    const run = report.runs.tf2_summary_scalar!;
    expect(run.events).toBe(101);
    const m = run.tags.my_metric!;
    expect([m.kind, m.plugin, m.storedAs]).toEqual(['scalar', 'scalars', ['tensor']]);
    expect(m.points.map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(m.points.map((p) => p.value)).toEqual(Array.from({ length: 100 }, (_, i) => i * 0.5));
    expect(m.points[0]!.wallTime).toBeGreaterThan(1585499054);
  });

  it('TF1 Estimator file: 12 simple_value tags at step 0', () => {
    const tags = report.runs.tf1_estimator_simple_value!.tags;
    expect(Object.keys(tags)).toHaveLength(12);
    expect(Object.values(tags).every((t) => t.storedAs.join() === 'simple_value' && t.kind === 'scalar')).toBe(true);
    expect(tags.model_fn_begin!.points).toHaveLength(3);
    expect(tags.train_begin!.points.map((p) => [p.step, p.value])).toEqual([[0, 0]]);
  });

  it('Keras TF2 file: a graph, float scalars, DT_DOUBLE [30, 3] histograms and PNG image tensors', () => {
    const run = report.runs.keras_tf2_prefix!;
    expect(run.events).toBe(13);
    expect(run.graphDefs).toHaveLength(1);
    expect(run.graphDefs[0]!.length).toBeGreaterThan(1000);
    expect(run.tags.epoch_loss!.points[0]!.value).toBe(0.7031488418579102);
    const hist = run.tags['dense/kernel_0/histogram']!;
    expect(hist.points[0]!.value).toMatchObject({ buckets: 30, count: 401408 });
    expect(run.tags['dense/kernel_0/image']!.points[0]!.value).toMatchObject({ images: 1, width: 784, format: 'png' });
    expect(run.tags.keras!.plugin).toBe('graph_keras_model');
  });
});

describe('checkEventFiles rejects damaged copies of a TF-written file', () => {
  const original = new Uint8Array(readFileSync(TF1));
  const starts = recordStarts(original);

  it('every single flipped byte is caught by one of the two CRCs', () => {
    expect(starts).toHaveLength(25);
    const caught = new Map<string, number>();
    for (let at = 0; at < original.length; at++) {
      const bad = original.slice();
      bad[at]! ^= 0x20;
      const found = codes(logdir(bad));
      const record = starts.findLast((s) => s <= at)!;
      const inLength = at - record < 12;
      expect(found, `byte ${at}`).toEqual([inLength ? 'length-crc-mismatch' : 'data-crc-mismatch']);
      caught.set(found[0]!, (caught.get(found[0]!) ?? 0) + 1);
    }
    expect(caught.get('length-crc-mismatch')).toBe(25 * 12);
  });

  it('every cut is rejected unless it falls on a record boundary (a shorter valid file)', () => {
    for (let cut = 1; cut < original.length; cut++) {
      const found = codes(logdir(original.subarray(0, cut)));
      const boundary = starts.includes(cut);
      const last = starts.findLast((s) => s < cut)!;
      const payloadEnd = starts[starts.indexOf(last) + 1] ?? original.length;
      const expected = boundary
        ? []
        : cut - last < 12
          ? ['truncated-header']
          : cut < payloadEnd - 4
            ? ['truncated-data']
            : ['truncated-data-crc'];
      expect(found, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('a flipped bit in a large Keras record (a 200 kB graph) fails the payload CRC', () => {
    const keras = new Uint8Array(readFileSync(KERAS));
    const bad = keras.slice();
    bad[100_000]! ^= 1;
    expect(codes(logdir(bad))).toEqual(['data-crc-mismatch']);
    expect(codes(logdir(keras))).toEqual([]);
  });
});

describe('checkEventFiles on hand-built files', () => {
  it('names runs after directories, so eval/ is the run "eval" beside the logdir\'s own "."', () => {
    const root = join(scratch, 'runs');
    mkdirSync(join(root, 'eval', 'sub'), { recursive: true });
    writeFileSync(join(root, 'events.out.tfevents.1.h'), cat(version(), summary(3, simple('loss', 0.25))));
    writeFileSync(join(root, 'eval', 'events.out.tfevents.2.h'), cat(version(), summary(3, simple('accuracy', 0.5))));
    writeFileSync(join(root, 'eval', 'sub', 'events.out.tfevents.3.h'), cat(version(), summary(4, simple('a/b', 1))));
    writeFileSync(join(root, 'eval', 'notes.txt'), 'not an event file');
    const report = expectEventFiles(root, { expect: ['./loss@scalar', 'eval/accuracy', 'eval/sub/a/b'] });
    expect(Object.keys(report.runs).sort()).toEqual(['.', 'eval', 'eval/sub']);
    expect(report.runs['.']!.tags.loss!.points).toEqual([{ step: 3, wallTime: 1_700_000_001, value: 0.25 }]);
    const missing = checkEventFiles(root, { expect: ['./accuracy', 'eval/loss', './loss@histogram'] });
    expect(missing.issues.map((i) => i.code)).toEqual(['expect-missing', 'expect-missing', 'expect-kind']);
    expect(() => expectEventFiles(root, { expect: ['eval/loss'] })).toThrow(
      /expect-missing.*no tag eval\/loss[\s\S]*run eval: accuracy/,
    );
  });

  it('wants brain.Event:2 first, a protobuf Event in every record, and no empty file', () => {
    const s = summary(1, simple('loss', 1));
    expect(codes(logdir(cat(version(), s)))).toEqual([]);
    expect(codes(logdir(s))).toEqual(['no-file-version']);
    expect(codes(logdir(cat(version('brain.Event:1'), s)))).toEqual(['bad-file-version']);
    expect(codes(logdir(cat(version(), record(new Uint8Array([0x0a, 0xff, 0xff])))))).toEqual(['bad-event-proto']);
    expect(codes(logdir(new Uint8Array(0)))).toEqual(['empty-file']);
    expect(codes(logdir(new Uint8Array(1), 'not-an-event-file'))).toEqual(['no-event-files']);
  });

  it("keeps TensorBoard's scalar rules: one DT_FLOAT of rank 0, with plugin metadata on the first value", () => {
    expect(codes(logdir(cat(version(), summary(1, scalarTensor('acc', 0.5, 1)))))).toEqual([]);
    expect(codes(logdir(cat(version(), summary(1, scalarTensor('acc', 0.5, 2)))))).toEqual(['scalar-tensor']);
    expect(codes(logdir(cat(version(), summary(1, scalarTensor('acc', 0.5, 1, false)))))).toEqual(['no-metadata']);
    // Metadata on the first value is enough; later values may omit it.
    const later = cat(
      version(),
      summary(1, scalarTensor('acc', 0.5, 1)),
      summary(2, scalarTensor('acc', 0.75, 1, false)),
    );
    const report = expectEventFiles(logdir(later), { expect: ['./acc@scalar'] });
    expect(report.runs['.']!.tags.acc!.points.map((p) => p.value)).toEqual([0.5, 0.75]);
  });

  it('warns about a wall time in milliseconds, and strict makes warnings fail', () => {
    const ms = record(cat(f64(1, 1_700_000_001_000), key(2, 0), varint(1), len(5, len(1, simple('loss', 1)))));
    const dir = logdir(cat(version(), ms));
    expect(codes(dir)).toEqual([]);
    expect(checkEventFiles(dir).ok).toBe(true);
    expect(codes(dir, true)).toEqual(['wall-time-ms']);
    expect(checkEventFiles(dir, { strict: true }).ok).toBe(false);
  });
});
