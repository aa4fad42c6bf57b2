import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createFileWriter } from '@estimatorjs/summary/node';
import { tempModelDir } from '@estimatorjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Board, startBoard } from './board-server.js';
import { BoardError } from './errors.js';
import { parseBoardArgs } from './parse-board-args.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const clock = { now: () => 1_700_000_000_000, every: () => () => undefined };

/** A logdir with a training run and its eval run, plus a secret file next to (outside) the logdir. */
async function fixture(): Promise<{ root: string; logdir: string; trainFile: string }> {
  const { dir: root, cleanup } = tempModelDir('board-server-');
  cleanups.push(cleanup);
  const logdir = join(root, 'logs');
  const train = createFileWriter(logdir, { flushSecs: 0, clock });
  train.scalar('loss', 0.5, 1);
  train.scalar('global_step/sec', 12.5, 1);
  await train.close();
  const evalW = createFileWriter(join(logdir, 'eval'), { flushSecs: 0, clock });
  evalW.scalar('accuracy', 0.75, 1);
  await evalW.close();
  writeFileSync(join(root, 'secret.txt'), 'outside the logdir');
  const trainFile = (await import('node:fs')).readdirSync(logdir).find((n) => n.includes('tfevents'))!;
  return { root, logdir, trainFile };
}

async function start(logdir: string, extra: { port?: number } = {}): Promise<Board> {
  const board = await startBoard({ logdir, port: 0, pollMs: 0, ...extra });
  cleanups.push(() => board.close());
  await board.indexed;
  return board;
}

/** GET with the path sent as is (fetch would normalise `..` away before sending). */
function rawGet(
  board: Board,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: board.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Opens the event stream and returns a function that resolves with the next event of a given name. */
function openStream(board: Board): Promise<{ next: (name: string) => Promise<unknown>; close: () => void }> {
  return new Promise((ok, fail) => {
    const waiting: { name: string; resolve: (d: unknown) => void }[] = [];
    const queued: { name: string; data: unknown }[] = [];
    const req = request({ host: '127.0.0.1', port: board.port, path: '/api/events' }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
          const w = waiting.findIndex((x) => x.name === name);
          if (w >= 0) waiting.splice(w, 1)[0]!.resolve(data);
          else queued.push({ name, data });
        }
      });
      ok({
        next: (name) => {
          const q = queued.findIndex((x) => x.name === name);
          if (q >= 0) return Promise.resolve(queued.splice(q, 1)[0]!.data);
          return new Promise((resolve) => waiting.push({ name, resolve }));
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') fail(e);
    });
    req.end();
  });
}

