import { gzipSync } from 'node:zlib';
import {
  csvDataset,
  DataError,
  decodeIdx,
  decodeTFRecords,
  encodeExample,
  encodeTFRecords,
  fixedLenFeature,
  parseExample,
  parseSingleExample,
  varLenFeature,
} from '@estimatorjs/data';
import { EstimatorError, MemoryStorage, readCheckpoint, readCheckpointState } from '@estimatorjs/estimator';
import { EventWriter, MemoryEventSink, readEventRecords, SummaryError } from '@estimatorjs/summary';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from './helpers.js';

// Seeded fuzzing of every reader with random and mutated bytes: each input must either parse or throw one of our
// typed errors (DataError, SummaryError, EstimatorError), without leaking tensors. A fixed number of inputs from a
// fixed seed, so every run tests the same inputs and a failure reproduces; a hang is caught by the test timeout.
// RELIABILITY_FUZZ_INPUTS and RELIABILITY_SEED explore further by hand.
const INPUTS = Number(process.env.RELIABILITY_FUZZ_INPUTS ?? 1000);
const SEED = Number(process.env.RELIABILITY_SEED ?? 20_240_610);

beforeAll(() => setupTestBackend('cpu'));

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);

function randomBytes(r: Rand, max = 256): Uint8Array {
  return Uint8Array.from({ length: int(r, max) }, () => int(r, 256));
}

/** One to four random edits of a valid input: bit flips, byte overwrites, truncation, insertion, duplication. */
function mutate(r: Rand, src: Uint8Array): Uint8Array {
  let b = src.slice();
  for (let k = 1 + int(r, 4); k > 0; k--) {
    const at = int(r, Math.max(1, b.length));
    switch (int(r, 6)) {
      case 0:
        if (b.length) b[at] = b[at]! ^ (1 << int(r, 8));
        break;
      case 1:
        if (b.length) b[at] = [0, 0xff, 0x7f, 0x80, int(r, 256)][int(r, 5)]!;
        break;
      case 2:
        b = b.slice(0, at);
        break;
      case 3: {
        const extra = randomBytes(r, 16);
        b = Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
        break;
      }
      case 4: {
        const end = Math.min(b.length, at + 1 + int(r, 32));
        b = Uint8Array.from([...b.subarray(0, end), ...b.subarray(at, end), ...b.subarray(end)]);
        break;
      }
      default:
        b = b.subarray(int(r, Math.max(1, b.length)));
    }
  }
  return b;
}

const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 96)).toString('hex') + (b.length > 96 ? '…' : '');
const typed = (e: unknown) => e instanceof DataError || e instanceof SummaryError || e instanceof EstimatorError;

/** Feeds INPUTS seeded inputs to `read`; returns a report of failures (anything but a typed error, or a leak). */
async function fuzz(
  name: string,
  corpus: Uint8Array[],
  read: (bytes: Uint8Array) => unknown,
): Promise<{ runs: number; parsed: number; rejected: number; failures: string[] }> {
  const r = seededRandom(SEED ^ name.length ^ name.charCodeAt(0));
  const failures: string[] = [];
  let runs = 0;
  let parsed = 0;
  let rejected = 0;
  for (; runs < INPUTS && failures.length < 5; runs++) {
    const pick = int(r, 10);
    const bytes = pick === 0 ? randomBytes(r) : mutate(r, corpus[int(r, corpus.length)]!);
    const tensorsBefore = tf.memory().numTensors;
    const where = `input #${runs} of seed ${SEED}: ${hex(bytes)}`;
    try {
      await read(bytes);
      parsed++;
    } catch (e) {
      if (typed(e)) rejected++;
      else failures.push(`${(e as Error)?.constructor?.name}: ${(e as Error)?.message} <- ${where}`);
    }
    if (tf.memory().numTensors !== tensorsBefore)
      failures.push(`leaked ${tf.memory().numTensors - tensorsBefore} tensors <- ${where}`);
  }
  return { runs, parsed, rejected, failures };
}

async function check(name: string, corpus: Uint8Array[], read: (bytes: Uint8Array) => unknown) {
  const report = await fuzz(name, corpus, read);
  expect(report.failures).toEqual([]);
  expect(report.runs).toBe(INPUTS);
  expect(report.parsed + report.rejected).toBe(INPUTS);
}

