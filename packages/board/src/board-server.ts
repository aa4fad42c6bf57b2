/**
 * startBoard: the board's HTTP server over a logdir.
 * Owns: the routes (the page, the JSON API, the server-sent event stream, raw files under the logdir), binding
 * (loopback by default, the next free port), and wiring the watcher to the index. Does not own: reading event
 * files (LogdirIndex, EventFileTail) or drawing (the page under dist/page).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeGraphDef } from '@estimatorjs/summary';
import { DEFAULT_HOST, DEFAULT_POLL_MS, DEFAULT_PORT, MAX_READ_WORKERS, PORT_ATTEMPTS } from './defaults.js';
import { BoardError } from './errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { listen } from './internal/listen.js';
import { fileUnder } from './internal/safe-path.js';
import { watchLogdir } from './internal/watch-logdir.js';
import { LogdirIndex, type ScalarQuery } from './logdir-index.js';

/** Options of {@link startBoard}. */
export interface BoardOptions {
  /** The directory to show; every directory under it holding event files is a run. */
  readonly logdir: string;
  /** First port to try (default 6006, then the next free ones); 0 picks any free port. */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1). Anything else exposes the event files to the network. */
  readonly host?: string;
  /** Polling interval of the watcher in ms (default 2000); 0 relies on `fs.watch` alone. */
  readonly pollMs?: number;
  /**
   * Worker threads that read the event files found at start (and new ones) side by side; default: one per core
   * but one, at most {@link MAX_READ_WORKERS}. 0 reads everything on the main thread.
   */
  readonly workers?: number;
  /** Where the built page is (default: the page this package ships, `dist/page`). */
  readonly pageDir?: string;
  /**
   * Directory of the persistent index (default: none; the `estimatorjs-board` bin uses
   * `$XDG_CACHE_HOME/estimatorjs-board`): a restart reads only the bytes appended since. See LogdirIndexOptions.
   */
  readonly indexDir?: string;
  /** Awaited before the first read of each event file (see LogdirIndexOptions.beforeRead). */
  readonly beforeRead?: (file: string) => Promise<void> | void;
}