describe('startBoard', () => {
  it('binds 127.0.0.1 and serves the runs, tags and scalars of the logdir as JSON', async () => {
    const { logdir } = await fixture();
    const board = await start(logdir);
    expect(board.url).toBe(`http://127.0.0.1:${board.port}/`);
    const runs = await (await fetch(`${board.url}api/runs`)).json();
    expect(runs).toEqual({
      logdir,
      runs: ['.', 'eval'],
      tags: { '.': ['global_step/sec', 'loss'], eval: ['accuracy'] },
      progress: { files: 2, indexed: 2, done: true },
    });
    const scalars = await (await fetch(`${board.url}api/scalars`)).json();
    expect(scalars).toEqual({
      '.': { loss: [[1, 1_700_000_000, 0.5]], 'global_step/sec': [[1, 1_700_000_000, 12.5]] },
      eval: { accuracy: [[1, 1_700_000_000, 0.75]] },
    });
  });

  it('pushes a snapshot, then the events appended to a growing file, over server-sent events', async () => {
    const { logdir } = await fixture();
    const board = await start(logdir);
    const stream = await openStream(board);
    cleanups.push(stream.close);
    const snapshot = (await stream.next('snapshot')) as { runs: string[] };
    expect(snapshot.runs).toEqual(['.', 'eval']);
    const writer = createFileWriter(join(logdir, 'eval'), { flushSecs: 0, clock });
    writer.scalar('accuracy', 0.875, 2);
    await writer.close();
    const update = stream.next('update');
    await board.refresh();
    expect(await update).toEqual({
      runs: [],
      scalars: { eval: { accuracy: [[2, 1_700_000_000, 0.875]] } },
      histograms: {},
      images: {},
      texts: {},
      problems: [],
      progress: { files: 3, indexed: 3, done: true }, // the second writer started a second file
    });
  });

  it('sends long series downsampled (snapshot ≤ 1,000 points) and any range of them at full detail on request', async () => {
    const { dir: logdir, cleanup } = tempModelDir('board-server-long-');
    cleanups.push(cleanup);
    const w = createFileWriter(logdir, { flushSecs: 0, clock, maxQueue: 1 << 20 });
    const value = (step: number) => (step === 3_333 ? 100 : Math.fround(Math.cos(step / 50)));
    for (let step = 0; step < 5_000; step++) w.scalar('loss', value(step), step);
    await w.close();
    const board = await start(logdir);
    const stream = await openStream(board);
    cleanups.push(stream.close);
    const snapshot = (await stream.next('snapshot')) as { scalars: Record<string, Record<string, number[][]>> };
    const sent = snapshot.scalars['.']!.loss!;
    expect(sent.length).toBeLessThanOrEqual(1_000);
    expect(sent).toContainEqual([3_333, 1_700_000_000, 100]); // the spike survives
    expect(sent[0]![0]).toBe(0);
    expect(sent.at(-1)![0]).toBe(4_999);

    const get = async (q: string) =>
      ((await (await fetch(`${board.url}api/scalars?${q}`)).json()) as Record<string, Record<string, number[][]>>)['.']!
        .loss!;
    // A zoom to steps 1000..1099 at 460 px: fewer points than 4 × 460, so every one of them, exact.
    const zoom = await get('run=.&tag=loss&axis=step&from=1000&to=1099&points=460');
    expect(zoom.map((p) => p[0])).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
    expect(zoom.map((p) => p[2])).toEqual(zoom.map((p) => value(p[0]!)));
    // The whole series at 100 px: M4 keeps at most 400 points.
    expect((await get('tag=loss&points=100')).length).toBeLessThanOrEqual(400);
    // No parameters: every point, as before.
    expect(await get('')).toHaveLength(5_000);
  });

  it('serves files under the logdir and answers 404 to every way out of it', async () => {
    const { root, logdir, trainFile } = await fixture();
    symlinkSync(root, join(logdir, 'up')); // a directory link leading outside
    symlinkSync(join(root, 'secret.txt'), join(logdir, 'secret-link')); // a file link leading outside
    mkdirSync(join(logdir, 'inside'));
    writeFileSync(join(logdir, 'inside', 'note.txt'), 'inside');
    symlinkSync(join(logdir, 'inside', 'note.txt'), join(logdir, 'inside-link')); // stays inside: allowed
    const board = await start(logdir);

    const ok = await rawGet(board, `/logdir/${trainFile}`);
    expect(ok.status).toBe(200);
    expect(ok.body.equals(readFileSync(join(logdir, trainFile)))).toBe(true);
    expect((await rawGet(board, '/logdir/inside-link')).body.toString()).toBe('inside');

    for (const path of [
      '/logdir/../secret.txt',
      '/logdir/eval/../../secret.txt',
      '/logdir/%2e%2e%2fsecret.txt',
      '/logdir/%2E%2E%2Fsecret.txt',
      '/logdir/..%2fsecret.txt',
      '/logdir/eval%2f..%2f..%2fsecret.txt',
      '/logdir/up/secret.txt',
      '/logdir/secret-link',
      '/logdir/%00',
      '/logdir/%zz',
      '/logdir//etc/passwd',
      '/../secret.txt',
      '/%2e%2e/%2e%2e/secret.txt',
      '/logdir/eval',
    ]) {
      const res = await rawGet(board, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.toString()).not.toContain('outside the logdir');
    }
  });

  it('on loopback, answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const { logdir } = await fixture();
    const board = await start(logdir);
    expect((await rawGet(board, '/api/runs', { host: 'evil.example:6006' })).status).toBe(403);
    expect((await rawGet(board, '/api/runs', { host: `localhost:${board.port}` })).status).toBe(200);
    expect((await rawGet(board, '/api/runs', { host: `127.0.0.1:${board.port}` })).status).toBe(200);
  });

  it('serves the last graph_def of a run as nodes with their inputs', async () => {
    const { logdir } = await fixture();
    const w = createFileWriter(join(logdir, 'graph_run'), { flushSecs: 0, clock });
    w.graph([
      { name: 'x', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 4]] },
      { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[4, 2]] },
      { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], outputShapes: [[-1, 2]] },
    ]);
    await w.close();
    const board = await start(logdir);
    expect(await (await fetch(`${board.url}api/graph`)).json()).toEqual({ runs: ['graph_run'], nodes: [] });
    expect(await (await fetch(`${board.url}api/graph?run=graph_run`)).json()).toEqual({
      runs: ['graph_run'],
      nodes: [
        { name: 'x', op: 'Placeholder', inputs: [] },
        { name: 'dense/kernel', op: 'VariableV2', inputs: [] },
        { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'] },
      ],
    });
    expect((await rawGet(board, '/api/graph?run=eval')).status).toBe(404);
  });

  it('takes the next port when the asked one is in use', async () => {
    const { logdir } = await fixture();
    const blocker = createServer();
    const taken = await new Promise<number>((ok) =>
      blocker.listen(0, '127.0.0.1', () => ok((blocker.address() as { port: number }).port)),
    );
    cleanups.push(() => new Promise((done) => blocker.close(done)));
    const board = await start(logdir, { port: taken });
    expect(board.port).toBeGreaterThan(taken);
    expect(board.port).toBeLessThanOrEqual(taken + 100);
  });

  it('rejects a logdir that is not a directory with one BoardError', async () => {
    const { root } = await fixture();
    const error = await startBoard({ logdir: join(root, 'secret.txt'), port: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardError);
    expect((error as BoardError).code).toBe('BOARD_LOGDIR');
    expect((error as BoardError).message).toMatch(/^startBoard\(\): logdir '.*secret\.txt' is not a directory\./);
  });
});

