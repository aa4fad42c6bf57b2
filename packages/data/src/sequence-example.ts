/**
 * tf.train.SequenceExample: context features plus feature lists (one Feature per time step); encode, and parse
 * with TF 1.x's `tf.io.parse_single_sequence_example`. Owns: the SequenceExample framing and the feature-list specs.
 * Does not own: Feature protos and value checks (internal/features.ts), the spec types (example.ts).
 */
import { ProtoDecodeError, ProtoReader, ProtoWriter, text } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { DataError, invalidArgument } from './errors.js';
import {
  type Feature,
  type FixedLenFeature,
  type FixedLenSequenceFeature,
  recordBytes,
  type SerializedRecord,
  type SparseValues,
  type VarLenFeature,
  writeFeature,
  writeFeatures,
} from './example.js';
import {
  disposingOnError,
  fixedValues,
  type Raw,
  rawValues,
  readFeature,
  readFeatures,
  sizeOf,
  sparse,
} from './internal/features.js';

/** A SequenceExample to encode: context features and, per key, the list of one Feature per step. */
export interface SequenceExampleInput {
  readonly context?: Readonly<Record<string, Feature>>;
  readonly featureLists?: Readonly<Record<string, readonly Feature[]>>;
}

/** The specs of {@link parseSingleSequenceExample}. */
export interface SequenceExampleSpecs {
  readonly contextFeatures?: Readonly<Record<string, FixedLenFeature | VarLenFeature>>;
  readonly sequenceFeatures?: Readonly<Record<string, FixedLenSequenceFeature | VarLenFeature>>;
}

/** What {@link parseSingleSequenceExample} returns: `[context, featureLists]`, as TF 1.x's tuple. */
export type ParsedSequenceExample = [
  Record<string, tf.Tensor | SparseValues>,
  Record<string, tf.Tensor | SparseValues>,
];

/**
 * Serializes a tf.train.SequenceExample (`Features context = 1; FeatureLists feature_lists = 2`).
 * @example
 *   const rec = encodeSequenceExample({ context: { id: { int64List: [7] } }, featureLists: { tok: [{ int64List: [3] }, { int64List: [9] }] } });
 */
export function encodeSequenceExample(input: SequenceExampleInput): Uint8Array {
  const api = 'encodeSequenceExample()';
  const w = new ProtoWriter(256);
  if (input.context) {
    const ctx = input.context;
    w.message(1, (feats) => writeFeatures(api, feats, ctx));
  }
  if (input.featureLists) {
    const lists = input.featureLists;
    // FeatureLists { map<string, FeatureList> feature_list = 1 }; FeatureList { repeated Feature feature = 1 }
    w.message(2, (fl) => {
      for (const [key, steps] of Object.entries(lists)) {
        if (!Array.isArray(steps)) {
          throw invalidArgument(
            `${api}: featureLists['${key}'] must be an array of Features (one per step). Received ${typeof steps}.`,
          );
        }
        fl.message(1, (entry) => {
          entry.string(1, key);
          entry.message(2, (list) => {
            for (const f of steps) list.message(1, (feature) => writeFeature(api, key, feature, f));
          });
        });
      }
    });
  }
  return w.finish().slice();
}

function readSequenceExample(bytes: Uint8Array): { context: Map<string, Raw>; lists: Map<string, Raw[]> } {
  const context = new Map<string, Raw>();
  const lists = new Map<string, Raw[]>();
  for (const f of new ProtoReader(bytes, 'tf.train.SequenceExample').fields()) {
    if (f.wireType !== 2) continue;
    if (f.field === 1) readFeatures(f.bytes, context);
    else if (f.field === 2) {
      for (const e of new ProtoReader(f.bytes, 'tf.train.FeatureLists').fields()) {
        if (e.field !== 1 || e.wireType !== 2) continue;
        let key = '';
        const steps: Raw[] = [];
        for (const kv of new ProtoReader(e.bytes, 'tf.train.FeatureLists.FeatureListEntry').fields()) {
          if (kv.wireType !== 2) continue;
          if (kv.field === 1) key = text(kv.bytes);
          else if (kv.field === 2) {
            for (const step of new ProtoReader(kv.bytes, 'tf.train.FeatureList').fields()) {
              if (step.field === 1 && step.wireType === 2) steps.push(readFeature(step.bytes));
            }
          }
        }
        lists.set(key, steps);
      }
    }
  }
  return { context, lists };
}

