/**
 * CollectiveAllReduce with its transport on a worker thread (the default), over real gRPC on 127.0.0.1. The worker
 * thread runs the built dist (a worker cannot load TypeScript), so this suite imports the dist too: `pnpm build`
 * first (turbo's test task does).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CollectiveAllReduce as Collective } from './collective-all-reduce.js';
import { localClusterTasks } from './local-cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const { CollectiveAllReduce } = (await import(join(here, '../../dist/node/index.js'))) as {
  CollectiveAllReduce: typeof Collective;
};

async function cluster(n: number) {
  const tasks = await localClusterTasks(n, false);
  return { tasks, clusterSpec: JSON.parse(tasks[0]!.tfConfig).cluster };
}

async function replicas(n: number, options: { stepTimeoutSecs?: number; thread?: boolean } = {}) {
  const { tasks, clusterSpec } = await cluster(n);
  return tasks.map(
    (t) =>
      new CollectiveAllReduce({
        clusterSpec,
        taskType: t.type as 'chief' | 'worker',
        taskId: t.index,
        log: () => {},
        thread: true,
        ...options,
      }),
  );
}

/** Values whose sums round in float32 (a spread of magnitudes and signs), from a fixed LCG. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 10 ** ((s % 9) - 4);
  });
}

/** The threaded replica's beginAllReduce (present with `thread: true`). */
function begin(r: Collective, numValues: number, step: number) {
  if (!r.beginAllReduce) throw new Error('CollectiveAllReduce without thread has no beginAllReduce');
  return r.beginAllReduce(numValues, step);
}

/** The float32 mean of two replicas by hand: each sum rounded to float32, then halved (exact). */
const byHand = (a: Float32Array, b: Float32Array) => Array.from(a, (x, i) => Math.fround(Math.fround(x + b[i]!) / 2));

/**
 * The pieces of a 60 000-value vector, as a backward pass might cut it: two big ones (swapped as they come) and three
 * small ones (below 16 384 values: swapped together at mean()), one of a single value.
 */
const N = 60_000;
const PIECES = [
  [0, 500],
  [500, 20],
  [520, 30_000],
  [30_520, 1],
  [30_521, 29_479],
] as const;

