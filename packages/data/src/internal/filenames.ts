/**
 * The file arguments of the readers (`tfRecordDataset`, `fixedLengthRecordDataset`), as TF takes them: one source,
 * a list, a string tensor of names (scalar or 1-D), or a Dataset of names (`Dataset.listFiles(...)`).
 * Owns: turning any of these into the sources of one iteration. Does not own: reading them (byte-stream.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import type { ByteSource } from './bytes.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement } from './structure.js';

/** What a reader accepts as its files. */
export type Filenames = ByteSource | readonly ByteSource[] | tf.Tensor | AsyncIterable<unknown>;

function isNode(x: unknown): x is Node {
  return typeof (x as Partial<Node> | null)?._iterate === 'function';
}

/** The names in a string tensor (scalar or 1-D); the tensor is read, not disposed. */
export function stringsOf(api: string, t: tf.Tensor): string[] {
  if (t.dtype !== 'string' || t.rank > 1) {
    throw invalidArgument(
      `${api}: expected file names as a string tensor of rank 0 or 1. Received a ${t.dtype} tensor of shape [${t.shape.join(', ')}].`,
    );
  }
  // dataSync() of a string tensor gives the decoded strings
  return [...(t.dataSync() as unknown as string[])];
}

/** One file argument from an element of a names dataset: a string tensor, a string, a Blob or bytes. */
function sourceOf(api: string, x: unknown): ByteSource[] {
  if (x instanceof tf.Tensor) return stringsOf(api, x);
  if (typeof x === 'string' || x instanceof Uint8Array || x instanceof URL) return [x];
  if (typeof Blob !== 'undefined' && x instanceof Blob) return [x];
  throw invalidArgument(
    `${api}: a dataset of file names must yield string tensors, strings, URLs or Blobs. Received ${Object.prototype.toString.call(x)}.`,
  );
}

/**
 * The sources for one iteration: a fixed list, or the elements of a names dataset pulled as they are needed.
 * `x` is checked now, so a bad argument fails at the reader's call, not at the first read.
 */
export function filenameSources(api: string, x: Filenames): (ctx: IterContext) => AsyncGenerator<ByteSource> {
  if (isNode(x)) {
    return async function* names(ctx) {
      const it = x._iterate(ctx);
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          const el = materialize(r.value);
          let srcs: ByteSource[];
          try {
            srcs = sourceOf(api, el);
          } finally {
            disposeElement(el);
          }
          yield* srcs;
        }
      } finally {
        await it.return?.();
      }
    };
  }
  let list: ByteSource[];
  if (x instanceof tf.Tensor) list = stringsOf(api, x);
  else if (Array.isArray(x)) list = x.flatMap((s) => (s instanceof tf.Tensor ? stringsOf(api, s) : [s]));
  else list = [x as ByteSource];
  return async function* names() {
    yield* list;
  };
}
