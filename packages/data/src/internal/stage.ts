/**
 * What a Dataset transformation adds to its pipeline. The stage builders (`*-stages.ts`) check the arguments and
 * pick the stage; `Dataset._append()` attaches it. Keeping the builders out of the class keeps dataset.ts to the
 * public methods and their documentation.
 */
import type { Node, Producer } from './node.js';
import type { RowPlan } from './row-cursor.js';

/** The value of `Dataset.AUTOTUNE`, for builders that resolve counts without importing the class. */
export const AUTOTUNE = -1;

/**
 * A new stage: an element producer, or, for an in-memory slice pipeline, a step of its synchronous row-index plan.
 * `size` is the resulting cardinality.
 */
export type Stage =
  | { readonly producer: Producer; readonly size: number | null }
  | { readonly rows: RowPlan; readonly size: number | null };

/** The dataset a stage reads from, with its row plan when it is an in-memory slice pipeline. */
export interface Upstream extends Node {
  readonly _rows: RowPlan | null;
}
