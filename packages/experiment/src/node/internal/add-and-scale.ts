// The arithmetic of the all-reduce's mean (collective-all-reduce.ts): a replica's values added into this one's, and
// divided by the replica count in the round that completes them.

/**
 * `v[at + i] = v[at + i] + add[i]`, divided by `divisor` when `divide`. One monomorphic top-level loop, so V8 optimizes
 * it once for every call: inline in the ring's closure it ran at a few ns a value (about 3 ms a step for the CNN).
 */
export function addAndScale(v: Float32Array, at: number, add: Float32Array, divisor: number, divide: boolean): void {
  const n = add.length;
  if (divide && (divisor & (divisor - 1)) === 0) {
    // Dividing by a power of two is exact, so it is the same bits as multiplying by its reciprocal (and much cheaper).
    const scale = 1 / divisor;
    let i = 0;
    // Four at a time: fewer loop checks per value (about a third faster here); the same operations on every value.
    for (; i + 3 < n; i += 4) {
      const a0 = v[at + i]! + add[i]!;
      const a1 = v[at + i + 1]! + add[i + 1]!;
      const a2 = v[at + i + 2]! + add[i + 2]!;
      const a3 = v[at + i + 3]! + add[i + 3]!;
      v[at + i] = a0 * scale;
      v[at + i + 1] = a1 * scale;
      v[at + i + 2] = a2 * scale;
      v[at + i + 3] = a3 * scale;
    }
    for (; i < n; i++) v[at + i] = (v[at + i]! + add[i]!) * scale;
  } else if (divide) {
    for (let i = 0; i < n; i++) v[at + i] = (v[at + i]! + add[i]!) / divisor;
  } else {
    for (let i = 0; i < n; i++) v[at + i] = v[at + i]! + add[i]!;
  }
}
