import type { OpContext } from '../onnx-graph-builder.js';

/** Writes one traced kernel call as ONNX nodes (ending in the kernel's outputs), or refuses it. */
export type OpMapper = (ctx: OpContext) => void;
