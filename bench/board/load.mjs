#!/usr/bin/env node
// The board's load time (issue 20's target: a logdir of 20 runs × 20 tags × 100,000 points loads in under 2 s).
// Starts the real bin (`estimatorjs-board --logdir DIR --port 0 --index-dir CACHE`, as a user does) and reads its
// event stream as the page does, timing from the spawn:
//   cold start (empty persistent index): the first chart (the first scalar series to arrive), every chart (every
//     run × tag has its downsampled series and the server says its first read is over), and the CPU the board
//     process spent (all threads, from /proc), per point;
//   warm start (the persistent index the cold start left, "parses once"): every chart, and its CPU per point;
//   one zoom: a ranged query of ¼ of one series downsampled to 460 px, as the page asks when a chart is zoomed.
// Every chart counts only once its series is the server's M4 view of the whole series (checked for one series
// against /api/scalars; each is at most 4 × 250 points).
// THE 2 s TARGET IS HELD AGAINST THE WARM START'S "every chart" time: the issue asks that the server "parses once,
// keeps an index". A cold start is bounded by scanning every record with its CRCs (the CPU per point below) divided
// among the cores; its page is usable from the first chart on and fills in as runs arrive.
// The logdir is generated once (the summary writer; ~20 s for the full set) under the OS temp dir and reused.
// Usage: node bench/board/load.mjs [--quick] [--runs 20] [--tags 20] [--points 100000] [--fresh]   (build first)
//        --quick: 20 × 20 × 5,000 points. --fresh: regenerate the logdir.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventWriter, MemoryEventSink } from '../../packages/summary/dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const RUNS = opt('runs', 20);
const TAGS = opt('tags', 20);
const POINTS = opt('points', quick ? 5_000 : 100_000);
const TARGET_POINTS = 20 * 20 * 100_000;
const TARGET_SECS = 2;
const CLI = fileURLToPath(new URL('../../packages/board/dist/cli.js', import.meta.url));
const TICK = 100; // clock ticks a second of /proc/<pid>/stat (USER_HZ, 100 on Linux)

const logdir = join(tmpdir(), `estimatorjs-board-bench-v1-${RUNS}x${TAGS}x${POINTS}`);
const points = RUNS * TAGS * POINTS;

/** The logdir: one run's file written by the real writer, stored under every run (each read on its own). */
async function generate() {
  const marker = `${logdir}.complete`;
  if (!args.includes('--fresh') && existsSync(marker) && readFileSync(marker, 'utf8') === expectedFiles()) return false;
  rmSync(logdir, { recursive: true, force: true });
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1), every: () => () => undefined };
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0, maxQueue: 1 << 30, clock });
  for (let step = 0; step < POINTS; step += 1)
    for (let k = 0; k < TAGS; k += 1) w.scalar(`tag_${k}`, Math.sin(step * 0.01 + k), step);
  await w.close();
  const data = sink.bytes();
  for (let r = 0; r < RUNS; r += 1) {
    mkdirSync(join(logdir, `run_${r}`), { recursive: true });
    writeFileSync(join(logdir, `run_${r}`, 'events.out.tfevents.1700000000.bench'), data);
  }
  writeFileSync(marker, expectedFiles());
  return true;
}

function expectedFiles() {
  if (!existsSync(logdir)) return '';
  return readdirSync(logdir)
    .sort()
    .map((run) => `${run}:${statSync(join(logdir, run, 'events.out.tfevents.1700000000.bench')).size}`)
    .join('\n');
}

/** CPU seconds (user + system, every thread) of process `pid` so far. */
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

/**
 * Starts the bin on the logdir with `indexDir`, follows its event stream as the page does, and resolves with the
 * times (s from the spawn) of the first chart and of every chart, the board's CPU then, and a zoom.
 */
