/** A minimal ustar writer: enough to hand a folder of files (event files, a checkpoint) over as one download. */

/** One file of a {@link tar} archive. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, under 100 bytes. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Modification time, seconds since the epoch (default now). */
  readonly mtime?: number;
}

const BLOCK = 512;

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > length) throw new RangeError(`tar(): '${value}' is longer than ${length} bytes.`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/** Packs `entries` into a POSIX ustar archive (regular files only). */
export function tar(entries: readonly TarEntry[]): Uint8Array {
  const size = entries.reduce((n, e) => n + BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK, 2 * BLOCK);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const e of entries) {
    const header = out.subarray(pos, pos + BLOCK);
    writeString(header, 0, 100, e.name);
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, e.data.length);
    writeOctal(header, 136, 12, Math.floor(e.mtime ?? Date.now() / 1000));
    header.fill(0x20, 148, 156); // checksum field counts as spaces while summing
    header[156] = 0x30; // '0': regular file
    writeString(header, 257, 6, 'ustar');
    writeString(header, 263, 2, '00');
    let sum = 0;
    for (const b of header) sum += b;
    writeString(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    out.set(e.data, pos + BLOCK);
    pos += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}
