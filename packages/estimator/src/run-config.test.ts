import { describe, expect, it } from 'vitest';
import { RunConfig } from './run-config.js';

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
