/**
 * UTF-8 decoding chunk by chunk into flat strings, each after the text a reader carries over from the previous
 * chunk. Gives exactly what one `TextDecoder().decode()` of the whole input gives: a character cut by the end of
 * a chunk waits for the next one, and a leading byte order mark is dropped. Why not `TextDecoder`'s stream mode
 * and `carry + text`: stream mode takes a slower path in Node, and scanning a concatenation (a rope, even once
 * flattened) is ~35% slower than scanning a flat string.
 */

const EMPTY = new Uint8Array(0);
const BOM = [0xef, 0xbb, 0xbf];

/** The length of `b[start..]`'s prefix that ends on a character boundary (a cut sequence stays out). */
function completeEnd(b: Uint8Array, start: number): number {
  const n = b.length;
  for (let i = n - 1; i >= start && i >= n - 3; i--) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + len > n ? i : n;
  }
  return n;
}

export class Utf8Chunks {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly encoder = new TextEncoder();
  /** The bytes of a character (or of a byte order mark) cut by the end of the last chunk. */
  private tail: Uint8Array = EMPTY;
  private atStart = true;

  /**
   * `prefix` followed by the text of `chunks`, as one flat string; `end` when no more bytes follow (a cut
   * character then decodes to U+FFFD, as in a whole-buffer decode).
   */
  decode(prefix: string, chunks: readonly Uint8Array[], end: boolean): string {
    const pre = prefix.length > 0 ? this.encoder.encode(prefix) : EMPTY;
    let bytes: Uint8Array;
    if (pre.length === 0 && this.tail.length === 0 && chunks.length === 1) bytes = chunks[0]!;
    else {
      let size = pre.length + this.tail.length;
      for (const c of chunks) size += c.length;
      bytes = new Uint8Array(size);
      bytes.set(pre);
      let o = pre.length;
      bytes.set(this.tail, o);
      o += this.tail.length;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.length;
      }
    }
    let start = pre.length; // where the new bytes begin
    if (this.atStart) {
      const k = Math.min(3, bytes.length - start);
      let bomPrefix = true;
      for (let i = 0; i < k; i++) if (bytes[start + i] !== BOM[i]) bomPrefix = false;
      if (bomPrefix && k < 3 && !end) {
        this.tail = bytes.slice(start);
        return prefix;
      }
      this.atStart = false;
      if (bomPrefix && k === 3) {
        // only the first chunk has no prefix, so the BOM is at the front
        bytes = bytes.subarray(3);
        start = 0;
      }
    }
    const cut = end ? bytes.length : completeEnd(bytes, start);
    this.tail = cut < bytes.length ? bytes.slice(cut) : EMPTY;
    return this.decoder.decode(cut < bytes.length ? bytes.subarray(0, cut) : bytes);
  }
}
