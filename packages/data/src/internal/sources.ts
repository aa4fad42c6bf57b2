/** Producers of the non-slice sources: fromTensors, fromGenerator, range, zip, concatenate. */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement, isContainer, mapStructure } from './structure.js';

type Gen = (ctx: IterContext) => AsyncIterator<unknown>;

/** The expected dtype and shape of one leaf of a generator's output (`null` dims match any size). */
export interface TensorSpec {
  readonly shape?: readonly (number | null)[];
  readonly dtype?: tf.DataType;
}

/** True for a {@link TensorSpec} leaf of an output signature. */
function isSpec(x: unknown): x is TensorSpec {
  return (
    isContainer(x) &&
    !Array.isArray(x) &&
    Object.keys(x).every((k) => k === 'shape' || k === 'dtype') &&
    Object.keys(x).length > 0
  );
}

/** Converts one yielded element to the signature: plain values become tensors; shapes and dtypes are checked. */
export function conform(api: string, x: unknown, sig: unknown, index: number): unknown {
  const walk = (v: unknown, s: unknown, path: string): unknown => {
    if (isSpec(s)) {
      let t: tf.Tensor;
      if (v instanceof tf.Tensor) {
        t = s.dtype && v.dtype !== s.dtype ? castOwned(v, s.dtype) : v;
      } else if (
        typeof v === 'number' ||
        typeof v === 'boolean' ||
        typeof v === 'string' ||
        Array.isArray(v) ||
        ArrayBuffer.isView(v)
      ) {
        t = tf.tensor(v as tf.TensorLike, undefined, s.dtype);
      } else {
        throw invalidArgument(
          `${api}: element ${index} at '${path || '(element)'}' is ${typeof v}; expected a tensor-like value per the outputSignature.`,
        );
      }
      if (s.shape) {
        const ok = t.rank === s.shape.length && s.shape.every((d, i) => d === null || d === -1 || d === t.shape[i]);
        if (!ok) {
          t.dispose();
          throw invalidArgument(
            `${api}: element ${index} at '${path || '(element)'}' has shape [${t.shape.join(', ')}]; the outputSignature expects [${s.shape.map((d) => d ?? 'null').join(', ')}].`,
          );
        }
      }
      return t;
    }
    if (Array.isArray(s)) {
      if (!Array.isArray(v) || v.length !== s.length) {
        throw invalidArgument(
          `${api}: element ${index} at '${path || '(element)'}' should be an array of ${s.length} per the outputSignature. Received ${Array.isArray(v) ? `length ${v.length}` : typeof v}.`,
        );
      }
      return s.map((ss, i) => walk(v[i], ss, `${path}[${i}]`));
    }
    if (isContainer(s)) {
      if (!isContainer(v) || Array.isArray(v)) {
        throw invalidArgument(
          `${api}: element ${index} at '${path || '(element)'}' should be an object with keys [${Object.keys(s).join(', ')}] per the outputSignature. Received ${typeof v}.`,
        );
      }
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(s))
        out[k] = walk((v as Record<string, unknown>)[k], (s as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  return walk(x, sig, '');
}

function castOwned(t: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  const c = tf.cast(t, dtype);
  t.dispose();
  return c;
}

export function generatorProducer(
  gen: () => Iterator<unknown> | AsyncIterator<unknown> | Iterable<unknown> | AsyncIterable<unknown>,
  signature: unknown,
): Gen {
  const api = 'Dataset.fromGenerator()';
  return async function* generator() {
    let made = gen() as unknown;
    if (made && typeof made === 'object' && Symbol.asyncIterator in made)
      made = (made as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    else if (made && typeof made === 'object' && Symbol.iterator in made && !('next' in made))
      made = (made as Iterable<unknown>)[Symbol.iterator]();
    if (!made || typeof (made as Iterator<unknown>).next !== 'function') {
      throw invalidArgument(
        `${api}: the generator function must return an iterator or iterable. Received ${typeof made}.`,
      );
    }
    const it = made as Iterator<unknown> | AsyncIterator<unknown>;
    let i = 0;
    let finished = false;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) {
          finished = true;
          return;
        }
        yield signature === undefined ? r.value : conform(api, r.value, signature, i);
        i++;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  };
}

export function rangeProducer(start: number, stop: number, step: number): Gen {
  return async function* range() {
    if (step > 0) for (let v = start; v < stop; v += step) yield v;
    else for (let v = start; v > stop; v += step) yield v;
  };
}

export function rangeSize(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

export function zipProducer(template: unknown, nodes: Node[]): Gen {
  return async function* zip(ctx) {
    const its = nodes.map((n) => n._iterate(ctx));
    try {
      for (;;) {
        const rs = await Promise.all(its.map((it) => it.next()));
        if (rs.some((r) => r.done)) {
          for (const r of rs) if (!r.done) disposeElement(materialize(r.value));
          return;
        }
        let i = 0;
        yield mapStructure(template, () => materialize(rs[i++]!.value));
      }
    } finally {
      await Promise.all(its.map((it) => it.return?.()));
    }
  };
}

export function concatenateProducer(a: Node, b: Node): Gen {
  return async function* concatenate(ctx) {
    for (const n of [a, b]) {
      const it = n._iterate(ctx);
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          yield r.value;
        }
      } finally {
        await it.return?.();
      }
    }
  };
}
