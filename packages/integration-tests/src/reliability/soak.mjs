// Soak run: trains the reliability MLP for many steps with checkpoints and summaries on disk, sampling live tensors
// and RSS, and fails unless numTensors stays flat and RSS grows less than the allowed fraction after warm-up.
// Usage: node --expose-gc soak.mjs ['{"steps": 20000, "maxRssGrowth": 0.05}']  (pnpm soak runs the full 20,000 steps)
// Prints progress lines and, last, one JSON line with the measurements.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { makeEstimator, makeInputFn } from './fixture.mjs';

const opts = { steps: 20_000, maxRssGrowth: 0.05, ...JSON.parse(process.argv[2] ?? '{}') };
const steps = opts.steps;
const warmup = Math.max(50, Math.floor(steps * 0.1));
const sampleEvery = Math.max(10, Math.floor(steps / 100));
await setupTestBackend('cpu');

const dir = mkdtempSync(join(tmpdir(), 'estimatorjs-soak-'));
const samples = [];
const sampler = {
  afterRun(ctx) {
    if (ctx.globalStep % sampleEvery !== 0) return;
    globalThis.gc?.();
    samples.push({ step: ctx.globalStep, tensors: tf.memory().numTensors, rss: process.memoryUsage().rss });
    if (ctx.globalStep % (sampleEvery * 10) === 0)
      console.log(
        `step ${ctx.globalStep}: ${tf.memory().numTensors} tensors, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`,
      );
  },
};
const t0 = performance.now();
const est = makeEstimator({
  modelDir: dir,
  saveEvery: Math.max(20, Math.floor(steps / 40)),
  keepMax: 3,
  summarySteps: Math.max(10, Math.floor(steps / 200)),
});
try {
  await est.train(makeInputFn(), { maxSteps: steps, hooks: [sampler] });
} finally {
  est.dispose();
  rmSync(dir, { recursive: true, force: true });
}
const after = samples.filter((s) => s.step >= warmup);
const first = after[0];
const last = after.at(-1);
const tensorCounts = [...new Set(after.map((s) => s.tensors))];
const rssGrowth = (last.rss - first.rss) / first.rss;
const report = {
  steps,
  seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  warmupSteps: warmup,
  tensorCounts,
  rssAfterWarmupMiB: Number((first.rss / 2 ** 20).toFixed(1)),
  rssEndMiB: Number((last.rss / 2 ** 20).toFixed(1)),
  rssGrowth: Number(rssGrowth.toFixed(4)),
  maxRssGrowth: opts.maxRssGrowth,
  ok: tensorCounts.length === 1 && rssGrowth < opts.maxRssGrowth,
};
console.log(JSON.stringify(report));
process.exitCode = report.ok ? 0 : 1;