/** A running board. */
export interface Board {
  /** `http://host:port/` */
  readonly url: string;
  readonly port: number;
  readonly index: LogdirIndex;
  /**
   * Resolves when the first read of the logdir is done. The server answers before that: the page draws each run
   * as it is read and shows the progress (the `progress` of the event stream's updates).
   */
  readonly indexed: Promise<void>;
  /** Re-reads the logdir now; resolves when the index (and the pushed updates) reflect the disk. */
  refresh(): Promise<void>;
  /** Stops watching, ends the event streams and closes the server. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Starts the board on `logdir`: listens at once, reads every run in the background (pushing each file's values to
 * open pages as it is read), then watches for new events and pushes them too.
 * @example
 *   const board = await startBoard({ logdir: '/tmp/mnist_training' });
 *   console.log(`open ${board.url}`);
 */
export async function startBoard(options: BoardOptions): Promise<Board> {
  checkOptionKeys('startBoard()', options, KNOWN_OPTIONS.startBoard);
  const logdir = resolve(options.logdir);
  const info = await stat(logdir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new BoardError(
      'BOARD_LOGDIR',
      `startBoard(): logdir '${options.logdir}' is not a directory. Pass the model_dir of a run (or a folder of runs).`,
    );
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BoardError('BOARD_ARGUMENT', `startBoard(): port must be an integer in [0, 65535], received ${port}.`);
  }
  const host = options.host ?? DEFAULT_HOST;
  const pageDir = options.pageDir ?? fileURLToPath(new URL('./page/', import.meta.url));
  const index = new LogdirIndex(logdir, {
    workers: options.workers ?? Math.min(MAX_READ_WORKERS, Math.max(0, availableParallelism() - 1)),
    ...(options.indexDir === undefined ? {} : { indexDir: options.indexDir }),
    ...(options.beforeRead === undefined ? {} : { beforeRead: options.beforeRead }),
  });
  // A page on another site could reach a loopback server through DNS rebinding (its own name resolving to
  // 127.0.0.1): on loopback, only requests addressed to a loopback name are answered.
  const loopback = LOOPBACK_NAMES.has(host);

  const streams = new Set<ServerResponse>();
  index.onUpdate((u) => {
    for (const res of streams) send(res, 'update', u);
  });

  const server = createServer((req, res) => {
    route(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((e as Error).message));
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res, 405);
    if (loopback && !LOOPBACK_NAMES.has(hostName(req.headers.host))) return notFound(res, 403);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/runs')
      return json(res, { logdir, runs: index.runs(), tags: index.tags(), progress: index.progress() });
    if (path === '/api/scalars') return json(res, index.scalars(scalarQuery(req.url ?? '/')));
    if (path === '/api/problems') return json(res, index.problems());
    if (path === '/api/histograms') return json(res, index.histograms());
    if (path === '/api/images') return json(res, index.images());
    if (path === '/api/text') return json(res, index.texts());
    if (path === '/api/graph') return graph(res, new URL(req.url ?? '/', 'http://board').searchParams.get('run'));
    if (path === '/api/image') return image(res, new URL(req.url ?? '/', 'http://board').searchParams);
    if (path === '/api/events') return stream(req, res);
    if (path.startsWith('/logdir/')) return file(res, await fileUnder(logdir, path.slice('/logdir'.length)));
    return file(res, await fileUnder(pageDir, path === '/' ? '/index.html' : path));
  }

  /** The run's graph as `{ runs, nodes: [{ name, op, inputs }] }` (no `run`: only the runs that have one). */
  function graph(res: ServerResponse, run: string | null): void {
    const runs = index.graphRuns();
    const bytes = run === null ? undefined : index.graphDef(run);
    if (run !== null && bytes === undefined) {
      notFound(res);
      return;
    }
    let nodes: { name: string; op: string; inputs: readonly string[] }[] = [];
    try {
      if (bytes) nodes = decodeGraphDef(bytes).nodes.map(({ name, op, inputs }) => ({ name, op, inputs }));
    } catch {
      notFound(res);
      return;
    }
    json(res, { runs, nodes });
  }

  function image(res: ServerResponse, q: URLSearchParams): void {
    const bytes = index.imageBytes(
      q.get('run') ?? '',
      q.get('tag') ?? '',
      Number(q.get('index')),
      Number(q.get('k') ?? 0),
    );
    if (bytes === undefined) {
      notFound(res);
      return;
    }
    res.writeHead(200, { 'content-type': imageType(bytes), 'cache-control': 'max-age=3600' });
    res.end(bytes);
  }

  function stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    send(res, 'snapshot', index.snapshot());
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  const actual = await listen(server, host, port, port === 0 ? 1 : PORT_ATTEMPTS);
  const indexed = index.refresh();
  indexed.catch(() => undefined);
  const stop = watchLogdir(logdir, options.pollMs ?? DEFAULT_POLL_MS, () => {
    index.refresh().catch(() => undefined);
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}/`,
    port: actual,
    index,
    indexed,
    refresh: () => index.refresh(),
    close: async () => {
      stop();
      await index.close();
      for (const res of streams) res.end();
      streams.clear();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * `/api/scalars?run=R&tag=T&axis=step|wall&from=A&to=B&points=N`: every parameter optional; `points` (the chart's
 * width in pixels) turns on M4 downsampling of the range.
 */
function scalarQuery(url: string): ScalarQuery {
  const q = new URL(url, 'http://board').searchParams;
  const num = (k: string) => {
    const v = q.get(k);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const run = q.get('run') ?? undefined;
  const tag = q.get('tag') ?? undefined;
  const from = num('from');
  const to = num('to');
  const buckets = num('points');
  return {
    ...(run === undefined ? {} : { run }),
    ...(tag === undefined ? {} : { tag }),
    axis: q.get('axis') === 'wall' ? 'wall' : 'step',
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(buckets === undefined ? {} : { buckets: Math.min(Math.max(1, Math.floor(buckets)), 10_000) }),
  };
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The host name of a Host header (`127.0.0.1:6006` → `127.0.0.1`, `[::1]:6006` → `[::1]`). */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return m?.[1] ?? '';
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, status = 404): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(status === 404 ? 'not found' : status === 403 ? 'forbidden host' : 'method not allowed');
}

function file(res: ServerResponse, path: string | undefined): void {
  if (path === undefined) {
    notFound(res);
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
}

/** The image format from its magic bytes (PNG, JPEG, GIF), as the browser needs it. */
function imageType(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x47 && b[1] === 0x49) return 'image/gif';
  return 'application/octet-stream';
}
