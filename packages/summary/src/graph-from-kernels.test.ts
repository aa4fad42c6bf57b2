import { describe, expect, it } from 'vitest';
import { encodeGraphDef } from './graph-def.js';
import { experimental_graphFromKernels } from './graph-from-kernels.js';

const t = (id: number, shape: number[], name?: string) => ({ id, shape, dtype: 'float32', ...(name ? { name } : {}) });

describe('experimental_graphFromKernels', () => {
  it('names kernels by the scope of their variables and wires them to their producers', () => {
    const x = t(1, [32, 4]);
    const k = t(2, [4, 3], 'dense/kernel');
    const b = t(3, [3], 'dense/bias');
    const mm = t(4, [32, 3]);
    const add = t(5, [32, 3]);
    const relu = t(6, [32, 3]);
    const k2 = t(7, [3, 1], 'out/kernel');
    const y = t(8, [32, 1]);
    const nodes = experimental_graphFromKernels([
      { kernelName: 'MatMul', inputs: { a: x, b: k }, outputs: [mm] },
      { kernelName: 'Add', inputs: { a: mm, b }, outputs: [add] },
      { kernelName: 'Relu', inputs: { x: add }, outputs: [relu] },
      { kernelName: 'MatMul', inputs: [relu, k2], outputs: [y] },
      { kernelName: 'Relu', inputs: { x: y }, outputs: [t(9, [32, 1])], scope: 'loss' },
    ]);
    expect(nodes.map((n) => [n.name, n.op, n.inputs ?? []])).toEqual([
      ['input', 'Placeholder', []],
      ['dense/kernel', 'VariableV2', []],
      ['dense/MatMul', 'MatMul', ['input', 'dense/kernel']],
      ['dense/bias', 'VariableV2', []],
      ['dense/Add', 'Add', ['dense/MatMul', 'dense/bias']],
      ['dense/Relu', 'Relu', ['dense/Add']],
      ['out/kernel', 'VariableV2', []],
      ['out/MatMul', 'MatMul', ['dense/Relu', 'out/kernel']],
      ['loss/Relu', 'Relu', ['out/MatMul']],
    ]);
    expect(nodes[2]!.outputShapes).toEqual([[32, 3]]);
    expect(() => encodeGraphDef(nodes)).not.toThrow();
  });

  it('makes repeated kernel names unique and refers to second outputs as name:1', () => {
    const a = t(1, [2]);
    const nodes = experimental_graphFromKernels([
      { kernelName: 'Split', inputs: [a], outputs: [t(2, [1]), t(3, [1])] },
      { kernelName: 'Neg', inputs: [t(3, [1])], outputs: [t(4, [1])] },
      { kernelName: 'Neg', inputs: [t(4, [1])], outputs: [t(5, [1])] },
    ]);
    expect(nodes.map((n) => [n.name, n.inputs ?? []])).toEqual([
      ['input', []],
      ['Split', ['input']],
      ['Neg', ['Split:1']],
      ['Neg_1', ['Neg']],
    ]);
    expect(() => encodeGraphDef(nodes)).not.toThrow();
  });
});
