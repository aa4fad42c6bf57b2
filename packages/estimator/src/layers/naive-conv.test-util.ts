/**
 * Plain-loop reference implementations of TF's convolutions and pools (channels last, batch first), written from
 * TF's documented formulas — output size `ceil(in / s)` for 'same' and `ceil((in − (k − 1)·d) / s)` for 'valid',
 * padding `max((out − 1)·s + (k − 1)·d + 1 − in, 0)` split with the smaller half first — and independent of tfjs, to
 * check the layers against.
 */

export interface Arr {
  readonly shape: number[];
  readonly data: Float32Array | number[];
}

function strides(shape: readonly number[]): number[] {
  const out = Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

function* coords(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  for (let i = 0; i < n; i++) yield shape.map((d, j) => Math.floor(i / st[j]!) % d);
}

const at = (a: Arr, c: readonly number[]) => a.data[c.reduce((acc, v, j) => acc + v * strides(a.shape)[j]!, 0)]!;

export interface Geometry {
  readonly strides: number[];
  readonly dilation: number[];
  readonly padding: 'valid' | 'same';
}

function plan(inSize: number[], k: number[], g: Geometry): { out: number[]; before: number[] } {
  const eff = k.map((kk, d) => (kk - 1) * g.dilation[d]! + 1);
  const out = inSize.map((n, d) =>
    g.padding === 'same' ? Math.ceil(n / g.strides[d]!) : Math.ceil((n - eff[d]! + 1) / g.strides[d]!),
  );
  const before = inSize.map((n, d) =>
    g.padding === 'same' ? Math.floor(Math.max((out[d]! - 1) * g.strides[d]! + eff[d]! - n, 0) / 2) : 0,
  );
  return { out, before };
}

/** N-D convolution: x [B, ...S, C], w [...K, C, F] → [B, ...O, F]. */
export function naiveConv(x: Arr, w: Arr, g: Geometry): Arr {
  const dims = x.shape.length - 2;
  const S = x.shape.slice(1, -1);
  const K = w.shape.slice(0, dims);
  const [C, F] = w.shape.slice(dims) as [number, number];
  const { out, before } = plan(S, K, g);
  const shape = [x.shape[0]!, ...out, F];
  const data: number[] = [];
  for (const c of coords(shape)) {
    const [b, o, f] = [c[0]!, c.slice(1, -1), c[c.length - 1]!];
    let sum = 0;
    for (const k of coords(K)) {
      const pos = o.map((od, d) => od * g.strides[d]! - before[d]! + k[d]! * g.dilation[d]!);
      if (pos.some((p, d) => p < 0 || p >= S[d]!)) continue;
      for (let ci = 0; ci < C; ci++) sum += at(x, [b, ...pos, ci]) * at(w, [...k, ci, f]);
    }
    data.push(sum);
  }
  return { shape, data };
}

/** Depthwise 2-D convolution: x [B, H, W, C], w [kh, kw, C, M] → [B, OH, OW, C·M] (channel c·M + m). */
export function naiveDepthwise(x: Arr, w: Arr, g: Geometry): Arr {
  const S = x.shape.slice(1, -1);
  const K = w.shape.slice(0, 2);
  const [C, M] = w.shape.slice(2) as [number, number];
  const { out, before } = plan(S, K, g);
  const shape = [x.shape[0]!, ...out, C * M];
  const data: number[] = [];
  for (const c of coords(shape)) {
    const [b, o, ch] = [c[0]!, c.slice(1, -1), c[c.length - 1]!];
    const [ci, m] = [Math.floor(ch / M), ch % M];
    let sum = 0;
    for (const k of coords(K)) {
      const pos = o.map((od, d) => od * g.strides[d]! - before[d]! + k[d]! * g.dilation[d]!);
      if (pos.some((p, d) => p < 0 || p >= S[d]!)) continue;
      sum += at(x, [b, ...pos, ci]) * at(w, [...k, ci, m]);
    }
    data.push(sum);
  }
  return { shape, data };
}

/**
 * Transposed 2-D convolution (TF's conv2d_transpose): x [B, H, W, C], w [kh, kw, F, C] → [B, OH, OW, F] with
 * OH = H·s ('same') or H·s + max(k − s, 0) ('valid'); each input pixel scatters `x · w` onto the output.
 */
export function naiveConvTranspose(x: Arr, w: Arr, s: number[], padding: 'valid' | 'same'): Arr {
  const S = x.shape.slice(1, -1);
  const K = w.shape.slice(0, 2);
  const F = w.shape[2]!;
  const out = S.map((n, d) => (padding === 'same' ? n * s[d]! : n * s[d]! + Math.max(K[d]! - s[d]!, 0)));
  const before = S.map((n, d) => Math.floor(Math.max((n - 1) * s[d]! + K[d]! - out[d]!, 0) / 2));
  const shape = [x.shape[0]!, ...out, F];
  const data = Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  const st = strides(shape);
  for (const c of coords(x.shape)) {
    const [b, i, ci] = [c[0]!, c.slice(1, -1), c[c.length - 1]!];
    for (const k of coords(K)) {
      const pos = i.map((id, d) => id * s[d]! + k[d]! - before[d]!);
      if (pos.some((p, d) => p < 0 || p >= out[d]!)) continue;
      for (let f = 0; f < F; f++) {
        const flat = [b, ...pos, f].reduce((acc, v, j) => acc + v * st[j]!, 0);
        data[flat] = data[flat]! + at(x, c) * at(w, [...k, f, ci]);
      }
    }
  }
  return { shape, data };
}

/** N-D max or average pool of x [B, ...S, C]; an average counts only the window's real (unpadded) elements, as TF. */
export function naivePool(x: Arr, kind: 'max' | 'avg', k: number[], s: number[], padding: 'valid' | 'same'): Arr {
  const S = x.shape.slice(1, -1);
  const g = { strides: s, dilation: k.map(() => 1), padding };
  const { out, before } = plan(S, k, g);
  const shape = [x.shape[0]!, ...out, x.shape[x.shape.length - 1]!];
  const data: number[] = [];
  for (const c of coords(shape)) {
    const [b, o, ch] = [c[0]!, c.slice(1, -1), c[c.length - 1]!];
    let acc = kind === 'max' ? -Infinity : 0;
    let count = 0;
    for (const kk of coords(k)) {
      const pos = o.map((od, d) => od * s[d]! - before[d]! + kk[d]!);
      if (pos.some((p, d) => p < 0 || p >= S[d]!)) continue;
      const v = at(x, [b, ...pos, ch]);
      acc = kind === 'max' ? Math.max(acc, v) : acc + v;
      count++;
    }
    data.push(kind === 'max' ? acc : acc / count);
  }
  return { shape, data };
}
