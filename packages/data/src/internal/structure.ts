/**
 * Nested element structures: plain objects and arrays of leaves (tensors, numbers, strings, typed arrays).
 * Owns: walking, mapping and disposing structures. Does not own: slicing or batching.
 */
import * as tf from '@tensorflow/tfjs-core';

/** True for `{...}` literals (not tensors, typed arrays, class instances). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for the containers a structure is built from. */
export function isContainer(x: unknown): x is unknown[] | Record<string, unknown> {
  return Array.isArray(x) || isPlainObject(x);
}

/** Maps every leaf of `x`, keeping the container shape. `path` names the leaf (`images`, `[1]`, `a.b`). */
export function mapStructure(x: unknown, fn: (leaf: unknown, path: string) => unknown, path = ''): unknown {
  if (Array.isArray(x)) return x.map((v, i) => mapStructure(v, fn, `${path}[${i}]`));
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) out[k] = mapStructure(x[k], fn, path ? `${path}.${k}` : k);
    return out;
  }
  return fn(x, path || '(element)');
}

/** Calls `fn` on every leaf of `x` in a stable order. */
export function forEachLeaf(x: unknown, fn: (leaf: unknown, path: string) => void, path = ''): void {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) forEachLeaf(x[i], fn, `${path}[${i}]`);
  } else if (isPlainObject(x)) for (const k of Object.keys(x)) forEachLeaf(x[k], fn, path ? `${path}.${k}` : k);
  else fn(x, path || '(element)');
}

/** The leaves of `x` in the order {@link forEachLeaf} visits them. */
export function leaves(x: unknown): unknown[] {
  const out: unknown[] = [];
  forEachLeaf(x, (l) => out.push(l));
  return out;
}

/** Rebuilds `template`'s shape from a flat list of leaves. */
export function unflatten(template: unknown, flat: readonly unknown[]): unknown {
  let i = 0;
  return mapStructure(template, () => flat[i++]);
}

/** Disposes every tensor in `x`. */
export function disposeElement(x: unknown): void {
  if (x instanceof tf.Tensor) {
    x.dispose();
    return;
  }
  if (isContainer(x)) forEachLeaf(x, (l) => l instanceof tf.Tensor && l.dispose());
  else if (x !== null && typeof x === 'object' && 'dispose' in x && typeof x.dispose === 'function') x.dispose();
}

/** Disposes the tensors of `x` that do not appear anywhere in `keep` (they were passed on). */
export function disposeExcept(x: unknown, keep: unknown): void {
  const kept = new Set<tf.Tensor>();
  forEachLeaf(keep, (l) => l instanceof tf.Tensor && kept.add(l));
  forEachLeaf(x, (l) => {
    if (l instanceof tf.Tensor && !kept.has(l) && !l.isDisposed) l.dispose();
  });
}

/** Collects the tensors in `x` (for keeping them out of a `tf.tidy`). */
export function tensorsOf(x: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  forEachLeaf(x, (l) => l instanceof tf.Tensor && out.push(l));
  return out;
}

/** A short description of a structure's container shape for error messages. */
export function describeStructure(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(describeStructure).join(', ')}]`;
  if (isPlainObject(x))
    return `{${Object.keys(x)
      .map((k) => `${k}: ${describeStructure(x[k])}`)
      .join(', ')}}`;
  if (x instanceof tf.Tensor) return `Tensor<${x.dtype}>[${x.shape.join(',')}]`;
  return typeof x;
}
