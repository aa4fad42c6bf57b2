/** `paddedBatch`: batches elements whose tensors differ in shape by padding each to a common shape. */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement, isContainer, leaves, unflatten } from './structure.js';

/** Padded shape of one component: `null` or -1 dims pad to the longest in the batch. */
export type PaddedShape = readonly (number | null)[];

function perLeaf<V>(api: string, name: string, spec: unknown, template: unknown, fallback: V): V[] {
  const n = leaves(template).length;
  if (spec === undefined) return new Array(n).fill(fallback);
  const isLeafSpec =
    name === 'paddedShapes'
      ? Array.isArray(spec) && spec.every((d) => d === null || typeof d === 'number')
      : !isContainer(spec);
  if (isLeafSpec) {
    if (n !== 1 && name === 'paddedShapes')
      throw invalidArgument(`${api}: ${name} must match the element structure (${n} components). Received one shape.`);
    return new Array(n).fill(spec);
  }
  const flat: unknown[] = [];
  const walk = (s: unknown) => {
    const leaf =
      name === 'paddedShapes'
        ? Array.isArray(s) && s.every((d) => d === null || typeof d === 'number')
        : !isContainer(s);
    if (leaf) flat.push(s);
    else if (Array.isArray(s)) s.forEach(walk);
    else for (const k of Object.keys(s as object)) walk((s as Record<string, unknown>)[k]);
  };
  walk(spec);
  if (flat.length !== n)
    throw invalidArgument(`${api}: ${name} has ${flat.length} components; the elements have ${n}.`);
  return flat as V[];
}

/** The values of string tensor `t` padded at the end of every dim to `target` with `fill`, row-major. */
function padStrings(t: tf.Tensor, target: readonly number[], fill: string): string[] {
  const src = t.dataSync() as unknown as string[];
  const out = new Array<string>(tf.util.sizeFromShape([...target])).fill(fill);
  const srcStrides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const dstStrides = target.map((_, d) => target.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < src.length; i++) {
    let o = 0;
    for (let d = 0; d < t.rank; d++) o += (Math.floor(i / srcStrides[d]!) % t.shape[d]!) * dstStrides[d]!;
    out[o] = src[i]!;
  }
  return out;
}

export function paddedBatchProducer(
  src: Node,
  n: number,
  opts: {
    paddedShapes?: unknown;
    paddingValues?: unknown;
    dropRemainder: boolean;
    /** What unknown dims pad to instead of the batch maximum (bucketing's boundary - 1); undeclared: dim 0. */
    unknownDimFill?: number;
  },
): (ctx: IterContext) => AsyncIterator<unknown> {
  const api = 'Dataset.paddedBatch()';
  const combine = (elements: unknown[]): unknown => {
    const template = elements[0];
    const shapes = perLeaf<PaddedShape | undefined>(api, 'paddedShapes', opts.paddedShapes, template, undefined);
    const values = perLeaf<number>(api, 'paddingValues', opts.paddingValues, template, 0);
    const cols = elements.map((e) => leaves(e));
    const out = shapes.map((declared, j) =>
      tf.tidy(() => {
        const ts = cols.map((c, i) => {
          const l = c[j];
          if (l instanceof tf.Tensor) return l;
          if (typeof l === 'number') return tf.scalar(l);
          throw invalidArgument(`${api}: component ${j} of element ${i} is ${typeof l}; expected a tensor or number.`);
        });
        const rank = ts[0]!.rank;
        const target = Array.from({ length: rank }, (_, d) => Math.max(...ts.map((t) => t.shape[d]!)));
        const fill = opts.unknownDimFill;
        if (fill !== undefined) {
          const dims = declared ? declared.flatMap((d, k) => (d === null || d === -1 ? [k] : [])) : rank > 0 ? [0] : [];
          for (const k of dims) {
            if (target[k]! > fill)
              throw invalidArgument(
                `${api}: component ${j} has size ${target[k]} in dim ${k}, more than its bucket pads to (${fill}, the bucket boundary - 1). Expected elementLengthFunc to measure that dim.`,
              );
            target[k] = fill;
          }
        }
        if (declared) {
          if (declared.length !== rank)
            throw invalidArgument(
              `${api}: paddedShapes for component ${j} has rank ${declared.length}; the tensors have rank ${rank}.`,
            );
          declared.forEach((d, k) => {
            if (d !== null && d !== -1) {
              if (d < target[k]!)
                throw invalidArgument(
                  `${api}: component ${j} has size ${target[k]} in dim ${k}, larger than its padded shape ${d}.`,
                );
              target[k] = d;
            }
          });
        }
        for (const t of ts) {
          if (t.rank !== rank) throw invalidArgument(`${api}: component ${j} mixes ranks ${rank} and ${t.rank}.`);
        }
        // tf.pad is numeric only: strings are padded here (with '' unless a string paddingValue is given)
        if (ts[0]!.dtype === 'string') {
          const fill = typeof values[j] === 'string' ? (values[j] as unknown as string) : '';
          const flat = ts.flatMap((t) => padStrings(t, target, fill));
          return tf.tensor(flat, [ts.length, ...target], 'string');
        }
        const padded = ts.map((t) => {
          return tf.pad(
            t,
            target.map((s, d) => [0, s - t.shape[d]!] as [number, number]),
            values[j],
          );
        });
        return tf.stack(padded);
      }),
    );
    return unflatten(template, out);
  };
  return async function* paddedBatch(ctx) {
    const it = src._iterate(ctx);
    let buf: unknown[] = [];
    const flush = () => {
      const b = buf;
      buf = [];
      try {
        return combine(b);
      } finally {
        b.forEach(disposeElement);
      }
    };
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        buf.push(materialize(r.value));
        if (buf.length === n) yield flush();
      }
      if (buf.length > 0 && !opts.dropRemainder) yield flush();
    } finally {
      buf.forEach(disposeElement);
      await it.return?.();
    }
  };
}
