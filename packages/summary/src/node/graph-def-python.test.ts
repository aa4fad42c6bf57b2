import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempModelDir } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { checkerPath, haveChecker } from './checker.test-util.js';
import { createFileWriter } from './create-file-writer.js';

// Decodes the GraphDef of an event file with the checker's own protobuf parser (independent of ours).
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

describe.skipIf(!haveChecker)('GraphDef bytes', () => {
  it('decode with an independent protobuf parser to the nodes we wrote', async () => {
    const { dir, cleanup } = tempModelDir('summary-graph-');
    try {
      const w = createFileWriter(dir);
      w.graph([
        { name: 'x', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 3]] },
        { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[3, 2]] },
        { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], dtype: 'float32' },
        { name: 'dense/Relu', op: 'Relu', inputs: ['dense/MatMul'], attr: { note: { s: 'hi' } } },
      ]);
      await w.close();
      const files = readdirSync(dir).map((f) => `${dir}/${f}`);
      const r = spawnSync('python3', ['-c', PY, dirname(checkerPath), ...files], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual([
        { name: 'x', op: 'Placeholder', inputs: [], attrs: { dtype: [6], _output_shapes: [1] } },
        { name: 'dense/kernel', op: 'VariableV2', inputs: [], attrs: { dtype: [6], _output_shapes: [1] } },
        { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], attrs: { T: [6] } },
        { name: 'dense/Relu', op: 'Relu', inputs: ['dense/MatMul'], attrs: { note: [2] } },
      ]);
    } finally {
      cleanup();
    }
  });
});
