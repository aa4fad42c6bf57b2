/**
 * Test oracle: CRC-32C (Castagnoli) and TFRecord's masked CRC, bit by bit.
 *
 * Deliberately a second, independent implementation: production code (@estimatorjs/io) is table driven and
 * tested against published check values; this one is the slowest obvious form of the definition (reflected
 * polynomial 0x82F63B78, one bit at a time), so a shared mistake between the two is unlikely. Never import the
 * production CRC here, and never use this one in production.
 */

const POLY = 0x82f63b78;

/** CRC-32C of `bytes[start, end)`. The CRC-32C of "123456789" is 0xE3069283 (RFC 3720, B.4). */
export function oracleCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLY : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask: rotate right by 15 bits, add 0xA282EAD8 (TensorFlow's lib/hash, `Mask()`). */
export function oracleMaskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const c = oracleCrc32c(bytes, start, end);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
