import { invalidArgument } from './errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

/** The dtypes a {@link placeholder} may declare. */
export type PlaceholderDtype = 'float32' | 'int32' | 'string';

/** Options of {@link placeholder}. */
export interface PlaceholderOptions {
  /** The shape of one element (without the leading N). A flat feed is reshaped to `[N, ...shape]`. */
  readonly shape?: readonly number[];
  /** The dtype of the fed values; feeds of another array type are converted. Default: inferred from the feed. */
  readonly dtype?: PlaceholderDtype;
}

/**
 * A named column whose values arrive later through `InitializableIterator.initialize(feed)` (TF1's
 * `tf.placeholder` + `iterator.initializer` with a `feed_dict`).
 * @example
 *   const images: Placeholder = placeholder('images', { shape: [784] });
 *   const it = Dataset.fromTensorSlices(images).batch(32).makeInitializableIterator();
 */
export class Placeholder {
  /** The key under which `initialize()` expects this column's values. */
  readonly name: string;
  /** The shape of one element, if declared. */
  readonly shape: readonly number[] | undefined;
  /** The declared dtype, if any. */
  readonly dtype: PlaceholderDtype | undefined;
  constructor(name: string, opts: PlaceholderOptions = {}) {
    checkOptionKeys('placeholder()', opts, KNOWN_OPTIONS.placeholder);
    if (typeof name !== 'string' || name.length === 0) {
      throw invalidArgument(`placeholder(): expected a non-empty name string. Received ${JSON.stringify(name)}.`);
    }
    if (opts.shape && !opts.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw invalidArgument(
        `placeholder('${name}'): expected shape to be non-negative integers. Received [${opts.shape.join(', ')}].`,
      );
    }
    if (opts.dtype !== undefined && opts.dtype !== 'float32' && opts.dtype !== 'int32' && opts.dtype !== 'string') {
      throw invalidArgument(
        `placeholder('${name}'): expected dtype 'float32', 'int32' or 'string'. Received '${opts.dtype}'.`,
      );
    }
    this.name = name;
    this.shape = opts.shape ? [...opts.shape] : undefined;
    this.dtype = opts.dtype;
  }
}

/**
 * Declares a column to be fed at `initialize()` time.
 * @example
 *   const images = placeholder('images', { shape: [784] });
 *   const it = Dataset.fromTensorSlices(images).batch(32).makeInitializableIterator();
 *   await it.initialize({ images: new Float32Array(10 * 784) });
 */
export function placeholder(name: string, opts?: PlaceholderOptions): Placeholder {
  return new Placeholder(name, opts);
}
