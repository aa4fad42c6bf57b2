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
    expect(() => h.parse('learning_rate=fast')).toThrow(/learning_rate must be a number. Received "fast"/);
    expect(() => h.parse('hidden_units=3')).toThrow(/hidden_units is a list; expected \[a,b,...\]. Received "3"/);
    expect(() => h.parse('learning_rate')).toThrow(/expected name=value pairs/);
  });
});