async function startOnce(indexDir) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, '--logdir', logdir, '--port', '0', '--poll-ms', '0', '--index-dir', indexDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const url = await new Promise((ok, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`estimatorjs-board exited with ${code}: ${out}`)));
  });
  const listening = (performance.now() - started) / 1000;
  const received = new Map(); // "run/tag" → points, as the page's store holds them
  let first;
  let all;
  let sseBytes = 0;
  await new Promise((ok, fail) => {
    const req = request(`${url}api/events`, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        sseBytes += chunk.length;
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = JSON.parse(block.slice(block.indexOf('data: ') + 6));
          for (const [run, tags] of Object.entries(data.scalars))
            for (const [tag, pts] of Object.entries(tags)) {
              if (pts.length === 0) continue;
              first ??= (performance.now() - started) / 1000;
              const key = `${run}/${tag}`;
              received.set(key, [...(received.get(key) ?? []), ...pts]);
            }
          if (data.progress.done && received.size === RUNS * TAGS) {
            all = (performance.now() - started) / 1000;
            req.destroy();
            ok();
          }
        }
      });
    });
    req.on('error', (e) => (all === undefined ? fail(e) : undefined));
    req.end();
  });
  const cpu = cpuOf(child.pid);
  // The page's series are the server's M4 view of each whole series (one checked; every one is ≤ 1,000 points).
  const whole = await (await fetch(`${url}api/scalars?run=run_0&tag=tag_0&points=250`)).json();
  const correct = JSON.stringify(whole.run_0.tag_0) === JSON.stringify(received.get('run_0/tag_0'));
  const largest = Math.max(...[...received.values()].map((p) => p.length));
  const z0 = performance.now();
  const zoom = await (
    await fetch(`${url}api/scalars?run=run_0&tag=tag_0&from=${POINTS / 4}&to=${POINTS / 2}&points=460`)
  ).text();
  const zoomMs = performance.now() - z0;
  // SIGTERM: the bin writes the index entries of files that grew since their last write, then exits.
  const s0 = performance.now();
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  await exited;
  const stopSecs = (performance.now() - s0) / 1000;
  return { listening, first, all, cpu, correct, largest, sseBytes, zoomMs, zoomBytes: zoom.length, stopSecs };
}

const g0 = performance.now();
const generated = await generate();
const genSecs = (performance.now() - g0) / 1000;
const eventBytes = readdirSync(logdir).reduce(
  (s, run) => s + statSync(join(logdir, run, 'events.out.tfevents.1700000000.bench')).size,
  0,
);
const indexDir = mkdtempSync(join(tmpdir(), 'board-bench-index-'));
try {
  const cold = await startOnce(indexDir);
  const indexBytes = readdirSync(indexDir).reduce((s, f) => s + statSync(join(indexDir, f)).size, 0);
  const warm = await startOnce(indexDir);
  const mb = (n) => (n / 1e6).toFixed(1);
  const ns = (cpu) => ((cpu / points) * 1e9).toFixed(0);
  const f2 = (s) => s.toFixed(2);
  console.log(
    `board load (bench/board/load.mjs): ${RUNS} runs × ${TAGS} tags × ${POINTS.toLocaleString('en')} points = ${points.toLocaleString('en')} points, ${mb(eventBytes)} MB of event files (${generated ? `generated in ${genSecs.toFixed(0)} s` : 'reused'}: ${logdir}), the bin's default read workers on ${availableParallelism()} cores`,
  );
  console.log(
    `  cold start (no index): listening ${f2(cold.listening)} s, first chart ${f2(cold.first)} s, every chart ${f2(cold.all)} s; CPU ${f2(cold.cpu)} s = ${ns(cold.cpu)} ns a point; index written: ${mb(indexBytes)} MB (last entries flushed in ${f2(cold.stopSecs)} s at exit)`,
  );
  console.log(
    `  warm start (persistent index): listening ${f2(warm.listening)} s, first chart ${f2(warm.first)} s, every chart ${f2(warm.all)} s; CPU ${f2(warm.cpu)} s = ${ns(warm.cpu)} ns a point`,
  );
  console.log(
    `  the page's data: ${mb(warm.sseBytes)} MB of events, ≤ ${warm.largest} points a series, series = the server's M4 view: ${cold.correct && warm.correct ? 'yes' : 'NO'}; a zoom (¼ of one series, 460 px) ${warm.zoomMs.toFixed(1)} ms, ${(warm.zoomBytes / 1e3).toFixed(1)} kB`,
  );
  // A warm start is mostly fixed costs (start-up, the page's JSON), so only the target's own size decides it.
  console.log(
    `  target (every chart of ${TARGET_POINTS / 1e6}M points in ${TARGET_SECS} s, held against the warm start): ${points === TARGET_POINTS ? `${f2(warm.all)} s, ratio ${(TARGET_SECS / warm.all).toFixed(2)} (> 1 meets it)` : 'not this size: run without --quick (--points 100000)'}`,
  );
  if (!(cold.correct && warm.correct)) process.exitCode = 1;
} finally {
  rmSync(indexDir, { recursive: true, force: true });
}
