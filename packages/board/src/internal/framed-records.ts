/**
 * Copies records out of TFRecord bytes as they are framed there (length, length CRC, data, data CRC), so they can
 * be kept and read again later with every CRC still checked (the persistent index keeps an event file's
 * records that are not scalar-only this way).
 */

/** TFRecord framing: 8-byte length + 4-byte length CRC, then the data, then a 4-byte data CRC. */
const FRAMING_BYTES = 16;

/** The records starting at `offsets` of `bytes` (each a whole record), concatenated. */
export function framedRecords(bytes: Uint8Array, offsets: readonly number[]): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const spans = offsets.map((at) => [at, at + FRAMING_BYTES + Number(view.getBigUint64(at, true))] as const);
  const out = new Uint8Array(spans.reduce((s, [a, b]) => s + b - a, 0));
  let pos = 0;
  for (const [a, b] of spans) {
    out.set(bytes.subarray(a, b), pos);
    pos += b - a;
  }
  return out;
}
