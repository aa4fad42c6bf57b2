/**
 * The contract between the train loop and a synchronous data-parallel strategy (TF's `train_distribute`, e.g.
 * `CollectiveAllReduceStrategy`): every replica computes the gradients of its own batch, the strategy averages them
 * across replicas, every replica applies the same average. The estimator owns where the calls happen; the strategy
 * (the gRPC all-reduce in `@estimatorjs/experiment/node`) owns the transport.
 */

/** What a replica's train loop tells the strategy when training starts. */
export interface DistributeStartContext {
  /** The global step this replica restored (every replica must start at the same one). */
  readonly globalStep: number;
  /** How many gradient values each step reduces (the same on every replica). */
  readonly numValues: number;
  /**
   * A digest of the trainable weights before the first step: replicas must start from the same weights (the same
   * checkpoint, or the same `randomSeed` for a fresh model).
   */
  readonly weightsDigest: number;
}

/** A synchronous data-parallel strategy, given as `RunConfig({ trainDistribute })`. */
export interface TrainDistribute {
  /** How many replicas train in sync (the chief and the workers). */
  readonly numReplicas: number;
  /** This replica's index in 0..numReplicas-1 (the chief is 0); the input is sharded by it. */
  readonly replicaIndex: number;
  /**
   * Whether the Estimator shards a Dataset the input_fn returns with `shard(numReplicas, replicaIndex)` (TF's
   * auto-sharding; default true). Turn off when the input_fn shards itself.
   */
  readonly autoShard?: boolean;
  /**
   * Waits until every other task is up, before this replica restores the latest checkpoint: a task that restarted
   * must not read the model directory while a stale incarnation of the chief may still write to it.
   */
  connect?(): Promise<void>;
  /** Waits until every replica started at the same global step; rejects naming the missing or mismatched ones. */
  start(context: DistributeStartContext): Promise<void>;
  /**
   * The element-wise mean of `values` over all replicas for `step` (the global step before the update). The caller
   * hands `values` over: the strategy may write the mean into it and resolve with it (no per-step copy of the
   * gradients), or resolve with a new array. It keeps no reference to `values` once it resolved: the caller reads
   * the next step's gradients into the same array where the backend allows. Rejects within a bounded time when a
   * peer died or hung.
   */
  allReduceMean(values: Float32Array, step: number): Promise<Float32Array>;
  /**
   * Optional: opens the all-reduce of `step` (the global step before the update) over a vector of `numValues`
   * gradient values before the backward pass, so the strategy can move each gradient while the rest are still being
   * computed (TF's overlap of the all-reduce with backprop). The Estimator then hands each value to it exactly once,
   * in pieces and in any order ({@link GradientExchange.add}), and awaits {@link GradientExchange.mean}. The vector's
   * layout is the one `allReduceMean` would get; the result must be the same. Strategies without it get
   * `allReduceMean` once the backward pass is done.
   */
  beginAllReduce?(numValues: number, step: number): GradientExchange;
  /** Training ended on this replica (`error` when it failed): tells the peers and frees the transport. */
  end(error?: unknown): Promise<void>;
}

/**
 * One step's all-reduce fed while the backward pass runs (`TrainDistribute.beginAllReduce`). The Estimator calls
 * `add` synchronously from inside the backward pass as each variable's gradient becomes final, so `add` must not
 * block: copy the values (the caller may reuse them at once) and move them off the calling thread.
 */
export interface GradientExchange {
  /** The final gradient values at `offset` of the step's vector; every value is added exactly once. */
  add(offset: number, values: Float32Array): void;
  /**
   * Every value was added: resolves with the element-wise mean over the replicas of the whole vector (the same
   * values and layout `allReduceMean` resolves with). The array is read at once by the caller, and may be reused by
   * the strategy from its next step on. Rejects within a bounded time when a peer died or hung.
   */
  mean(): Promise<Float32Array>;
}