/**
 * Parses one serialized SequenceExample (TF 1.x's `parse_single_sequence_example`): context features as in
 * `parseSingleExample`; a FixedLenSequenceFeature becomes a dense `[steps, ...shape]`, a VarLenFeature a
 * {@link SparseValues} with indices `[step, j]` and dense shape `[steps, longest]`. A missing feature list is an
 * error unless its spec has `allowMissing` (then zero steps).
 * @example
 *   const [context, seq] = parseSingleSequenceExample(record, { sequenceFeatures: { tok: fixedLenSequenceFeature([], 'int32') } });
 */
export function parseSingleSequenceExample(
  serialized: SerializedRecord,
  specs: SequenceExampleSpecs,
): ParsedSequenceExample {
  const api = 'parseSingleSequenceExample()';
  let parsed: ReturnType<typeof readSequenceExample>;
  try {
    parsed = readSequenceExample(recordBytes(api, serialized));
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
    throw new DataError('DATA_LOSS', `${api}: ${e.message} Expected a serialized tf.train.SequenceExample.`, {
      cause: e,
    });
  }
  const context: Record<string, tf.Tensor | SparseValues> = {};
  const sequences: Record<string, tf.Tensor | SparseValues> = {};
  disposingOnError(context, () =>
    disposingOnError(sequences, () => {
      for (const [key, spec] of Object.entries(specs.contextFeatures ?? {})) {
        const vals = rawValues(api, key, parsed.context.get(key), spec.dtype);
        if (spec.kind === 'fixedLen') {
          context[key] = tf.tensor(fixedValues(api, key, spec, vals) as number[], spec.shape as number[], spec.dtype);
        } else {
          const v = vals ?? [];
          context[key] = sparse(
            v.map((_, i) => i),
            1,
            v,
            spec.dtype,
            [v.length],
          );
        }
      }
      for (const [key, spec] of Object.entries(specs.sequenceFeatures ?? {})) {
        const steps = parsed.lists.get(key);
        if (steps === undefined && !(spec.kind === 'fixedLenSequence' && spec.allowMissing) && spec.kind !== 'varLen') {
          throw new DataError(
            'INVALID_ARGUMENT',
            `${api}: feature list '${key}' is missing. Expected it in the SequenceExample, or allowMissing: true in its fixedLenSequenceFeature.`,
          );
        }
        const per = (steps ?? []).map((raw, t) => rawValues(api, `${key}[${t}]`, raw, spec.dtype) ?? []);
        if (spec.kind === 'fixedLenSequence') {
          const n = sizeOf(spec.shape);
          per.forEach((v, t) => {
            if (v.length !== n) {
              throw new DataError(
                'INVALID_ARGUMENT',
                `${api}: feature list '${key}' step ${t} has ${v.length} values; FixedLenSequenceFeature shape [${spec.shape.join(', ')}] expects ${n}.`,
              );
            }
          });
          sequences[key] = tf.tensor(per.flat() as number[], [per.length, ...spec.shape], spec.dtype);
        } else {
          const idx: number[] = [];
          const vals: (number | string)[] = [];
          per.forEach((v, t) => {
            v.forEach((x, j) => {
              idx.push(t, j);
              vals.push(x);
            });
          });
          sequences[key] = sparse(idx, 2, vals, spec.dtype, [per.length, Math.max(0, ...per.map((v) => v.length))]);
        }
      }
      return null;
    }),
  );
  return [context, sequences];
}
