import { describe, expect, it } from 'vitest';
import { collapseGraph } from './graph-model.js';

const nodes = [
  { name: 'x', op: 'Placeholder', inputs: [] },
  { name: 'dense/kernel', op: 'VariableV2', inputs: [] },
  { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'] },
  { name: 'dense/Relu', op: 'Relu', inputs: ['dense/MatMul:0'] },
  { name: 'loss', op: 'Mean', inputs: ['dense/Relu', '^x'] },
];

describe('collapseGraph', () => {
  it('shows a collapsed scope as one box with the edges crossing its border', () => {
    const g = collapseGraph(nodes, new Set());
    expect(g.nodes.map((n) => [n.id, n.scope, n.count])).toEqual([
      ['x', false, 1],
      ['dense', true, 3],
      ['loss', false, 1],
    ]);
    expect(g.edges).toEqual([
      ['x', 'dense'],
      ['dense', 'loss'],
      ['x', 'loss'],
    ]);
  });

  it('shows the ops of an expanded scope, with output indices and control marks stripped from the inputs', () => {
    const g = collapseGraph(nodes, new Set(['dense']));
    expect(g.nodes.map((n) => n.label)).toEqual([
      'x: Placeholder',
      'kernel: VariableV2',
      'MatMul: MatMul',
      'Relu: Relu',
      'loss: Mean',
    ]);
    expect(g.edges).toContainEqual(['dense/MatMul', 'dense/Relu']);
    expect(g.edges).toContainEqual(['dense/kernel', 'dense/MatMul']);
    expect(g.edges).toHaveLength(5);
  });
});
