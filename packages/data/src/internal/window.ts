/**
 * `window(size, {shift, stride, dropRemainder})`: groups elements into windows, each a small dataset.
 * Window k holds input elements k*shift + j*stride for j < size. Windows are frozen snapshots, so each
 * can be iterated any number of times.
 */
import { freeze } from './freeze.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement } from './structure.js';

export function windowProducer(
  src: Node,
  size: number,
  shift: number,
  stride: number,
  dropRemainder: boolean,
  makeWindow: (frozen: unknown[]) => unknown,
): (ctx: IterContext) => AsyncIterator<unknown> {
  const span = (size - 1) * stride + 1;
  return async function* window(ctx) {
    const it = src._iterate(ctx);
    // buffered frozen elements, starting at input index `base`
    let buf: unknown[] = [];
    let base = 0;
    let start = 0;
    let done = false;
    try {
      for (;;) {
        while (!done && base + buf.length < start + span) {
          const r = await it.next();
          if (r.done) {
            done = true;
            break;
          }
          const x = materialize(r.value);
          buf.push(freeze(x));
          disposeElement(x);
        }
        const picked: unknown[] = [];
        for (let j = 0; j < size; j++) {
          const k = start + j * stride - base;
          if (k >= 0 && k < buf.length) picked.push(buf[k]);
        }
        if (picked.length === 0 || (dropRemainder && picked.length < size)) return;
        yield makeWindow(picked);
        start += shift;
        const drop = Math.min(buf.length, start - base);
        if (drop > 0) {
          buf = buf.slice(drop);
          base += drop;
        }
        if (done && start >= base + buf.length) return;
      }
    } finally {
      buf = [];
      await it.return?.();
    }
  };
}
