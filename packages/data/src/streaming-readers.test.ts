import { randomFillSync } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { eventually, itWithTool, type Tool, tempModelDir } from '@estimatorjs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { csvDataset, textLineDataset } from './csv.js';
import { setChunkSizeForTesting } from './internal/byte-stream.js';
import { fileSource } from './node/file-source.js';
import { decodeTFRecords, encodeTFRecords, tfRecordDataset } from './tfrecord.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

async function rejection(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** The error `fn` throws (synchronously). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** Linux's /proc/self/fd, where the open-handle test counts this process's file descriptors. */
const procFd: Tool = {
  name: '/proc/self/fd',
  missing: openHandles('/') === null ? 'this system has no /proc/self/fd' : null,
  install: 'run the tests on Linux (CI does)',
};

/** How many of this process's file descriptors are open on `path` (Linux; null elsewhere). */
function openHandles(path: string): number | null {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return null;
  }
  let n = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

const CHUNKS = [1, 2, 3, 7, 13];

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempModelDir('stream-');
});
afterAll(() => tmp.cleanup());
afterEach(() => setChunkSizeForTesting(0));

// records of assorted sizes, so 7-byte chunks cut headers, payloads and footers everywhere
const RECORDS = ['', 'a', 'hello', 'x'.repeat(100), 'é中😀'.repeat(50), 'y'.repeat(3000), 'z'];
const TFR = encodeTFRecords(RECORDS);

const CSV =
  'id,name,score,note\r\n' +
  '1,"Smith, J",2.5,plain\r\n' +
  '2,"say ""hi""\nbye",,"multi\nline\r\nfield"\n' +
  '\n' +
  '3,Zoë 中文 😀,-1e3,"quoted ""é"" ,"\n' +
  '4,"",7,😀😀😀\n' +
  '5,last,0.125,no newline at the end';
const CSV_OPTS = { columnDefaults: { name: '', score: -1, note: '' } };

