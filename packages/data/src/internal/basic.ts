/**
 * The simple stages: map, take, skip, repeat, prefetch, batch. Each is an async generator that owns
 * the elements it pulled and has not passed on, and releases them (and closes its input) in `finally`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { combineBatch } from './stack.js';
import { disposeElement, disposeExcept } from './structure.js';

type Gen = (ctx: IterContext) => AsyncIterator<unknown>;

function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as { then?: unknown }).then === 'function';
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}

/**
 * Applies `fn` to one element that the caller owns; returns the output and disposes the input's tensors
 * that were not passed through. Sync functions run inside `tf.tidy`; async ones own their intermediates.
 */
export async function applyMap(fn: (x: unknown) => unknown, x: unknown): Promise<unknown> {
  const input = materialize(x);
  let y: unknown;
  try {
    if (isAsyncFunction(fn)) {
      y = await fn(input);
    } else {
      let pending: PromiseLike<unknown> | null = null;
      y = tf.tidy(() => {
        const out = fn(input);
        if (isPromiseLike(out)) {
          pending = out;
          return undefined as unknown as tf.TensorContainer;
        }
        return out as tf.TensorContainer;
      });
      if (pending) y = await pending;
    }
  } catch (e) {
    disposeElement(input);
    throw e;
  }
  disposeExcept(input, y);
  return y;
}

export function mapProducer(src: Node, fn: (x: unknown) => unknown): Gen {
  return async function* map(ctx) {
    const it = src._iterate(ctx);
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        let y: unknown;
        try {
          y = await applyMap(fn, r.value);
        } catch (e) {
          // below ignoreErrors(): drop the element (applyMap freed it) and go on, as tf.data does
          if (!ctx.skipError) throw e;
          ctx.skipError(e);
          continue;
        }
        yield y;
      }
    } finally {
      await it.return?.();
    }
  };
}

export function takeProducer(src: Node, n: number): Gen {
  return async function* take(ctx) {
    if (n <= 0) return;
    const it = src._iterate(ctx);
    try {
      for (let i = 0; i < n; i++) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  };
}

export function skipProducer(src: Node, n: number): Gen {
  return async function* skip(ctx) {
    const it = src._iterate(ctx);
    try {
      for (let i = 0; i < n; i++) {
        const r = await it.next();
        if (r.done) return;
        disposeElement(r.value);
      }
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  };
}

export function repeatProducer(src: Node, count: number): Gen {
  return async function* repeat(ctx) {
    for (let epoch = 0; epoch < count; epoch++) {
      const it = src._iterate(ctx);
      let produced = 0;
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          produced++;
          yield r.value;
        }
      } finally {
        await it.return?.();
      }
      if (produced === 0) return; // an empty input repeated forever is empty (as in tf.data)
    }
  };
}

export function batchProducer(api: string, src: Node, n: number, dropRemainder: boolean): Gen {
  return async function* batch(ctx) {
    const it = src._iterate(ctx);
    let buf: unknown[] = [];
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        buf.push(r.value);
        if (buf.length === n) {
          const b = buf;
          buf = [];
          yield combineBatch(api, b);
        }
      }
      if (buf.length > 0 && !dropRemainder) {
        const b = buf;
        buf = [];
        yield combineBatch(api, b);
      }
    } finally {
      for (const x of buf) disposeElement(x);
      await it.return?.();
    }
  };
}

export function prefetchProducer(src: Node, n: number): Gen {
  return async function* prefetch(ctx) {
    const it = src._iterate(ctx);
    const queue: Promise<IteratorResult<unknown>>[] = [];
    let done = false;
    try {
      for (;;) {
        while (!done && queue.length < n + 1) {
          const p = it.next();
          queue.push(p);
          // stop issuing pulls once the input reports its end
          p.then(
            (r) => {
              if (r.done) done = true;
            },
            () => {
              done = true;
            },
          );
        }
        const next = queue.shift();
        if (!next) return;
        const r = await next;
        if (r.done) return;
        yield r.value;
      }
    } finally {
      for (const p of queue) {
        try {
          const r = await p;
          if (!r.done) disposeElement(r.value);
        } catch {
          // the consumer already left; an error of a pull nobody asked for is dropped
        }
      }
      await it.return?.();
    }
  };
}
