/**
 * FarmHash's `Fingerprint64` (`farmhashna::Hash64`), the hash TF's `StringToHashBucketFast` uses, so a string lands
 * in the same hash bucket here as in TF (`categoricalColumnWithHashBucket`). 64-bit arithmetic in BigInt; the
 * strings of tabular features are short, and the per-batch cost is dominated by tensor work anyway.
 * Owns: the hash of a byte string. Does not own: bucketing (feature columns do `hash % buckets`).
 */

const MASK = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (...xs: bigint[]): bigint => xs.reduce((s, x) => s + x, 0n) & MASK;
const rotate = (v: bigint, shift: bigint): bigint => (shift === 0n ? v : ((v >> shift) | (v << (64n - shift))) & MASK);
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

function fetch64(s: Uint8Array, i: number): bigint {
  let r = 0n;
  for (let k = 7; k >= 0; k--) r = (r << 8n) | BigInt(s[i + k]!);
  return r;
}

function fetch32(s: Uint8Array, i: number): bigint {
  return BigInt((s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) >>> 0);
}

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array): bigint {
  const len = s.length;
  const n = BigInt(len);
  if (len >= 8) {
    const m = add(K2, n * 2n);
    const a = add(fetch64(s, 0), K2);
    const b = fetch64(s, len - 8);
    const c = add(mul(rotate(b, 37n), m), a);
    const d = mul(add(rotate(a, 25n), b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) {
    const m = add(K2, n * 2n);
    const a = fetch32(s, 0);
    return hashLen16(add(n, a << 3n), fetch32(s, len - 4), m);
  }
  if (len > 0) {
    const a = BigInt(s[0]!);
    const b = BigInt(s[len >> 1]!);
    const c = BigInt(s[len - 1]!);
    const y = (a + (b << 8n)) & 0xffffffffn;
    const z = (n + (c << 2n)) & 0xffffffffn;
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array): bigint {
  const len = s.length;
  const m = add(K2, BigInt(len) * 2n);
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  return hashLen16(add(rotate(add(a, b), 43n), rotate(c, 30n), d), add(a, rotate(add(b, K2), 18n), c), m);
}

function hashLen33to64(s: Uint8Array): bigint {
  const len = s.length;
  const m = add(K2, BigInt(len) * 2n);
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  const y = add(rotate(add(a, b), 43n), rotate(c, 30n), d);
  const z = hashLen16(y, add(a, rotate(add(b, K2), 18n), c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(add(y, fetch64(s, len - 32)), m);
  const h = mul(add(z, fetch64(s, len - 24)), m);
  return hashLen16(add(rotate(add(e, f), 43n), rotate(g, 30n), h), add(e, rotate(add(f, a), 18n), g), m);
}

/** FarmHash's `WeakHashLen32WithSeeds` on the 32 bytes at `i`: a pair of 64-bit values. */
function weakHashLen32(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = fetch64(s, i);
  const x = fetch64(s, i + 8);
  const y = fetch64(s, i + 16);
  const z = fetch64(s, i + 24);
  let a = add(a0, w);
  let b = rotate(add(b0, a, z), 21n);
  const c = a;
  a = add(a, x, y);
  b = add(b, rotate(a, 44n));
  return [add(a, z), add(b, c)];
}

/** `Fingerprint64(bytes)` as an unsigned 64-bit BigInt (FarmHash's `farmhashna::Hash64`, seed 81 for long inputs). */
export function fingerprint64(s: Uint8Array): bigint {
  const len = s.length;
  if (len <= 16) return hashLen0to16(s);
  if (len <= 32) return hashLen17to32(s);
  if (len <= 64) return hashLen33to64(s);
  const seed = 81n;
  let x = seed;
  let y = add(mul(seed, K1), 113n);
  let z = mul(shiftMix(add(mul(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add(mul(x, K2), fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  let p = 0;
  do {
    x = mul(rotate(add(x, y, v[0], fetch64(s, p + 8)), 37n), K1);
    y = mul(rotate(add(y, v[1], fetch64(s, p + 48)), 42n), K1);
    x ^= w[1];
    y = add(y, v[0], fetch64(s, p + 40));
    z = mul(rotate(add(z, w[0]), 33n), K1);
    v = weakHashLen32(s, p, mul(v[1], K1), add(x, w[0]));
    w = weakHashLen32(s, p + 32, add(z, w[1]), add(y, fetch64(s, p + 16)));
    [z, x] = [x, z];
    p += 64;
  } while (p !== end);
  const m = add(K1, (z & 0xffn) << 1n);
  p = last64;
  w[0] = add(w[0], BigInt((len - 1) & 63));
  v[0] = add(v[0], w[0]);
  w[0] = add(w[0], v[0]);
  x = mul(rotate(add(x, y, v[0], fetch64(s, p + 8)), 37n), m);
  y = mul(rotate(add(y, v[1], fetch64(s, p + 48)), 42n), m);
  x ^= mul(w[1], 9n);
  y = add(y, mul(v[0], 9n), fetch64(s, p + 40));
  z = mul(rotate(add(z, w[0]), 33n), m);
  v = weakHashLen32(s, p, mul(v[1], m), add(x, w[0]));
  w = weakHashLen32(s, p + 32, add(z, w[1]), add(y, fetch64(s, p + 16)));
  [z, x] = [x, z];
  return hashLen16(add(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0), z), add(hashLen16(v[1], w[1], m), x), m);
}

const encoder = new TextEncoder();

/** TF's `StringToHashBucketFast`: `Fingerprint64(utf8(s)) mod buckets`. */
export function stringToHashBucketFast(s: string, buckets: number): number {
  return Number(fingerprint64(encoder.encode(s)) % BigInt(buckets));
}

const KMUL = 0xc6a4a7935bd1e995n;

/** TF's `FingerprintCat64(fp1, fp2)`: combines two fingerprints (what `SparseCrossHashed` chains per crossed value). */
export function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  let r = fp1 ^ KMUL;
  r ^= mul(shiftMix(mul(fp2, KMUL)), KMUL);
  r = mul(r, KMUL);
  r = mul(shiftMix(r), KMUL);
  return shiftMix(r);
}

/** TF's `sparse_ops._DEFAULT_HASH_KEY`, the `hash_key` of crossed columns. */
export const DEFAULT_HASH_KEY = 0xdecafcaffen;

/** The fingerprint of one crossed value as TF's cross reads it: strings hashed, integers taken as their int64 bits. */
export function crossValueFingerprint(v: string | number): bigint {
  if (typeof v === 'string') return fingerprint64(encoder.encode(v));
  return BigInt.asUintN(64, BigInt(v));
}

/**
 * TF's `SparseCrossHashed` for one combination of values: `FingerprintCat64` chained from `hashKey` over the values'
 * fingerprints, then `% buckets` (or `% int64 max` when `buckets` is 0, TF's way to keep it non-negative).
 */
export function hashedCross(values: readonly (string | number)[], buckets: number, hashKey = DEFAULT_HASH_KEY): bigint {
  let h = hashKey;
  for (const v of values) h = fingerprintCat64(h, crossValueFingerprint(v));
  return buckets > 0 ? h % BigInt(buckets) : h % ((1n << 63n) - 1n);
}