function idxFile(dims: number[], type = 8): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const bytesPer = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[type]!;
  const header = [0, 0, type, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...Array.from({ length: n * bytesPer }, (_, i) => (i * 37) & 255)]);
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('fuzzing the readers with random and mutated bytes', () => {
  it('IDX (plain and gzip)', async () => {
    const plain = [idxFile([3, 2, 2]), idxFile([5], 12), idxFile([2, 3], 13), idxFile([2, 2], 14), idxFile([4], 11)];
    const corpus = [...plain, ...plain.map((b) => new Uint8Array(gzipSync(b)))];
    await check('IDX', corpus, (b) => decodeIdx(b, 'fuzz.idx'));
  });

  it('CSV', async () => {
    const corpus = [
      enc('a,b,c\n1,2,3\n4,5,6\n'),
      enc('x,label\n"1.5",2\n"a ""quoted"" value",3\r\n,4\n'),
      enc('name,v\n"multi\nline",1\nplain,2'),
    ];
    await check('CSV', corpus, async (b) => {
      for (const opts of [{}, { columnDefaults: ['', '', ''] }, { header: false, columnNames: ['p', 'q'] }]) {
        try {
          for await (const _ of csvDataset(b, opts));
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }
    });
  });

  it('TFRecord framing and tf.Example parsing', async () => {
    const examples = [
      encodeExample({ x: { floatList: [1, 2, 3] }, y: { int64List: [7] }, s: { bytesList: ['abc'] } }),
      encodeExample({ x: { floatList: [0.5, -1, 2] }, y: { int64List: [1] } }),
    ];
    const corpus = [encodeTFRecords(examples), encodeTFRecords(['plain', '']), ...examples];
    const spec = {
      x: fixedLenFeature([3], 'float32'),
      y: fixedLenFeature([], 'int32', 0),
      s: varLenFeature('string'),
    };
    await check('TFRecord/Example', corpus, (b) => {
      const records: Uint8Array[] = [];
      try {
        for (const rec of decodeTFRecords(b, 'fuzz.tfrecord')) records.push(rec);
      } catch (e) {
        if (!typed(e)) throw e;
      }
      for (const rec of [...records, b]) {
        try {
          const one = parseSingleExample(rec, spec);
          disposeParsed(one);
          disposeParsed(parseExample([rec, rec], spec));
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }
    });
  });

  it('event files', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink);
    w.scalar('loss', 0.25, 1);
    w.histogram('w', tf.tensor1d([1, 2, 3, 4]), 2);
    w.text('note', 'hello', 3);
    w.image('img', tf.zeros([1, 2, 2, 1]), 4);
    await w.close();
    const corpus = [sink.bytes()];
    await check('event files', corpus, (b) => readEventRecords(b, { source: 'fuzz.tfevents' }));
  });

  it('checkpoint manifests and weights (readCheckpoint on a MemoryStorage)', async () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.scalar(7, 'int32');
    const { data, specs } = await tf.io.encodeWeights({ 'dense/kernel': a, global_step: b });
    tf.dispose([a, b]);
    const manifest = {
      format: 'estimatorjs-checkpoint',
      version: 1,
      globalStep: 7,
      weightsFile: 'model.ckpt-7.weights.bin',
      byteLength: data.byteLength,
      weights: specs,
    };
    const weights = new Uint8Array(data);
    const corpus = [
      enc(JSON.stringify(manifest)),
      enc(JSON.stringify({ ...manifest, extra: { inputState: { version: 1, serial: 0, position: 3 } } })),
    ];
    const storage = new MemoryStorage('fuzz');
    await check('checkpoint manifests', corpus, async (bytes) => {
      // The mutated bytes as manifest (with intact weights), then as weights (with an intact manifest).
      await storage.writeAtomic('model.ckpt-7.index.json', bytes);
      await storage.writeAtomic('model.ckpt-7.weights.bin', weights);
      await readAndDispose(storage);
      await storage.writeAtomic('model.ckpt-7.index.json', corpus[0]!);
      await storage.writeAtomic('model.ckpt-7.weights.bin', bytes);
      await readAndDispose(storage);
    });
  });

  // parseCheckpointState() must turn every malformed quoted path into a CORRUPT_STATE_FILE error.
  it('checkpoint state files (readCheckpointState on a MemoryStorage)', async () => {
    const corpus = [
      enc('model_checkpoint_path: "model.ckpt-7"\nall_model_checkpoint_paths: "model.ckpt-7"\n'),
      enc('model_checkpoint_path: "model.ckpt-7"\nall_model_checkpoint_paths: "model.ckpt-\\u0037"\n'),
    ];
    const storage = new MemoryStorage('fuzz-state');
    await check('checkpoint state files', corpus, async (bytes) => {
      await storage.writeAtomic('checkpoint', bytes);
      await readCheckpointState(storage);
    });
  });
});

async function readAndDispose(storage: MemoryStorage): Promise<void> {
  try {
    const { tensors } = await readCheckpoint(storage, 'model.ckpt-7');
    tf.dispose(tensors);
  } catch (e) {
    if (!typed(e)) throw e;
  }
}

function disposeParsed(x: Record<string, unknown>): void {
  for (const v of Object.values(x)) {
    if (v instanceof tf.Tensor) v.dispose();
    else tf.dispose(v as tf.TensorContainer);
  }
}
