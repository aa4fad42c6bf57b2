/**
 * Ctrl-C (SIGINT) and SIGTERM for the CLI. The first signal during training stops it at the next step boundary,
 * so the final checkpoint is written and the event files are flushed and closed; nothing trains or evaluates after
 * that, and the process exits 128 + the signal number (130, 143), as shells expect. A signal outside training, or
 * a second one, exits at once: checkpoint writes are atomic, so an abandoned one leaves the previous checkpoint
 * the latest, and the event writers flush what they hold on exit.
 */
import type { Hook, RunContext } from '@estimatorjs/hooks';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof SIGNAL_NUMBERS;

/** Thrown at the start of any later train/evaluate call once a signal stopped training. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: HandledSignal) {
    super(`interrupted by ${signal}`);
  }
}

/** Installs the handlers; returns the hook to add to training (and evaluation) and the exit code to use, if any. */
export function handleInterrupts(log: (line: string) => void): { hook: Hook; exitCode: () => number | null } {
  let received: HandledSignal | null = null;
  let active = 0;
  const onSignal = (signal: HandledSignal) => {
    const code = 128 + SIGNAL_NUMBERS[signal];
    if (received !== null || active === 0) {
      log(`Received ${signal}: exiting now.`);
      process.exit(code);
    }
    received = signal;
    log(`Received ${signal}: stopping after this step and saving a checkpoint (send it again to exit at once).`);
  };
  for (const signal of Object.keys(SIGNAL_NUMBERS) as HandledSignal[]) process.on(signal, () => onSignal(signal));
  const hook: Hook = {
    begin() {
      if (received !== null) throw new InterruptedError(received);
      active += 1;
    },
    afterRun(ctx: RunContext) {
      if (received !== null && ctx.mode === 'train') ctx.requestStop(`received ${received}`);
    },
    end() {
      active -= 1;
    },
    onError() {
      active = Math.max(0, active - 1);
    },
  };
  return { hook, exitCode: () => (received === null ? null : 128 + SIGNAL_NUMBERS[received]) };
}
