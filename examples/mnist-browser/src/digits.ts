/** The page's digits: `mnist-digits.bin` (written by the Vite plugin) unpacked into the CLI's train/eval sets. */
import type { getTrainInputs } from 'mnist-example';

/** A set of images ([N, 784] floats in [0, 1]) and labels, as the shared input functions take them. */
export type DigitSet = Parameters<typeof getTrainInputs>[0];

/** The train and eval sets. */
export interface Digits {
  readonly train: DigitSet;
  readonly eval: DigitSet;
}

/** Thrown when the digits file is missing or malformed. */
export class DigitsError extends Error {
  readonly code = 'MNIST_DIGITS';
}

/** Unpacks the bytes of `mnist-digits.bin` (see mnist-digits-plugin.ts for the layout). */
export function unpackDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MNDG' || bytes.length < 12) {
    throw new DigitsError(
      `unpackDigits(): expected a file starting with 'MNDG'; received ${bytes.length} bytes starting with ${JSON.stringify(magic)}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const trainCount = view.getUint32(8, true);
  if (bytes.length !== 12 + count * 785 || trainCount > count) {
    throw new DigitsError(
      `unpackDigits(): the header says ${count} digits (${trainCount} train), which needs ${12 + count * 785} bytes; received ${bytes.length}.`,
    );
  }
  const slice = (from: number, to: number): DigitSet => {
    const n = to - from;
    const labels = new Int32Array(n);
    const images = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) labels[i] = bytes[12 + from + i]!;
    const px = 12 + count + from * 784;
    for (let p = 0; p < n * 784; p++) images[p] = bytes[px + p]! / 255;
    return { images, labels, count: n };
  };
  return { train: slice(0, trainCount), eval: slice(trainCount, count) };
}

/** Fetches and unpacks the digits served next to the page. */
export async function loadDigits(url: string): Promise<Digits> {
  const res = await fetch(url);
  if (!res.ok)
    throw new DigitsError(
      `loadDigits(): GET ${url} answered ${res.status} ${res.statusText}; is the page served by Vite (pnpm --filter mnist-browser dev)?`,
    );
  return unpackDigits(new Uint8Array(await res.arrayBuffer()));
}
