/**
 * The board's persistent index: what the first read of an event file produced (its scalar columns, its other
 * records, the plugins it named and the byte offset read so far), kept in a cache directory outside the logdir so
 * a restart reads only the bytes appended since. Owns: the cache file format, its integrity check, and deciding
 * whether an entry still describes its event file. Does not own: filing the values (LogdirIndex).
 *
 * An entry is trusted only when all of these hold, else it is discarded and the file read from byte 0:
 * - its own CRC-32 (zlib's, over everything after the fixed prefix) matches: a torn or corrupt cache file is refused;
 * - it names the same event file and format version;
 * - the event file is at least as long as the offset the entry read to (a shrunk file was rewritten);
 * - the first and the last 64 KiB the entry read hash (CRC-32) to what they hashed to when read: an event file
 *   rewritten in place is refused even when it grew. The modification time alone cannot decide, since a file that
 *   training appends to changes it on every flush.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ColumnsSorted } from '../scalar-series.js';

const MAGIC = 'EJSBIDX1';
const VERSION = 1;
/** Bytes at each end of the read part of an event file whose hash an entry keeps. */
export const FINGERPRINT_BYTES = 64 * 1024;

/** Hashes of the first and the last bytes of the part of an event file an entry read (absolute offsets). */
export interface Fingerprint {
  readonly headLen: number;
  readonly headCrc: number;
  readonly tailStart: number;
  readonly tailLen: number;
  readonly tailCrc: number;
}

/** One tag's columns of an entry. */
export interface CachedColumns {
  readonly tag: string;
  readonly steps: Float64Array;
  readonly walls: Float64Array;
  readonly values: Float64Array;
  /** Whether steps and wall times never go down (noted when written, so a restart need not scan them). */
  readonly sorted: ColumnsSorted;
}

/** What an entry holds about one event file. */
export interface CacheEntry {
  /** Bytes of the event file read (the next record starts here). */
  readonly offset: number;
  readonly fingerprint: Fingerprint;
  /** The run's tag → plugin map before this file was read (what its scalars were filed under). */
  readonly pluginsIn: readonly [string, string][];
  /** Plugins the file named. */
  readonly pluginsOut: readonly [string, string][];
  readonly columns: readonly CachedColumns[];
  /** The file's records that are not scalar-only, framed as in the event file (CRCs included). */
  readonly records: Uint8Array;
}

interface Header {
  readonly version: number;
  readonly path: string;
  readonly offset: number;
  readonly fingerprint: Fingerprint;
  readonly pluginsIn: [string, string][];
  readonly pluginsOut: [string, string][];
  /** Per tag: its point count, whether it is sorted, and its steps as start + i × stride when they are so. */
  readonly tags: { tag: string; n: number; sorted: ColumnsSorted; steps?: [start: number, stride: number] }[];
  readonly recordsLength: number;
}

/** The cache file of event file `path` under `dir`. */
export function cacheFileOf(dir: string, path: string): string {
  return join(dir, `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.idx`);
}

/** The fingerprint of `bytes[0, end)`, which start at byte `base` of their event file (head only when base is 0). */
export function fingerprintOf(bytes: Uint8Array, base: number, end: number, previous?: Fingerprint): Fingerprint {
  const headLen = base === 0 ? Math.min(FINGERPRINT_BYTES, end) : (previous?.headLen ?? 0);
  const headCrc = base === 0 ? crc32(bytes.subarray(0, headLen)) : (previous?.headCrc ?? 0);
  const from = Math.max(0, end - FINGERPRINT_BYTES);
  return { headLen, headCrc, tailStart: base + from, tailLen: end - from, tailCrc: crc32(bytes.subarray(from, end)) };
}

/**
 * The entry of event file `path`, or a reason it cannot be used (`'missing'` when there is none). `eventFileSize`
 * is the event file's size now. Reads the two fingerprinted ranges of the event file (at most 128 KiB).
 */
