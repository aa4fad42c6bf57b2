/**
 * A small synthetic table for the premade estimators' tests: a numeric `x` in [-1, 1], a `color` in
 * red/green/blue, a per-example `w` weight, and labels that are separable from them:
 * binary `x + (red ? 0.5 : -0.5) > 0`, a 3-class label by color (as strings stop/go/wait), and a regression target
 * `2x + 1 + (red ? 1 : 0)`.
 */
import { type InputFn, RunConfig } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

export const COLORS = ['red', 'green', 'blue'] as const;
export const SIGNALS = ['stop', 'go', 'wait'] as const;

export interface Table {
  readonly x: Float32Array;
  readonly color: string[];
  readonly w: Float32Array;
  readonly binary: Int32Array;
  readonly signal: string[];
  readonly y: Float32Array;
}

/** `n` rows from a fixed-seed LCG. */
export function makeTable(n: number, seed = 11): Table {
  let s = seed;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(n);
  const color: string[] = [];
  const binary = new Int32Array(n);
  const signal: string[] = [];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rand() * 2 - 1;
    const c = Math.floor(rand() * 3);
    color.push(COLORS[c]!);
    signal.push(SIGNALS[c]!);
    binary[i] = x[i]! + (c === 0 ? 0.5 : -0.5) > 0 ? 1 : 0;
    y[i] = 2 * x[i]! + 1 + (c === 0 ? 1 : 0);
  }
  return { x, color, w: new Float32Array(n).fill(1), binary, signal, y };
}

export type LabelKind = 'binary' | 'signal' | 'y' | 'none';

/** An input_fn over the table: `epochs` passes of batches of `batch` rows, features `{ x, color, w }`. */
export function tableInput(t: Table, label: LabelKind, opts: { batch?: number; epochs?: number } = {}): InputFn {
  const batch = opts.batch ?? 32;
  const epochs = opts.epochs ?? 1;
  return () =>
    (async function* () {
      for (let e = 0; e < epochs; e++) {
        for (let i = 0; i + batch <= t.x.length; i += batch) {
          const features = {
            x: tf.tensor1d(t.x.subarray(i, i + batch)),
            color: tf.tensor1d(t.color.slice(i, i + batch), 'string'),
            w: tf.tensor1d(t.w.subarray(i, i + batch)),
          };
          if (label === 'none') yield features;
          else if (label === 'binary') yield [features, tf.tensor1d(t.binary.subarray(i, i + batch), 'int32')] as const;
          else if (label === 'signal') yield [features, tf.tensor1d(t.signal.slice(i, i + batch), 'string')] as const;
          else yield [features, tf.tensor1d(t.y.subarray(i, i + batch))] as const;
        }
      }
    })();
}

/** An in-memory RunConfig with a fixed seed, saving only at the end of train(). */
export function quietConfig(): RunConfig {
  return new RunConfig({
    randomSeed: 7,
    saveCheckpointsSteps: 100_000,
    saveSummarySteps: 100_000,
    logStepCountSteps: 100_000,
  });
}

export const silent = (): void => {};
