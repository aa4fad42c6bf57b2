#!/usr/bin/env node
// The board's load time (issue 20's target: a logdir of 20 runs × 20 tags × 100,000 points loads in under 2 s).
// Writes a logdir of RUNS × TAGS × POINTS scalars with @estimatorjs/summary's writer, then times what a fresh
// `estimatorjs-board` does before the page can draw: LogdirIndex.refresh() (read + CRC-check + decode every
// record) and JSON.stringify of the snapshot the event stream sends. Prints the rate and the ratio to the target
// rate (40M points / 2 s); > 1 means faster than the target.
// Usage: node bench/board/load.mjs [--runs 20] [--tags 20] [--points 2500]   (build first: pnpm build)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LogdirIndex } from '../../packages/board/dist/index.js';
import { EventWriter, MemoryEventSink } from '../../packages/summary/dist/index.js';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const RUNS = opt('runs', 20);
const TAGS = opt('tags', 20);
const POINTS = opt('points', 2500);
const TARGET_POINTS_PER_SEC = (20 * 20 * 100_000) / 2;

const dir = mkdtempSync(join(tmpdir(), 'board-bench-'));
try {
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1), every: () => () => undefined };
  let bytes = 0;
  for (let r = 0; r < RUNS; r += 1) {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0, maxQueue: 1 << 30, clock });
    for (let step = 0; step < POINTS; step += 1)
      for (let k = 0; k < TAGS; k += 1) w.scalar(`tag_${k}`, Math.sin(step * 0.01 + k), step);
    await w.close();
    mkdirSync(join(dir, `run_${r}`));
    const data = sink.bytes();
    bytes += data.length;
    writeFileSync(join(dir, `run_${r}`, 'events.out.tfevents.1700000000.bench'), data);
  }
  const points = RUNS * TAGS * POINTS;
  const started = performance.now();
  const index = new LogdirIndex(dir);
  await index.refresh();
  const indexed = performance.now();
  const json = JSON.stringify(index.snapshot());
  const done = performance.now();
  const secs = (done - started) / 1000;
  const rate = points / secs;
  console.log(
    `board load: ${RUNS} runs × ${TAGS} tags × ${POINTS} points = ${points.toLocaleString('en')} points, ${(bytes / 1e6).toFixed(1)} MB of event files`,
  );
  console.log(
    `  index ${((indexed - started) / 1000).toFixed(2)} s + snapshot JSON ${((done - indexed) / 1000).toFixed(2)} s (${(json.length / 1e6).toFixed(1)} MB) = ${secs.toFixed(2)} s`,
  );
  console.log(
    `  ${Math.round(rate).toLocaleString('en')} points/s; ratio to the target (20M points/s): ${(rate / TARGET_POINTS_PER_SEC).toFixed(3)}`,
  );
  console.log(`  20 × 20 × 100,000 points at this rate: ~${((20 * 20 * 100_000) / rate).toFixed(0)} s (target 2 s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