describe('streamed readers equal the whole-buffer path', () => {
  it('tfRecordDataset: a file read in tiny chunks (plain and gzip) gives the same records', async () => {
    const want = Array.from(decodeTFRecords(TFR), dec);
    expect(want).toEqual(RECORDS);
    const plain = join(tmp.dir, 'r.tfrecord');
    const gz = join(tmp.dir, 'r.tfrecord.gz');
    await writeFile(plain, TFR);
    await writeFile(gz, gzipSync(TFR));
    for (const n of CHUNKS) {
      setChunkSizeForTesting(n);
      const got = await collect(tfRecordDataset([await fileSource(plain), await fileSource(gz), TFR]));
      expect(got.map(dec), `chunk size ${n}`).toEqual([...want, ...want, ...want]);
    }
  });

  it('csvDataset: a file read in tiny chunks gives the same rows, split inside quotes, CRLF and characters', async () => {
    const path = join(tmp.dir, 'r.csv');
    await writeFile(path, CSV);
    const want = await collect(csvDataset(enc(CSV), CSV_OPTS)); // one chunk: the whole-buffer path
    expect(want).toEqual([
      { id: 1, name: 'Smith, J', score: 2.5, note: 'plain' },
      { id: 2, name: 'say "hi"\nbye', score: -1, note: 'multi\nline\r\nfield' },
      { id: 3, name: 'Zoë 中文 😀', score: -1000, note: 'quoted "é" ,' },
      { id: 4, name: '', score: 7, note: '😀😀😀' },
      { id: 5, name: 'last', score: 0.125, note: 'no newline at the end' },
    ]);
    const selected = await collect(csvDataset(enc(CSV), { ...CSV_OPTS, selectColumns: ['note', 0] }));
    const noHeader = { header: false, columnNames: ['a', 'b', 'c', 'd'], columnDefaults: ['', '', '', ''] };
    const headerless = await collect(csvDataset(enc(CSV), noHeader));
    const gz = join(tmp.dir, 'r.csv.gz');
    await writeFile(gz, gzipSync(enc(CSV)));
    for (const n of CHUNKS) {
      setChunkSizeForTesting(n);
      expect(await collect(csvDataset(await fileSource(path), CSV_OPTS)), `chunk size ${n}`).toEqual(want);
      expect(await collect(csvDataset(await fileSource(gz), CSV_OPTS)), `gzip, chunk size ${n}`).toEqual(want);
      expect(await collect(csvDataset(await fileSource(path), { ...CSV_OPTS, selectColumns: ['note', 0] }))).toEqual(
        selected,
      );
      expect(await collect(csvDataset(await fileSource(path), noHeader))).toEqual(headerless);
    }
  });

  it('csvDataset: errors name the same line when streamed', async () => {
    const bad = [
      ['a,b\n1,"2\n"\n3\n', /line 4: expected 2 fields \(a, b\), found 1/],
      ['a,b\n1,2\n3,"x\ny"\n', /line 3: column 'b' expected a number, received "x\\ny"/],
      ['a,b\n1,2\n3,\n', /line 3: column 'b' is empty and has no default/],
      ['a,b\n1,2\n4,"2\n', /line 3: unterminated quoted field/],
      ['a,b\n1,"2"x\n', /line 2: unexpected character "x" after a quoted field/],
    ] as const;
    const path = join(tmp.dir, 'bad.csv');
    for (const [text, re] of bad) {
      await writeFile(path, text);
      const whole = await rejection(() => collect(csvDataset(enc(text))));
      expect(whole.message).toMatch(re);
      for (const n of CHUNKS) {
        setChunkSizeForTesting(n);
        const e = await rejection(async () => collect(csvDataset(await fileSource(path))));
        expect(e.message).toBe(whole.message.replace('bytes', path));
        setChunkSizeForTesting(0);
      }
    }
  });

  it('csvDataset and textLineDataset: 300 random inputs give the same rows, lines and errors in any chunk size', async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ['1', '2.5', 'a', ',', ',', '"', '""', '\n', '\n', '\r\n', '\r', 'é', '😀', ' ', ''];
    const outcome = async (ds: AsyncIterable<unknown>) => {
      try {
        return await collect(ds);
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (let k = 0; k < 300; k++) {
      let text = 'p,q\n';
      for (let i = rand(60); i > 0; i--) text += alphabet[rand(alphabet.length)];
      const bytes = enc(text);
      const read = () => [
        outcome(csvDataset(bytes, { columnDefaults: ['', ''] })),
        outcome(csvDataset(bytes, { header: false, columnNames: ['x', 'y'], columnDefaults: { x: 0, y: '' } })),
        outcome(textLineDataset(bytes)),
      ];
      const want = await Promise.all(read());
      for (const n of [1, 2, 3, 5]) {
        setChunkSizeForTesting(n);
        expect(await Promise.all(read()), `${JSON.stringify(text)}, chunk ${n}`).toEqual(want);
      }
      setChunkSizeForTesting(0);
    }
  });

  it('textLineDataset: tiny chunks give the same lines (CRLF and multi-byte characters cut in two)', async () => {
    const text = 'première ligne\r\n中文\n\n😀 end\r\n\r\nlast 😀';
    const want = ['première ligne', '中文', '', '😀 end', '', 'last 😀'];
    expect(await collect(textLineDataset(enc(text)))).toEqual(want);
    const path = join(tmp.dir, 'lines.txt');
    await writeFile(path, text);
    for (const n of CHUNKS) {
      setChunkSizeForTesting(n);
      expect(await collect(textLineDataset([await fileSource(path), enc(`${text}\n`)])), `chunk ${n}`).toEqual([
        ...want,
        ...want,
      ]);
    }
  });

  it('textLineDataset: tiny chunks decode a byte order mark and invalid UTF-8 exactly as one TextDecoder does', async () => {
    const bytes = Uint8Array.from([
      0xef, 0xbb, 0xbf, 0x61, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc3, 0x0d, 0x0a, 0xed, 0xa0, 0x80, 0x0a,
      0xe0, 0x80, 0x80, 0xef, 0xbb, 0xbf, 0x62, 0x80, 0x80, 0x80, 0x80, 0xc0, 0x0a, 0x63, 0xf0, 0x9f, 0x98,
    ]);
    const want = new TextDecoder()
      .decode(bytes)
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    expect(want[0]).toBe('a\ufffd'); // the BOM dropped, the cut character replaced
    for (const n of [0, ...CHUNKS]) {
      setChunkSizeForTesting(n);
      expect(await collect(textLineDataset(bytes)), `chunk ${n}`).toEqual(want);
    }
  });
});

describe('streamed TFRecord errors', () => {
  it('reports a corrupted byte anywhere with its record offset, as the whole-buffer decoder does', async () => {
    const path = join(tmp.dir, 'bad.tfrecord');
    const recs = encodeTFRecords(['first', 'second record', 'third']);
    setChunkSizeForTesting(7);
    for (let pos = 0; pos < recs.length; pos++) {
      const bad = recs.slice();
      bad[pos]! ^= 0x40;
      await writeFile(path, bad);
      const want = thrown(() => Array.from(decodeTFRecords(bad, path)));
      const e = await rejection(async () => collect(tfRecordDataset(await fileSource(path))));
      // the same message, under the reader's own name
      expect(e.message, `byte ${pos}`).toBe(want.message.replace('decodeTFRecords()', 'tfRecordDataset()'));
      expect(e.code).toBe('DATA_LOSS');
    }
  });

  it('reports the stream offset of a corrupted record several chunks into a gzip file', async () => {
    const payload = new Uint8Array(1000).fill(7);
    const bytes = encodeTFRecords(Array.from({ length: 5000 }, () => payload)); // 5 MB: several 1 MiB chunks
    const k = 3777;
    bytes[k * 1016 + 12 + 500]! ^= 1;
    const path = join(tmp.dir, 'big-bad.tfrecord.gz');
    await writeFile(path, gzipSync(bytes));
    let seen = 0;
    const e = await rejection(async () => {
      for await (const _ of tfRecordDataset(await fileSource(path))) seen++;
    });
    expect(seen).toBe(k);
    expect(e.message).toContain(
      `tfRecordDataset(): ${path}: corrupted record ${k} at byte offset ${k * 1016}: data CRC mismatch over bytes ${k * 1016 + 12}..${k * 1016 + 1012}`,
    );
  });

  it('reports a truncated record (cut in its header or its data) like the whole-buffer decoder', async () => {
    const bytes = encodeTFRecords(['first', 'second']);
    const path = join(tmp.dir, 'short.tfrecord');
    for (const cut of [3, 21 + 5, 21 + 12 + 2, bytes.length - 1]) {
      const short = bytes.subarray(0, cut);
      await writeFile(path, short);
      const want = thrown(() => Array.from(decodeTFRecords(short, path)));
      expect(want.message).toMatch(/truncated record \d at byte offset/);
      for (const n of [0, 1, 7]) {
        setChunkSizeForTesting(n);
        const e = await rejection(async () => collect(tfRecordDataset(await fileSource(path))));
        expect(e.message, `cut ${cut}, chunk ${n}`).toBe(
          want.message.replace('decodeTFRecords()', 'tfRecordDataset()'),
        );
      }
    }
  });

  it('keeps compressionType: GZIP insists on gzip, an empty string reads the bytes as they are', async () => {
    const e = await rejection(() => collect(tfRecordDataset(TFR, { compressionType: 'GZIP' })));
    expect(e.code).toBe('DATA_LOSS');
    expect(e.message).toMatch(/tfRecordDataset\(\): bytes is not a valid gzip stream/);
    const raw = await rejection(() => collect(tfRecordDataset(gzipSync(TFR), { compressionType: '' })));
    expect(raw.message).toMatch(/tfRecordDataset\(\): bytes: (corrupted|truncated) record 0 at byte offset 0/);
    const got = await collect(tfRecordDataset(gzipSync(TFR), { compressionType: 'GZIP' }));
    expect(got.map(dec)).toEqual(RECORDS);
  });

  it('names the file of a truncated gzip stream', async () => {
    const path = join(tmp.dir, 'cut.csv.gz');
    const gz = gzipSync(enc(`a,b\n${'1,2\n'.repeat(20000)}`));
    await writeFile(path, gz.subarray(0, gz.length >> 1));
    const e = await rejection(async () => collect(csvDataset(await fileSource(path))));
    expect(e.code).toBe('DATA_LOSS');
    expect(e.message).toContain(`csvDataset(): ${path} is not a valid gzip stream`);
    expect(e.message).toMatch(/after \d+ decompressed bytes/);
  });
});

describe('streamed sources', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/r.tfrecord.gz') {
        // in small writes, so the body arrives as several chunks
        const gz = gzipSync(TFR);
        res.writeHead(200);
        for (let o = 0; o < gz.length; o += 100) res.write(gz.subarray(o, o + 100));
        res.end();
      } else {
        res.writeHead(404);
        res.end('no');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads a URL and a Response through their bodies, and reports an HTTP error', async () => {
    expect((await collect(tfRecordDataset(`${base}/r.tfrecord.gz`))).map(dec)).toEqual(RECORDS);
    expect((await collect(tfRecordDataset(await fetch(`${base}/r.tfrecord.gz`)))).map(dec)).toEqual(RECORDS);
    const e = await rejection(() => collect(tfRecordDataset(new URL(`${base}/missing`))));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe(`tfRecordDataset(): '${base}/missing' answered HTTP 404. Expected 200.`);
  });

  it('yields the first element after one chunk, and cancels the source on an early break', async () => {
    let text = 'id,name,score,note\n';
    for (let i = 1; i <= 50000; i++) text += `${i},name ${(i * 7919) % 1000},${i / 8},"note\n${i}"\n`;
    for (const gzip of [false, true]) {
      const body = gzip ? gzipSync(enc(text)) : enc(text);
      expect(body.length).toBeGreaterThan(400 * 1000);
      let pulls = 0;
      let cancelled = 0;
      const stream = new ReadableStream<Uint8Array>(
        {
          pull(c) {
            const o = pulls++ * 1000;
            if (o >= body.length) c.close();
            else c.enqueue(body.slice(o, o + 1000));
          },
          cancel() {
            cancelled++;
          },
        },
        { highWaterMark: 0 },
      );
      for await (const row of csvDataset(new Response(stream), CSV_OPTS)) {
        expect(row.id).toBe(1);
        // gzip: Node's DecompressionStream emits its first output after ~16 KB of input
        expect(pulls, `gzip ${gzip}`).toBeLessThan(gzip ? 40 : 3);
        break;
      }
      expect(cancelled, `gzip ${gzip}`).toBe(1);
      expect(stream.locked).toBe(false);
    }
  });

  itWithTool(
    { describe, it },
    procFd,
    'leaves no file open after an early break (plain and gzip, every reader)',
    async () => {
      const plain = join(tmp.dir, 'open.tfrecord');
      const payload = new Uint8Array(5000).fill(3);
      const bytes = encodeTFRecords(Array.from({ length: 1000 }, () => payload)); // 5 MB: more than one chunk
      await writeFile(plain, bytes);
      const gz = join(tmp.dir, 'open.tfrecord.gz');
      await writeFile(gz, gzipSync(bytes));
      const csv = join(tmp.dir, 'open.csv');
      await writeFile(csv, `a,b\n${'1,2\n'.repeat(500000)}`);
      const runs: [string, () => Promise<AsyncIterable<unknown>>][] = [
        [plain, async () => tfRecordDataset(await fileSource(plain))],
        [gz, async () => tfRecordDataset(await fileSource(gz))],
        [csv, async () => csvDataset(await fileSource(csv))],
        [csv, async () => textLineDataset(await fileSource(csv))],
      ];
      for (const [path, make] of runs) {
        for (let k = 0; k < 3; k++) {
          let n = 0;
          for await (const _ of await make()) if (++n === 2) break;
          expect(n).toBe(2);
          // Node closes a file a few event-loop turns after the read that used it resolves (whole-file reads too).
          await eventually(() => openHandles(path) === 0, `closing ${path}`);
          expect(openHandles(path), path).toBe(0);
        }
      }
    },
  );
});

