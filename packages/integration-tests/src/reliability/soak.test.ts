import { describe, expect, it } from 'vitest';
import { runChild } from './helpers.js';

// The bounded form of `pnpm soak` (20,000 steps): a few hundred steps with checkpoints and summaries on disk.
// numTensors must be exactly flat after warm-up. RSS over so few steps is dominated by allocator noise, so the
// bound here is looser than the full soak's 5%.
describe('soak (bounded)', () => {
  it('600 MLP steps with checkpoints and summaries: numTensors flat, RSS steady after warm-up', async () => {
    const result = await runChild('soak.mjs', { steps: 600, maxRssGrowth: 0.15 }, undefined, ['--expose-gc']);
    const report = JSON.parse(result.lines.at(-1) ?? '{}');
    console.log('soak (bounded):', report);
    expect(result.code, result.stderr).toBe(0);
    expect(report.tensorCounts).toHaveLength(1);
    expect(report.rssGrowth).toBeLessThan(0.15);
  }, 60_000);
});
