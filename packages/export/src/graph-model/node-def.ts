import type { TracedDType, TracedNode, TracedTensor } from '@estimatorjs/estimator';
import type { AttrValue } from './tf-attrs.js';

/** A TF `NodeDef` in the JSON form of model.json's `modelTopology.node`. */
export interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: Readonly<Record<string, AttrValue>>;
}

/** What a kernel mapping sees of the graph and how it adds nodes (see kernel-to-tf.ts). */
export interface EmitContext {
  readonly node: TracedNode;
  /** The TF tensor reference (`name` or `name:1`) of the kernel's input `inputName`. */
  input(inputName: string): string;
  has(inputName: string): boolean;
  /** Tensor info of the kernel's input `inputName`. */
  inputTensor(inputName: string): TracedTensor;
  /** Tensor info of the kernel's output `i`. */
  output(i?: number): TracedTensor;
  /** Adds a Const node (a weight in the shard) and returns its name. */
  constant(suffix: string, dtype: TracedDType, shape: readonly number[], values: readonly number[]): string;
  /** Adds a node; `name` defaults to a fresh `<node name>/<op>`. Returns the node's name. */
  emit(op: string, input: readonly string[], attr: Record<string, AttrValue>, name?: string): string;
  /** Throws EXPORT_UNSUPPORTED_OP for this node. */
  unsupported(why: string): never;
}
