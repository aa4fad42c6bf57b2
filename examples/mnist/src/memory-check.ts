/**
 * A --batch_size the machine cannot hold fails before any data is loaded, with a message naming the flag, instead
 * of an allocation error (or the OS killing the process) deep inside the first training step.
 */
import { FlagError } from './flags.js';

/**
 * Bytes one training example needs in the reference model: the float32 activations of the input, conv1 (20
 * channels), pool1, conv2 (40), pool2 and the two dense layers, kept for the backward pass, with as much again for
 * their gradients and once more for the optimizer's temporaries. An estimate, deliberately generous.
 */
export const BYTES_PER_EXAMPLE =
  3 * 4 * (28 * 28 + 28 * 28 * 20 + 14 * 14 * 20 + 14 * 14 * 40 + 7 * 7 * 40 + 256 + 256 + 10);

/** Throws a FlagError when `batchSize` examples would need more than half of `totalBytes` of memory. */
export function checkBatchMemory(batchSize: number, totalBytes: number): void {
  const need = batchSize * BYTES_PER_EXAMPLE;
  if (need > totalBytes / 2) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new FlagError(
      `--batch_size ${batchSize} needs about ${gib(need)} per training step, more than half of this machine's ${gib(totalBytes)}; expected at most ${Math.floor(totalBytes / 2 / BYTES_PER_EXAMPLE)}. Use a smaller --batch_size.`,
    );
  }
}

/** True for the errors a failed large allocation throws in V8 and tfjs. */
export function allocationFailed(e: unknown): boolean {
  for (let x = e; x; x = (x as { cause?: unknown }).cause) {
    const m = String((x as { message?: unknown }).message ?? '');
    if (/Array buffer allocation failed|Invalid typed array length|out of memory|Cannot allocate memory/i.test(m))
      return true;
  }
  return false;
}
