#!/usr/bin/env node
/**
 * The tabular example as a command line tool:
 *   pnpm tabular [train] --model_dir ./tabular_model --train_steps 1000 --data /path/to/penguins.csv
 *   pnpm tabular predict --model_dir ./tabular_model
 */
import { useBackend } from '@estimatorjs/backends';
import { parseFlags, usage } from './flags.js';
import { predict, train } from './run.js';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  if (flags.help) {
    log(usage());
    return;
  }
  const backend = await useBackend(flags.backend);
  log(`Backend: ${backend.name}`);
  if (flags.command === 'predict') {
    await predict(flags, log);
    return;
  }
  const started = Date.now();
  const { metrics, exportDir } = await train(flags, log);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  log('');
  log(
    `Evaluation after ${metrics.globalStep} steps (${secs} s): accuracy ${metrics.accuracy!.toFixed(4)}, average_loss ${metrics.average_loss!.toFixed(4)}.`,
  );
  log(`Exported: ${exportDir}/graph_model/model.json (island and sex as int32 ids: see vocabularies.json there)`);
  log(`TensorBoard: tensorboard --logdir ${flags.modelDir}   (no Python: pnpm board --logdir ${flags.modelDir})`);
  log(`Predictions: pnpm tabular predict --model_dir ${flags.modelDir}`);
}

main().catch((e: unknown) => {
  const err = e as { message?: string; stack?: string; code?: string };
  // One line a person can act on; the stack only on request.
  console.error(
    `tabular: error: ${String(err?.message ?? e)
      .split('\n')[0]!
      .replace(/^tabular: /, '')}`,
  );
  if (process.env.ESTIMATORJS_DEBUG) console.error(err?.stack ?? e);
  process.exitCode = err?.code === 'BAD_FLAG' ? 2 : 1;
});
