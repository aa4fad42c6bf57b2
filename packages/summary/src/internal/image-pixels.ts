/** Converts tensor values to 8-bit pixels: floats are taken in [0, 1], integers in [0, 255]; both are clamped. */
export function toPixels(data: ArrayLike<number>, start: number, size: number, isFloat: boolean): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    let x = data[start + i]!;
    if (isFloat) x = x * 255;
    out[i] = Number.isNaN(x) ? 0 : x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
  }
  return out;
}
