import { describe, expect, it } from 'vitest';
import { formatCheckpointState, parseCheckpointState } from './checkpoint/checkpoint-state.js';
import { checkFileName, MemoryStorage } from './checkpoint/storage.js';
import { HParams } from './hparams.js';
import { RunConfig } from './run-config.js';

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

describe('RunConfig', () => {
  it('has TF defaults and validates fields', () => {
    const c = new RunConfig({ modelDir: '/tmp/m' });
    expect([c.saveSummarySteps, c.saveCheckpointsSecs, c.saveCheckpointsSteps, c.keepCheckpointMax]).toEqual([
      100,
      600,
      undefined,
      5,
    ]);
    expect(c.replace({ saveCheckpointsSteps: 50 }).saveCheckpointsSecs).toBeUndefined();
    expect(() => new RunConfig({ saveCheckpointsSteps: 10, saveCheckpointsSecs: 5 })).toThrow(/not both/);
    expect(() => new RunConfig({ saveSummarySteps: 0 })).toThrow(/saveSummarySteps must be a number > 0. Received 0/);
    expect(() => new RunConfig({ keepCheckpointMax: -1 })).toThrow(/keepCheckpointMax must be an integer >= 0 or null/);
  });
});

describe('checkpoint state file', () => {
  it('round-trips TF text format', () => {
    const text =
      'model_checkpoint_path: "model.ckpt-300"\nall_model_checkpoint_paths: "model.ckpt-200"\nall_model_checkpoint_paths: "model.ckpt-300"\n';
    const state = parseCheckpointState(text, 'x');
    expect(state).toEqual({
      modelCheckpointPath: 'model.ckpt-300',
      allModelCheckpointPaths: ['model.ckpt-200', 'model.ckpt-300'],
    });
    expect(formatCheckpointState(state)).toBe(text);
  });
  it('names the file and line of a corrupt state file', () => {
    expect(() => parseCheckpointState('model_checkpoint_path: "a"\ngarbage', 'dir/checkpoint')).toThrow(
      /Checkpoint state dir\/checkpoint, line 2/,
    );
    expect(() => parseCheckpointState('', 'dir/checkpoint')).toThrow(/no model_checkpoint_path line/);
  });
});

describe('model directory names', () => {
  it('rejects names that would escape the directory', async () => {
    for (const bad of ['../x', '/etc/passwd', 'a/b', '..', '', 'C:evil', 'a\\b'])
      expect(() => checkFileName('t', bad), bad).toThrow(/is not allowed/);
    await expect(new MemoryStorage().writeAtomic('../up', 'x')).rejects.toThrow(/not allowed/);
  });
});