describe('CollectiveAllReduce on a worker thread', () => {
  it('streamed pieces in a different order on each replica: the float32 mean bit for bit on both, step after step', async () => {
    const rs = await replicas(2);
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: N, weightsDigest: 1 })));
      for (const step of [0, 1, 2]) {
        const inputs = rs.map((_, i) => values(N, 7 + 100 * step + i));
        const means = await Promise.all(
          rs.map(async (r, i) => {
            const exchange = begin(r, N, step);
            // The chief adds the pieces in layout order, the worker from the last: each swap is paired by its offset.
            const order = i === 0 ? PIECES : [...PIECES].reverse();
            for (const [offset, length] of order) {
              // A copy the caller reuses at once: the exchange must have taken the values when add() returns.
              const piece = inputs[i]!.slice(offset, offset + length);
              exchange.add(offset, piece);
              piece.fill(Number.NaN);
            }
            return Array.from(await exchange.mean());
          }),
        );
        const expected = byHand(inputs[0]!, inputs[1]!);
        expect(means[0]).toEqual(expected);
        expect(means[1]).toEqual(expected);
      }
      // Each replica sends its whole vector once a step, piece by piece.
      expect(rs[0]!.stats()).toMatchObject({ steps: 3, bytesSent: 3 * N * 4 });
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('the same bits as allReduceMean, on the thread and on the calling thread (which has no beginAllReduce)', async () => {
    const inputs = [values(50_000, 11), values(50_000, 12)];
    const expected = byHand(inputs[0]!, inputs[1]!);
    for (const thread of [true, false]) {
      const rs = await replicas(2, { thread });
      try {
        await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 50_000, weightsDigest: 1 })));
        const out = await Promise.all(rs.map((r, i) => r.allReduceMean(inputs[i]!.slice(), 0)));
        expect(out.map((o) => Array.from(o))).toEqual([expected, expected]);
        // On the calling thread nothing could move during the backward pass: the Estimator gets no beginAllReduce.
        expect(rs.map((r) => r.beginAllReduce === undefined)).toEqual([!thread, !thread]);
        if (!thread) continue;
        const streamed = await Promise.all(
          rs.map(async (r, i) => {
            const exchange = begin(r, 50_000, 1);
            exchange.add(20_000, inputs[i]!.subarray(20_000));
            exchange.add(0, inputs[i]!.subarray(0, 20_000));
            return Array.from(await exchange.mean());
          }),
        );
        expect(streamed).toEqual([expected, expected]);
      } finally {
        await Promise.all(rs.map((r) => r.end()));
      }
    }
  });

  it('three replicas: streamed pieces are reduced by the ring at mean(), as allReduceMean does', async () => {
    const rs = await replicas(3);
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 7, weightsDigest: 1 })));
      const inputs = [
        [1, 2, 3, 4, 5, 6, 7],
        [10, 20, 30, 40, 50, 60, 70],
        [-2, 0, 2, 0, -2, 0, 2],
      ];
      const out = await Promise.all(
        rs.map(async (r, i) => {
          const exchange = begin(r, 7, 0);
          exchange.add(3, new Float32Array(inputs[i]!.slice(3)));
          exchange.add(0, new Float32Array(inputs[i]!.slice(0, 3)));
          return Array.from(await exchange.mean());
        }),
      );
      // Hand computed: (1 + 10 − 2) / 3 = 3, (2 + 20 + 0) / 3 = 22/3, …
      const expected = [3, 22 / 3, 35 / 3, 44 / 3, 53 / 3, 22, 79 / 3];
      for (const o of out) for (let k = 0; k < 7; k++) expect(o[k]).toBeCloseTo(expected[k]!, 5);
      expect(out[1]).toEqual(out[0]);
      expect(out[2]).toEqual(out[0]);
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('a peer killed (-9) while the overlap is in flight fails mean() with its name, not a hang', async () => {
    const { tasks, clusterSpec } = await cluster(2);
    const chief = new CollectiveAllReduce({
      clusterSpec,
      taskType: 'chief',
      taskId: 0,
      stepTimeoutSecs: 20,
      thread: true,
      log: () => {},
    });
    const peer = spawn(
      process.execPath,
      [join(here, '../../test-fixtures/stream-peer.mjs'), JSON.stringify(clusterSpec), 'worker', '0', '40000'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const added = new Promise<void>((resolve) =>
        peer.stdout!.on('data', (d) => String(d).includes('added') && resolve()),
      );
      await chief.start({ globalStep: 0, numValues: 40_000, weightsDigest: 1 });
      const exchange = begin(chief, 40_000, 0);
      exchange.add(0, new Float32Array(20_000).fill(3));
      exchange.add(20_000, new Float32Array(20_000).fill(3));
      const result = exchange.mean().then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
      // The peer holds the first half of its vector in the exchange, and never sends the second: kill it there.
      await added;
      peer.kill('SIGKILL');
      const error = await result;
      expect(error?.code).toMatch(/^PEER_(FAILED|TIMEOUT)$/);
      expect(error?.message).toMatch(/CollectiveAllReduce: chief:0: worker:0 \(127\.0\.0\.1:\d+\) /);
      expect(tasks).toHaveLength(2);
    } finally {
      peer.kill('SIGKILL');
      await chief.end('test over');
    }
  });

  it('a peer that hangs mid-step fails mean() after stepTimeoutSecs, naming the piece', async () => {
    const rs = await replicas(2, { stepTimeoutSecs: 1 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 40_000, weightsDigest: 1 })));
      const exchanges = rs.map((r) => begin(r, 40_000, 0));
      for (const e of exchanges) e.add(0, new Float32Array(20_000));
      // Only the chief adds the second piece; worker:0 never does.
      exchanges[0]!.add(20_000, new Float32Array(20_000));
      const error = await exchanges[0]!.mean().catch((e) => e);
      expect(error.code).toBe('PEER_TIMEOUT');
      expect(error.message).toMatch(/worker:0 \(127\.0\.0\.1:\d+\) sent nothing for 0\/swap@20000 within 1 s/);
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });

  it('a transport thread that dies fails the waiting mean() with CLUSTER_THREAD_FAILED, not a hang', async () => {
    const rs = await replicas(2, { stepTimeoutSecs: 600 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 40_000, weightsDigest: 1 })));
      const exchange = begin(rs[0]!, 40_000, 0);
      exchange.add(0, new Float32Array(40_000));
      const pending = exchange.mean().catch((e) => e);
      // What a crash of the thread looks like from here (the worker's own uncaught error or an abort): it is gone.
      const internals = rs[0] as unknown as { thread: { worker: { terminate(): Promise<number> } } };
      await internals.thread.worker.terminate();
      const error = await pending;
      expect(error.code).toBe('CLUSTER_THREAD_FAILED');
      expect(error.message).toMatch(/^CollectiveAllReduce: the transport thread exited \(code \d+\)\.$/);
      // Later calls fail at once with the same error.
      await expect(rs[0]!.allReduceMean(new Float32Array(40_000), 1)).rejects.toThrow(/transport thread exited/);
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });

  it('refuses a piece outside the vector, naming it', async () => {
    const rs = await replicas(2);
    try {
      const exchange = begin(rs[0]!, 4, 0);
      expect(() => exchange.add(3, new Float32Array(2))).toThrow(
        "CollectiveAllReduce: a gradient piece at 3 of 2 values does not fit the step's 4.",
      );
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });
});
