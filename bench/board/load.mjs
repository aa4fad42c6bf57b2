#!/usr/bin/env node
// The board's load time (issue 20's target: a logdir of 20 runs × 20 tags × 100,000 points loads in under 2 s).
// Writes one run of TAGS × POINTS scalars with @estimatorjs/summary's writer and stores it as RUNS runs, then times
// what a fresh `estimatorjs-board` does before the page can draw: LogdirIndex.refresh() (read, CRC-check and scan
// every record; scalar-only records take summary's scanEventScalars fast path) and the JSON of the snapshot the
// event stream sends (M4-downsampled to ≤ 1,000 points per series), then one zoom: a ranged, downsampled query.
// Prints the rate and the ratio to the target rate (40M points / 2 s); > 1 means faster than the target.
// Usage: node bench/board/load.mjs [--quick] [--runs 20] [--tags 20] [--points 10000] [--workers N]   (build first)
//        --points 100000 is the target's size itself: 2.7 GB of event files, about 1 GB of memory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LogdirIndex } from '../../packages/board/dist/index.js';
import { EventWriter, MemoryEventSink } from '../../packages/summary/dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const RUNS = opt('runs', 20);
const TAGS = opt('tags', 20);
const POINTS = opt('points', quick ? 1000 : 10_000);
// As startBoard reads: worker threads, one per core but one, up to 8 (--workers 0: the calling thread only).
const WORKERS = opt('workers', Math.min(8, Math.max(0, availableParallelism() - 1)));
const TARGET_POINTS = 20 * 20 * 100_000;
const TARGET_SECS = 2;

const dir = mkdtempSync(join(tmpdir(), 'board-bench-'));
try {
  // One run's file, written by the real writer, stored under every run (the board reads each file on its own).
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1), every: () => () => undefined };
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0, maxQueue: 1 << 30, clock });
  for (let step = 0; step < POINTS; step += 1)
    for (let k = 0; k < TAGS; k += 1) w.scalar(`tag_${k}`, Math.sin(step * 0.01 + k), step);
  await w.close();
  const data = sink.bytes();
  for (let r = 0; r < RUNS; r += 1) {
    mkdirSync(join(dir, `run_${r}`));
    writeFileSync(join(dir, `run_${r}`, 'events.out.tfevents.1700000000.bench'), data);
  }
  const points = RUNS * TAGS * POINTS;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const index = new LogdirIndex(dir, { workers: WORKERS });
  await index.refresh();
  const indexed = performance.now();
  const json = JSON.stringify(index.snapshot());
  const done = performance.now();
  const zoom = JSON.stringify(
    index.scalars({ run: 'run_0', tag: 'tag_0', axis: 'step', from: POINTS / 4, to: POINTS / 2, buckets: 460 }),
  );
  const zoomed = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await index.close();
  const secs = (done - started) / 1000;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const rate = points / secs;
  const mb = (n) => (n / 1e6).toFixed(1);
  console.log(
    `board load (bench/board/load.mjs): ${RUNS} runs × ${TAGS} tags × ${POINTS.toLocaleString('en')} points = ${points.toLocaleString('en')} points, ${mb(data.length * RUNS)} MB of event files, ${WORKERS} worker thread(s) on ${availableParallelism()} cores`,
  );
  console.log(
    `  read + index ${((indexed - started) / 1000).toFixed(2)} s + snapshot JSON ${((done - indexed) / 1000).toFixed(2)} s (${mb(json.length)} MB) = ${secs.toFixed(2)} s; a zoom (¼ of one series, 460 px) ${(zoomed - done).toFixed(1)} ms, ${mb(zoom.length)} MB`,
  );
  // CPU time of every thread: on a shared machine the wall time says more about the neighbours than about us.
  console.log(
    `  CPU ${cpuSecs.toFixed(2)} s (all threads) = ${((cpuSecs / points) * 1e9).toFixed(0)} ns a point; the target allows ${((TARGET_SECS / TARGET_POINTS) * 1e9).toFixed(0)} ns a point of wall time`,
  );
  console.log(
    `  ${Math.round(rate).toLocaleString('en')} points/s; ratio to the target rate (${TARGET_POINTS / 1e6}M points in ${TARGET_SECS} s): ${(rate / (TARGET_POINTS / TARGET_SECS)).toFixed(3)}; at this rate the target's logdir takes ~${(TARGET_POINTS / rate).toFixed(1)} s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