export async function loadEntry(
  dir: string,
  path: string,
  eventFileSize: number,
): Promise<{ entry: CacheEntry; bytes: number } | { reason: string }> {
  let buf: Buffer;
  try {
    buf = await readWhole(cacheFileOf(dir, path));
  } catch {
    return { reason: 'missing' };
  }
  const header = parse(buf, path);
  if (typeof header === 'string') return { reason: header };
  if (eventFileSize < header.offset) return { reason: 'the event file shrank below the offset read' };
  if (!(await fingerprintMatches(path, header.fingerprint))) return { reason: 'the event file was rewritten' };
  // Columns are 8-byte aligned in the file; a Buffer from a pool may not start on 8 bytes: copy it once then.
  const body = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  let at = body.byteOffset + bodyStart(buf);
  const columns: CachedColumns[] = header.tags.map(({ tag, n, sorted, steps }) => {
    const col = () => {
      const a = new Float64Array(body.buffer, at, n);
      at += n * 8;
      return a;
    };
    return { tag, steps: steps ? progression(n, steps[0], steps[1]) : col(), walls: col(), values: col(), sorted };
  });
  const records = new Uint8Array(body.buffer, at, header.recordsLength);
  const { offset, fingerprint, pluginsIn, pluginsOut } = header;
  return { entry: { offset, fingerprint, pluginsIn, pluginsOut, columns, records }, bytes: buf.length };
}

/** Writes the entry of event file `path` (to a temporary name first, so a reader never sees half an entry). */
export async function saveEntry(dir: string, path: string, entry: CacheEntry): Promise<void> {
  await mkdir(dir, { recursive: true });
  const header: Header = {
    version: VERSION,
    path,
    offset: entry.offset,
    fingerprint: entry.fingerprint,
    pluginsIn: [...entry.pluginsIn],
    pluginsOut: [...entry.pluginsOut],
    tags: entry.columns.map((c) => {
      const steps = asProgression(c.steps);
      return { tag: c.tag, n: c.steps.length, sorted: c.sorted, ...(steps ? { steps } : {}) };
    }),
    recordsLength: entry.records.length,
  };
  const json = Buffer.from(JSON.stringify(header));
  const padded = Buffer.alloc(Math.ceil((json.length + 16) / 8) * 8 - 16, 0x20);
  json.copy(padded);
  const parts: Uint8Array[] = [padded];
  for (const [k, c] of entry.columns.entries())
    for (const a of [...(header.tags[k]!.steps ? [] : [c.steps]), c.walls, c.values]) parts.push(bytesOf(a));
  parts.push(entry.records);
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(padded.length, 8);
  prefix.writeUInt32LE(crc, 12);
  const file = cacheFileOf(dir, path);
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writev([prefix, ...parts]);
  } finally {
    await handle.close();
  }
  await rename(temp, file).catch(async (e: unknown) => {
    await rm(temp, { force: true });
    throw e;
  });
}

/** The file's bytes, in one read where the system allows (readFile reads 512 KiB at a time, a round trip each). */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buf, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * `[start, stride]` when `xs[i]` is exactly `start + i × stride` (the steps of nearly every series: one summary every
 * N steps), so the entry need not store them: a third of its bytes to read and hash on every start.
 */
function asProgression(xs: Float64Array): [number, number] | undefined {
  const n = xs.length;
  if (n === 0) return undefined;
  const start = xs[0]!;
  const stride = n > 1 ? xs[1]! - start : 0;
  for (let i = 1; i < n; i++) if (xs[i] !== start + i * stride) return undefined;
  return [start, stride];
}

function progression(n: number, start: number, stride: number): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = start + i * stride;
  return xs;
}

function bytesOf(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function bodyStart(buf: Buffer): number {
  return 16 + buf.readUInt32LE(8);
}

/** The header of cache file `buf`, or why it cannot be trusted. */
function parse(buf: Buffer, path: string): Header | string {
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) return 'not a cache file of this version';
  const headerLen = buf.readUInt32LE(8);
  if (16 + headerLen > buf.length || crc32(buf.subarray(16)) !== buf.readUInt32LE(12)) return 'corrupt (CRC)';
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + headerLen)) as Header;
  } catch {
    return 'corrupt (header)';
  }
  if (header.version !== VERSION || header.path !== path) return 'another file or version';
  const columnBytes = header.tags.reduce((s, t) => s + t.n * (t.steps ? 16 : 24), 0);
  if (16 + headerLen + columnBytes + header.recordsLength !== buf.length) return 'corrupt (length)';
  return header;
}

/** Whether the event file's bytes at the fingerprinted ranges still hash as they did. */
async function fingerprintMatches(path: string, f: Fingerprint): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const range = async (start: number, len: number) => {
      const b = Buffer.alloc(len);
      let filled = 0;
      while (filled < len) {
        const { bytesRead } = await handle.read(b, filled, len - filled, start + filled);
        if (bytesRead === 0) return -1;
        filled += bytesRead;
      }
      return crc32(b);
    };
    return (await range(0, f.headLen)) === f.headCrc && (await range(f.tailStart, f.tailLen)) === f.tailCrc;
  } finally {
    await handle.close();
  }
}
