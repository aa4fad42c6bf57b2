import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { expectEventFiles, itWithTool, tempModelDir, wireFields } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { pythonChecker } from './checker.test-util.js';
import { createFileWriter } from './create-file-writer.js';

interface DecodedNode {
  name: string;
  op: string;
  inputs: string[];
  /** Attribute name → the AttrValue field numbers present (6 = type, 1 = list, 2 = s ...). */
  attrs: Record<string, number[]>;
}

/** The nodes we write, and how an independent protobuf parser must see them (GraphDef field numbers from TF). */
const NODES = [
  { name: 'x', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 3]] },
  { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[3, 2]] },
  { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], dtype: 'float32' },
  { name: 'dense/Relu', op: 'Relu', inputs: ['dense/MatMul'], attr: { note: { s: 'hi' } } },
] as const;
const EXPECTED: DecodedNode[] = [
  { name: 'x', op: 'Placeholder', inputs: [], attrs: { dtype: [6], _output_shapes: [1] } },
  { name: 'dense/kernel', op: 'VariableV2', inputs: [], attrs: { dtype: [6], _output_shapes: [1] } },
  { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], attrs: { T: [6] } },
  { name: 'dense/Relu', op: 'Relu', inputs: ['dense/MatMul'], attrs: { note: [2] } },
];

async function writeGraph(dir: string): Promise<void> {
  const w = createFileWriter(dir);
  w.graph(NODES.map((n) => ({ ...n })) as Parameters<typeof w.graph>[0]);
  await w.close();
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytesOf = (fields: ReturnType<typeof wireFields>, n: number) =>
  fields.filter((f) => f.field === n).map((f) => f.value as Uint8Array);

/** GraphDef → nodes, with the test oracle's wire parser (@estimatorjs/testing), not our protobuf code. */
function decodeWithOracle(graphDef: Uint8Array): DecodedNode[] {
  return bytesOf(wireFields(graphDef), 1).map((nodeBytes) => {
    const node = wireFields(nodeBytes);
    const attrs: Record<string, number[]> = {};
    for (const entry of bytesOf(node, 5)) {
      const e = wireFields(entry);
      attrs[text(bytesOf(e, 1)[0]!)] = [...new Set(wireFields(bytesOf(e, 2)[0]!).map((f) => f.field))].sort();
    }
    return {
      name: text(bytesOf(node, 1)[0]!),
      op: text(bytesOf(node, 2)[0]!),
      inputs: bytesOf(node, 3).map(text),
      attrs,
    };
  });
}

describe('GraphDef bytes', () => {
  it("decode with the test oracle's protobuf parser to the nodes we wrote", async () => {
    const { dir, cleanup } = tempModelDir('summary-graph-');
    try {
      await writeGraph(dir);
      const graphs = expectEventFiles(dir, { strict: true }).runs['.']!.graphDefs;
      expect(graphs).toHaveLength(1);
      expect(decodeWithOracle(graphs[0]!)).toEqual(EXPECTED);
    } finally {
      cleanup();
    }
  });
});

// The same, with tfevents_check.py's own protobuf parser (a third implementation), where CI provides it.
const PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
import tfevents_check as t
out = []
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    for rec in t.iter_records(data):
        assert rec[0] == 'record' and rec[3], rec
        ev, _ = t.parse_message(rec[2])
        if 4 not in ev: continue
        g, _ = t.parse_message(ev[4][0][1])
        for _, nb in g.get(1, []):
            n, _ = t.parse_message(nb)
            attrs = {}
            for _, eb in n.get(5, []):
                e, _ = t.parse_message(eb)
                v, _ = t.parse_message(e[2][0][1])
                attrs[e[1][0][1].decode()] = sorted(v.keys())
            out.append({'name': n[1][0][1].decode(), 'op': n[2][0][1].decode(),
                        'inputs': [x.decode() for _, x in n.get(3, [])], 'attrs': attrs})
print(json.dumps(out))
`;

itWithTool(
  { describe, it },
  pythonChecker,
  "GraphDef bytes decode with tfevents_check.py's parser to the nodes we wrote",
  async () => {
    const { dir, cleanup } = tempModelDir('summary-graph-');
    try {
      await writeGraph(dir);
      const files = readdirSync(dir).map((f) => `${dir}/${f}`);
      const r = spawnSync('python3', ['-c', PY, dirname(pythonChecker.path!), ...files], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
    } finally {
      cleanup();
    }
  },
);
