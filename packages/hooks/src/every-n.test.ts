import { describe, expect, it } from 'vitest';
import { EveryN } from './every-n.js';

describe('EveryN', () => {
  it('triggers on the first step, then every N steps', () => {
    const t = new EveryN({ steps: 10 });
    const hits: number[] = [];
    for (let s = 0; s < 35; s++) {
      if (!t.shouldTrigger(s)) continue;
      hits.push(s);
      t.markTriggered(s);
    }
    expect(hits).toEqual([0, 10, 20, 30]);
  });
  it('triggers by seconds with an injected clock', () => {
    let now = 0;
    const t = new EveryN({ secs: 5 }, () => now);
    expect(t.shouldTrigger(0)).toBe(true);
    t.markTriggered(0);
    now = 4;
    expect(t.shouldTrigger(1)).toBe(false);
    now = 5.5;
    expect(t.shouldTrigger(2)).toBe(true);
  });
  it('rejects a bad schedule with a clear message', () => {
    expect(() => new EveryN({ steps: 0 })).toThrow(
      /everyN\(\): expected \{steps: n\} or \{secs: n\} with n > 0. Received \{"steps":0\}/,
    );
  });
});
