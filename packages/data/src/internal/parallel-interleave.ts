/**
 * `interleave(fn, { cycleLength, blockLength, numParallelCalls })`: the sub-datasets of `cycleLength`
 * input elements are read concurrently, up to `numParallelCalls` pulls in flight and up to `blockLength`
 * elements buffered per sub-dataset. With `deterministic` (the default) the output is exactly the
 * sequential interleave's: slots are filled in the order the cycle would reach them, and elements are
 * taken in cycle order. With `deterministic: false` whichever sub-dataset has an element ready goes first.
 */
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement } from './structure.js';

type Pull = { p: Promise<IteratorResult<unknown>>; settled: boolean };
type Slot = { it: AsyncIterator<unknown>; x: unknown; queue: Pull[]; ended: boolean };

export function parallelInterleaveProducer(
  src: Node,
  fn: (x: unknown) => Node,
  cycleLength: number,
  blockLength: number,
  parallel: number,
  deterministicOpt: boolean | undefined,
): (ctx: IterContext) => AsyncIterator<unknown> {
  return async function* parallelInterleave(ctx) {
    const deterministic = deterministicOpt ?? ctx.deterministic ?? true;
    const input = src._iterate(ctx);
    const slots: (Slot | null)[] = new Array(cycleLength).fill(null);
    let inputDone = false;
    let cycle = 0;
    let block = 0;
    let inflight = 0;
    const advance = () => {
      cycle = (cycle + 1) % cycleLength;
      block = 0;
    };
    const pull = (s: Slot) => {
      const entry: Pull = { p: s.it.next(), settled: false };
      inflight++;
      entry.p.then(
        (r) => {
          entry.settled = true;
          inflight--;
          if (r.done) s.ended = true;
        },
        () => {
          entry.settled = true;
          inflight--;
          s.ended = true;
        },
      );
      s.queue.push(entry);
    };
    const topUp = () => {
      for (let k = 0; k < cycleLength && inflight < parallel; k++) {
        const s = slots[(cycle + k) % cycleLength];
        while (s && !s.ended && s.queue.length < blockLength && inflight < parallel) pull(s);
      }
    };
    // fill empty slots in the order the cycle reaches them (the sequential interleave's assignment)
    const fill = async () => {
      for (let k = 0; k < cycleLength && !inputDone; k++) {
        const i = (cycle + k) % cycleLength;
        if (slots[i]) continue;
        const r = await input.next();
        if (r.done) {
          inputDone = true;
          break;
        }
        const x = materialize(r.value);
        let it: AsyncIterator<unknown>;
        try {
          it = fn(x)._iterate(ctx);
        } catch (e) {
          disposeElement(x);
          throw e;
        }
        slots[i] = { it, x, queue: [], ended: false };
      }
    };
    const close = async (i: number) => {
      const s = slots[i];
      slots[i] = null;
      if (!s) return;
      for (const q of s.queue) {
        try {
          const r = await q.p;
          if (!r.done) disposeElement(r.value);
        } catch {
          // an error of a pull nobody asked for is dropped
        }
      }
      try {
        await s.it.return?.();
      } finally {
        disposeElement(s.x);
      }
    };
    try {
      for (;;) {
        await fill();
        if (slots.every((s) => s === null)) return;
        topUp();
        let i = cycle;
        if (!deterministic) {
          const ready = slots.findIndex((s) => s?.queue[0]?.settled);
          if (ready >= 0 && !slots[cycle]?.queue[0]?.settled) i = ready;
          else if (ready < 0) {
            const heads = slots.flatMap((s, j) =>
              s?.queue[0]
                ? [
                    s.queue[0].p.then(
                      () => j,
                      () => j,
                    ),
                  ]
                : [],
            );
            i = heads.length ? await Promise.race(heads) : cycle;
          }
        }
        const s = slots[i];
        if (!s) {
          advance();
          continue;
        }
        if (s.queue.length === 0) pull(s);
        const head = s.queue.shift()!;
        const r = await head.p;
        if (r.done) {
          await close(i);
          if (i === cycle) advance();
          continue;
        }
        if (i === cycle) {
          if (++block === blockLength) advance();
        }
        yield r.value;
      }
    } finally {
      for (let i = 0; i < cycleLength; i++) await close(i);
      await input.return?.();
    }
  };
}
