import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CollectiveAllReduce } from './collective-all-reduce.js';
import { localClusterTasks } from './local-cluster.js';

/** `n` replicas of one cluster on free 127.0.0.1 ports, in this process, over real gRPC. */
async function replicas(
  n: number,
  options: {
    stepTimeoutSecs?: number;
    startupTimeoutSecs?: number;
    pipelineChunkBytes?: number;
    sameHostFiles?: boolean | boolean[];
  } = {},
) {
  const tasks = await localClusterTasks(n, false);
  const clusterSpec = JSON.parse(tasks[0]!.tfConfig).cluster;
  return tasks.map(
    (t, k) =>
      new CollectiveAllReduce({
        clusterSpec,
        taskType: t.type as 'chief' | 'worker',
        taskId: t.index,
        log: () => {},
        // On this thread: a worker thread runs the built dist (collective-all-reduce-thread.test.ts tests it).
        thread: false,
        ...options,
        sameHostFiles: Array.isArray(options.sameHostFiles) ? options.sameHostFiles[k] : options.sameHostFiles,
      }),
  );
}

const hasSharedMemory = existsSync('/dev/shm');

/** The names this process has in the host's memory filesystem (same-host-files.ts names them by pid). */
const ourSharedFiles = () =>
  hasSharedMemory ? readdirSync('/dev/shm').filter((n) => n.startsWith(`estimatorjs-collective-${process.pid}-`)) : [];

/** Values whose sums round in float32 (a spread of magnitudes and signs), from a fixed LCG. */
function roundingValues(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 10 ** ((seed % 9) - 4);
  });
}

