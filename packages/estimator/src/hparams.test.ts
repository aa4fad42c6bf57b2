import { describe, expect, it } from 'vitest';
import { HParams } from './hparams.js';

describe('HParams', () => {
  it('parses overrides with the types of the defaults', () => {
    const h = new HParams({
      learning_rate: 0.002,
      batch_size: 128,
      optimizer: 'adam',
      nesterov: false,
      hidden_units: [256, 128],
    });
    h.parse('learning_rate=0.01, batch_size=64,optimizer=sgd,nesterov=true,hidden_units=[512,256,10]');
    expect(h.values()).toEqual({
      learning_rate: 0.01,
      batch_size: 64,
      optimizer: 'sgd',
      nesterov: true,
      hidden_units: [512, 256, 10],
    });
    expect(h.toString()).toBe('learning_rate=0.01,batch_size=64,optimizer=sgd,nesterov=true,hidden_units=[512,256,10]');
  });

  it('rejects unknown names, wrong types and malformed text', () => {
    const h = new HParams({ learning_rate: 0.002, hidden_units: [256] });
    expect(() => h.parse('lr=1')).toThrow(/unknown hyperparameter "lr" in "lr=1". Known: learning_rate, hidden_units/);
    expect(() => h.parse('learning_rat=1')).toThrow(
      /unknown hyperparameter "learning_rat" in "learning_rat=1"\. Did you mean "learning_rate"\?/,
    );
    expect(() => h.parse('learning_rate=fast')).toThrow(
      /could not parse hparam "learning_rate" of type float with value "fast"/,
    );
    expect(() => h.parse('hidden_units=3')).toThrow(
      /hidden_units is a list of int; expected \[a,b,...\]. Received "3"/,
    );
    expect(() => h.parse('learning_rate')).toThrow(/expected name=value pairs/);
  });

  it("keeps int and float apart as TF's documented example does", () => {
    // TF's HParams docstring: HParams(learning_rate=0.1, num_hidden_units=100); parse('learning_rate=0.3') works,
    // an int given 100.5 is a ValueError.
    const h = new HParams({ learning_rate: 0.1, num_hidden_units: 100 });
    expect([h.typeOf('learning_rate'), h.typeOf('num_hidden_units')]).toEqual(['float', 'int']);
    h.parse('learning_rate=0.3');
    expect(h.get('learning_rate')).toBe(0.3);
    expect(h.get('num_hidden_units')).toBe(100);
    expect(() => h.parse('num_hidden_units=100.5')).toThrow(
      /^HParams\.parse\(\): could not parse hparam "num_hidden_units" of type int with value "100\.5"\.$/,
    );
    expect(() => h.setHparam('num_hidden_units', 0.5)).toThrow(/num_hidden_units must be an int\. Received 0\.5/);
    // A float takes an integral number (Python casts int to float).
    h.parse('learning_rate=1');
    expect(h.get('learning_rate')).toBe(1);
    expect(h.typeOf('learning_rate')).toBe('float');
    h.parse('learning_rate=0.5');
    // An integral float default is declared, since JS writes 1.0 as 1.
    const d = new HParams({ lr: 1 }, { types: { lr: 'float' } });
    expect(d.parse('lr=0.25').get('lr')).toBe(0.25);
    expect(() => new HParams({ lr: 1 }, { types: { lrr: 'float' } })).toThrow(
      /unknown hyperparameter "lrr" \(in options\.types\)/,
    );
  });

  it('addHparam adds with a type, refuses an existing name; setHparam refuses unknown names', () => {
    const h = new HParams({ a: 1 })
      .addHparam('dropout', 0.5)
      .addHparam('layers', [64, 32])
      .addHparam('scale', 2, 'float');
    expect(h.values()).toEqual({ a: 1, dropout: 0.5, layers: [64, 32], scale: 2 });
    expect([h.typeOf('layers'), h.typeOf('scale')]).toEqual(['list of int', 'float']);
    expect(h.setHparam('scale', 2.5).get('scale')).toBe(2.5);
    expect(() => h.addHparam('a', 2)).toThrow(/hyperparameter "a" already exists \(type int\); use setHparam\(\)/);
    expect(() => h.setHparam('b' as never, 1)).toThrow(/HParams\.setHparam\(\): unknown hyperparameter "b"/);
    expect(() => h.setHparam('layers', [1.5])).toThrow(/layers must be a list of int\. Received \[1\.5\]/);
    expect(() => h.setHparam('dropout', '0.5' as never)).toThrow(/dropout must be a float\. Received "0\.5"/);
    expect(() => h.addHparam('bad name', 1)).toThrow(/must be an identifier/);
    expect(() => h.addHparam('mixed', [1, 'a'] as never)).toThrow(/a list whose elements all have one type/);
    h.delHparam('dropout');
    expect(Object.keys(h.values())).toEqual(['a', 'layers', 'scale']);
  });

  it('overrideFromDict and parseJson check every name and type and change nothing on an error', () => {
    const h = new HParams({ learning_rate: 0.1, batch_size: 32, optimizer: 'adam', units: [8, 4] });
    h.overrideFromDict({ learning_rate: 0.2, units: [16] });
    expect(h.values()).toEqual({ learning_rate: 0.2, batch_size: 32, optimizer: 'adam', units: [16] });
    expect(() => h.overrideFromDict({ learning_rate: 0.3, batch_size: 1.5 })).toThrow(
      /HParams\.overrideFromDict\(\): batch_size must be an int\. Received 1\.5/,
    );
    expect(h.get('learning_rate')).toBe(0.2);
    expect(() => h.overrideFromDict({ batchSize: 3 })).toThrow(
      /unknown hyperparameter "batchSize"\. Did you mean "batch_size"\?/,
    );
    h.parseJson('{"batch_size": 64, "optimizer": "sgd"}');
    expect(h.get('batch_size')).toBe(64);
    expect(() => h.parseJson('{"batch_size": 64.5}')).toThrow(/batch_size must be an int/);
    expect(() => h.parseJson('[1]')).toThrow(/expected a JSON object of name: value/);
    expect(() => h.parseJson('{oops')).toThrow(/HParams\.parseJson\(\): expected a JSON object\. Received "\{oops"/);
  });

  it('toJson round-trips through parseJson, with indent and sorted keys', () => {
    const h = new HParams({ z: 0.5, a: 3, flag: true, names: ['x', 'y'] });
    expect(h.toJson()).toBe('{"z":0.5,"a":3,"flag":true,"names":["x","y"]}');
    expect(h.toJson({ sortKeys: true, indent: 1 })).toBe(
      '{\n "a": 3,\n "flag": true,\n "names": [\n  "x",\n  "y"\n ],\n "z": 0.5\n}',
    );
    const copy = new HParams(
      { z: 0, a: 0, flag: false, names: [] as string[] },
      { types: { z: 'float', names: 'string' } },
    );
    copy.parseJson(h.toJson());
    expect(copy.values()).toEqual(h.values());
  });
});