describe('memory', () => {
  const gc = (): void => {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  };

  /**
   * Reads `path`'s records, sampling memory every `every` records: the growth of ArrayBuffer memory still
   * referenced (after a collection) and of the resident set (what the process really holds, garbage included).
   */
  async function readTracked(path: string, every: number) {
    gc();
    const { rss: rss0, arrayBuffers: ab0 } = process.memoryUsage();
    let live = 0;
    let rss = 0;
    let count = 0;
    let bytes = 0;
    for await (const rec of tfRecordDataset(await fileSource(path))) {
      if (count++ % every === 0) {
        rss = Math.max(rss, process.memoryUsage().rss - rss0);
        gc();
        live = Math.max(live, process.memoryUsage().arrayBuffers - ab0);
      }
      bytes += rec.length;
    }
    return { count, bytes, live, rss };
  }

  it('stays bounded while reading a 200 MB TFRecord file', async () => {
    const path = join(tmp.dir, 'large.tfrecord');
    const payload = new Uint8Array(16 * 1024 - 16);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 255;
    const block = encodeTFRecords(Array.from({ length: 256 }, () => payload)); // 4 MiB of records
    await writeFile(path, block);
    for (let i = 1; i < 50; i++) await appendFile(path, block);
    const size = block.length * 50;
    expect(size).toBeGreaterThan(200e6);
    const { count, bytes, live, rss } = await readTracked(path, 256);
    expect(count).toBe(256 * 50);
    expect(bytes).toBe(payload.length * 256 * 50);
    expect(live).toBeLessThan(size / 8); // measured ≈9 MB
    expect(rss).toBeLessThan(size / 4); // measured ≈6-40 MB
  }, 120_000);

  it('stays bounded while reading an 84 MB gzip TFRecord file (the compressed bytes are not buffered either)', async () => {
    const path = join(tmp.dir, 'large.tfrecord.gz');
    const payload = randomFillSync(new Uint8Array(64 * 1024)); // incompressible: the .gz is as large as the data
    const recs = Array.from({ length: 2560 }, (_, i) => payload.subarray(i % 64, 32 * 1024 + (i % 64)));
    const gz = gzipSync(encodeTFRecords(recs), { level: 1 });
    await writeFile(path, gz);
    const { count, live, rss } = await readTracked(path, 64);
    expect(count).toBe(2560);
    expect(live).toBeLessThan(gz.length / 4); // measured ≈12 MB; the whole .gz when Node buffers it
    expect(rss).toBeLessThan(gz.length / 2);
  }, 120_000);
});
