import { describe, expect, it } from 'vitest';
import { formatCheckpointState, parseCheckpointState } from './checkpoint-state.js';

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
