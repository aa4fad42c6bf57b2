import { CheckpointError } from '../errors.js';

/** The contents of the `checkpoint` state file: the latest checkpoint prefix and every one still kept. */
export interface CheckpointState {
  readonly modelCheckpointPath: string;
  readonly allModelCheckpointPaths: readonly string[];
}

/** The state file's name, as in TF. */
export const CHECKPOINT_STATE_FILE = 'checkpoint';

/**
 * Formats the state file in TF's text-proto form so TF users' habits carry over.
 * @example
 *   formatCheckpointState({ modelCheckpointPath: 'model.ckpt-300', allModelCheckpointPaths: ['model.ckpt-300'] });
 *   // 'model_checkpoint_path: "model.ckpt-300"\nall_model_checkpoint_paths: "model.ckpt-300"\n'
 */
export function formatCheckpointState(state: CheckpointState): string {
  const lines = [`model_checkpoint_path: ${JSON.stringify(state.modelCheckpointPath)}`];
  for (const p of state.allModelCheckpointPaths) lines.push(`all_model_checkpoint_paths: ${JSON.stringify(p)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Parses the state file; `where` names it in errors.
 * @example
 *   const state = parseCheckpointState('model_checkpoint_path: "model.ckpt-300"', './model/checkpoint');
 *   console.log(state.modelCheckpointPath); // 'model.ckpt-300'
 */
export function parseCheckpointState(text: string, where: string): CheckpointState {
  let latest: string | null = null;
  const all: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*"((?:[^"\\]|\\.)*)"$/.exec(line);
    if (!m) {
      throw new CheckpointError(
        'CORRUPT_STATE_FILE',
        `Checkpoint state ${where}, line ${i + 1}: expected 'model_checkpoint_path: "…"' or 'all_model_checkpoint_paths: "…"'; received ${JSON.stringify(line.slice(0, 80))}.`,
      );
    }
    let value: string;
    try {
      value = JSON.parse(`"${m[2]}"`) as string;
    } catch {
      throw new CheckpointError(
        'CORRUPT_STATE_FILE',
        `Checkpoint state ${where}, line ${i + 1}: the quoted path is not a valid string (bad escape or control character); received ${JSON.stringify(line.slice(0, 80))}.`,
      );
    }
    if (m[1] === 'model_checkpoint_path') latest = value;
    else all.push(value);
  }
  if (latest === null) {
    throw new CheckpointError('CORRUPT_STATE_FILE', `Checkpoint state ${where}: no model_checkpoint_path line.`);
  }
  if (!all.includes(latest)) all.push(latest);
  return { modelCheckpointPath: latest, allModelCheckpointPaths: all };
}