describe('CollectiveAllReduce over gRPC on 127.0.0.1', () => {
  it('averages vectors across 3 replicas (ring with uneven chunks), the same result on each', async () => {
    const rs = await replicas(3);
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 4, numValues: 7, weightsDigest: 1 })));
      const inputs = [
        [1, 2, 3, 4, 5, 6, 7],
        [10, 20, 30, 40, 50, 60, 70],
        [-2, 0, 2, 0, -2, 0, 2],
      ];
      const out = await Promise.all(rs.map((r, i) => r.allReduceMean(new Float32Array(inputs[i]!), 4)));
      // Hand computed: (1 + 10 − 2) / 3 = 3, (2 + 20 + 0) / 3 = 22/3, …
      const expected = [3, 22 / 3, 35 / 3, 44 / 3, 53 / 3, 22, 79 / 3];
      for (const o of out) {
        expect(o.length).toBe(7);
        for (let i = 0; i < 7; i++) expect(o[i]).toBeCloseTo(expected[i]!, 5);
      }
      expect(Array.from(out[1]!)).toEqual(Array.from(out[0]!));
      // A second step reuses the connections; 2·(N−1) chunks of ~N⁻¹ of the vector sent per step.
      await Promise.all(rs.map((r) => r.allReduceMean(new Float32Array(7).fill(r.replicaIndex), 5)));
      expect(rs[0]!.stats().steps).toBe(2);
      // 7 values in chunks of 3, 3, 1: replica 0 sends chunks 0 and 2 (reduce-scatter) then 1 and 0 (all-gather).
      expect(rs[0]!.stats().bytesSent).toBe(2 * (3 + 1 + 3 + 3) * 4);
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('pipelines segments: 23 values in 6 segments of 4, each its own ring, same means as by hand', async () => {
    const rs = await replicas(3, { pipelineChunkBytes: 16 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 23, weightsDigest: 1 })));
      // Replica i sends k·(i+1) at position k: the mean is k·(1+2+3)/3 = 2k, exact in float32.
      const inputs = rs.map((_, i) => Float32Array.from({ length: 23 }, (_, k) => k * (i + 1)));
      for (const step of [0, 1]) {
        const out = await Promise.all(rs.map((r, i) => r.allReduceMean(inputs[i]!, step)));
        for (const o of out) expect(Array.from(o)).toEqual(Array.from({ length: 23 }, (_, k) => 2 * k));
      }
      // ceil(23/6) = 4 values a segment: five of 4, one of 3. A segment of 4 over 3 replicas is chunks 2, 2, 0;
      // of 3, chunks 1, 1, 1. Replica 0 sends chunks 0 and 2 (reduce-scatter), 1 and 0 (all-gather) of each.
      const perStep = 5 * (2 + 0 + 2 + 2) + (1 + 1 + 1 + 1);
      expect(rs[0]!.stats().bytesSent).toBe(2 * perStep * 4);
      // The mean is written into the inputs (no per-step copy): the last step left 2k in place of k·(i+1).
      expect(inputs[2]![22]).toBe(44);
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('two replicas swap whole segments in one round: the float32 mean (a + b) / 2 bit for bit on both', async () => {
    const rs = await replicas(2, { pipelineChunkBytes: 4 * 1000 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 2500, weightsDigest: 1 })));
      // Values whose sums round in float32 (a spread of magnitudes and signs), from a fixed LCG.
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return (seed / 2147483648 - 0.5) * 10 ** ((seed % 9) - 4);
      };
      const inputs = rs.map(() => Float32Array.from({ length: 2500 }, next));
      // The reference: each sum rounded to float32 by hand, then halved (exact), as one replica alone would.
      const expected = inputs[0]!.map((a, i) => Math.fround(Math.fround(a + inputs[1]![i]!) / 2));
      const out = await Promise.all(rs.map((r, i) => r.allReduceMean(inputs[i]!, 0)));
      expect(Array.from(out[0]!)).toEqual(Array.from(expected));
      expect(Array.from(out[1]!)).toEqual(Array.from(expected));
      // 2500 values in 3 segments of 834, 834, 832: each replica sends each segment whole, once (not half of it twice).
      expect(rs[0]!.stats().bytesSent).toBe(2500 * 4);
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('a replica returns only once its peers hold the mean too (its next compute must not hold back their bytes)', async () => {
    // The next step's kernels block the event loop: a replica that returned while a peer still waited for its
    // bytes (or its Received) stalled that peer for a whole step, and the replicas took turns. So the moment one
    // replica's allReduceMean settles, every peer's vector must already be the mean.
    const rs = await replicas(2, { pipelineChunkBytes: 64 * 1024 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 300_000, weightsDigest: 1 })));
      for (const step of [0, 1, 2]) {
        const inputs = rs.map((_, i) => new Float32Array(300_000).fill(2 * i + step));
        const peerDoneWhenFirstReturned: boolean[] = [];
        await Promise.all(
          rs.map(async (r, i) => {
            await r.allReduceMean(inputs[i]!, step);
            const peer = inputs[1 - i]!;
            peerDoneWhenFirstReturned.push(peer[0] === 1 + step && peer[299_999] === 1 + step);
          }),
        );
        expect(peerDoneWhenFirstReturned).toEqual([true, true]);
      }
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
  });

  it('on one host the payloads go through files in /dev/shm: the same bits as the socket, no name left behind', async () => {
    // 100 000 values (400 kB) a step: whole for two replicas, chunks of 133 kB in a ring of three, all ≥ 64 kB.
    const n = 100_000;
    for (const replicasOf of [2, 3]) {
      for (const sameHostFiles of [true, false]) {
        const rs = await replicas(replicasOf, { sameHostFiles });
        try {
          await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: n, weightsDigest: 1 })));
          for (const step of [0, 1, 2]) {
            const inputs = rs.map((_, i) => roundingValues(n, 11 * step + i + 1));
            // The reference, by hand: the float32 sum in the ring's order for three (left to right here, as
            // each chunk's owner adds them), halved for two; the means of both paths must equal it bit for bit.
            const expected =
              replicasOf === 2 ? inputs[0]!.map((a, i) => Math.fround(Math.fround(a + inputs[1]![i]!) / 2)) : null;
            const out = await Promise.all(rs.map((r, i) => r.allReduceMean(inputs[i]!.slice(), step)));
            for (const o of out.slice(1)) expect(Array.from(o)).toEqual(Array.from(out[0]!));
            if (expected) expect(Array.from(out[0]!)).toEqual(Array.from(expected));
            for (let i = 0; i < n; i += 997) {
              const mean = inputs.reduce((sum, v) => sum + v[i]!, 0) / replicasOf;
              // float32: a few roundings of the largest term.
              const scale = Math.max(...inputs.map((v) => Math.abs(v[i]!)));
              expect(Math.abs(out[0]![i]! - mean)).toBeLessThanOrEqual(4 * 2 ** -24 * scale);
            }
            // Every file's name goes once the peer has read it (the probe's once training started).
            expect(ourSharedFiles()).toEqual([]);
          }
          const { bytesSent, bytesSentThroughFiles } = rs[0]!.stats();
          // A host without /dev/shm (macOS, Windows) sends everything through the socket.
          expect(bytesSentThroughFiles).toBe(sameHostFiles && hasSharedMemory ? bytesSent : 0);
          // Two: the whole vector once a step. Three: chunks of 33 334, 33 334, 33 332 values; replica 0 sends
          // chunks 0 and 2 (reduce-scatter), then 1 and 0 (all-gather).
          expect(bytesSent).toBe(3 * 4 * (replicasOf === 2 ? n : 33_334 + 33_332 + 33_334 + 33_334));
        } finally {
          await Promise.all(rs.map((r) => r.end()));
        }
      }
    }
    expect(ourSharedFiles()).toEqual([]);
  });

  it('a replica without files (another host, or sameHostFiles: false) gets the payload in the RPC, both ways', async () => {
    const rs = await replicas(2, { sameHostFiles: [true, false] });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 50_000, weightsDigest: 1 })));
      const inputs = rs.map((_, i) => roundingValues(50_000, i + 5));
      const expected = inputs[0]!.map((a, i) => Math.fround(Math.fround(a + inputs[1]![i]!) / 2));
      const out = await Promise.all(rs.map((r, i) => r.allReduceMean(inputs[i]!, 0)));
      expect(Array.from(out[0]!)).toEqual(Array.from(expected));
      expect(Array.from(out[1]!)).toEqual(Array.from(expected));
      expect(rs.map((r) => r.stats().bytesSentThroughFiles)).toEqual([0, 0]);
    } finally {
      await Promise.all(rs.map((r) => r.end()));
    }
    expect(ourSharedFiles()).toEqual([]);
  });

  it('refuses a pipelineChunkBytes below one float32 value, naming it', async () => {
    const tasks = await localClusterTasks(2, false);
    const clusterSpec = JSON.parse(tasks[0]!.tfConfig).cluster;
    expect(
      () =>
        new CollectiveAllReduce({ clusterSpec, taskType: 'chief', taskId: 0, pipelineChunkBytes: 2, log: () => {} }),
    ).toThrow('CollectiveAllReduce: pipelineChunkBytes must be an integer of at least 4 bytes. Received 2.');
  });

  it('refuses replicas that start at different global steps, naming them', async () => {
    const rs = await replicas(2);
    try {
      const results = await Promise.allSettled([
        rs[0]!.start({ globalStep: 20, numValues: 3, weightsDigest: 1 }),
        rs[1]!.start({ globalStep: 10, numValues: 3, weightsDigest: 1 }),
      ]);
      expect(results[0]!.status).toBe('rejected');
      expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(
        /chief:0 starts at step 20 .* but worker:0 at step 10/,
      );
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });

  it('refuses replicas that start from different weights (no common seed)', async () => {
    const rs = await replicas(2);
    try {
      const results = await Promise.allSettled(
        rs.map((r, i) => r.start({ globalStep: 0, numValues: 3, weightsDigest: i === 0 ? 0.5 : 0.25 })),
      );
      expect((results[1] as PromiseRejectedResult).reason.message).toMatch(
        /worker:0 and chief:0 start step 0 from different weights; give every task the same RunConfig.randomSeed/,
      );
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });

  it('startup names the missing task after the timeout', async () => {
    const [chief] = await replicas(2, { startupTimeoutSecs: 1 });
    const error = await chief!.start({ globalStep: 0, numValues: 1, weightsDigest: 1 }).catch((e) => e);
    expect(error.code).toBe('CLUSTER_STARTUP_TIMEOUT');
    expect(error.message).toMatch(/missing: worker:0 \(127\.0\.0\.1:\d+\)/);
    await chief!.end();
  });

  it('a peer that fails makes the others fail with its reason, not hang', async () => {
    const rs = await replicas(2, { stepTimeoutSecs: 600 });
    await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 2, weightsDigest: 1 })));
    const pending = rs[0]!.allReduceMean(new Float32Array([1, 2]), 0).catch((e) => e);
    await rs[1]!.end(new Error('out of memory'));
    const error = await pending;
    expect(error.code).toBe('PEER_FAILED');
    expect(error.message).toMatch(/worker:0 \(127\.0\.0\.1:\d+\) failed: out of memory/);
    await rs[0]!.end();
  });

  it('a peer that hangs fails the others after stepTimeoutSecs', async () => {
    const rs = await replicas(2, { stepTimeoutSecs: 1 });
    try {
      await Promise.all(rs.map((r) => r.start({ globalStep: 0, numValues: 2, weightsDigest: 1 })));
      // worker:0 never joins step 0's exchange.
      const error = await rs[0]!.allReduceMean(new Float32Array([1, 2]), 0).catch((e) => e);
      expect(error.code).toBe('PEER_TIMEOUT');
      expect(error.message).toMatch(/worker:0 \(127\.0\.0\.1:\d+\) sent nothing for 0\/swap within 1 s/);
    } finally {
      await Promise.all(rs.map((r) => r.end('test over')));
    }
  });
});