describe('parseBoardArgs', () => {
  it('parses the flags, both spellings', () => {
    expect(parseBoardArgs(['--logdir', 'runs', '--port=7000', '--host', '0.0.0.0'])).toEqual({
      logdir: 'runs',
      port: 7000,
      host: '0.0.0.0',
    });
    expect(parseBoardArgs(['--logdir=runs'])).toEqual({ logdir: 'runs' });
    expect(parseBoardArgs(['--logdir=runs', '--index-dir', '/tmp/idx'])).toEqual({
      logdir: 'runs',
      indexDir: '/tmp/idx',
    });
    expect(parseBoardArgs(['--logdir=runs', '--no-index'])).toEqual({ logdir: 'runs', indexDir: null });
    expect(parseBoardArgs(['--help'])).toBe('help');
  });

  it('says what is wrong with bad flags', () => {
    expect(() => parseBoardArgs([])).toThrow(/--logdir DIR is required/);
    expect(() => parseBoardArgs(['--logdir', 'x', '--port', 'abc'])).toThrow(
      "estimatorjs-board: --port must be a non-negative integer, received 'abc'.",
    );
    expect(() => parseBoardArgs(['--logdr', 'x'])).toThrow(/unknown argument '--logdr'/);
    expect(() => parseBoardArgs(['--logdir'])).toThrow(/--logdir needs a value/);
  });
});
