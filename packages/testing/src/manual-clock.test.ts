import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires interval timers only when advanced, in time order, until cancelled', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    const stopA = clock.every(30, () => fired.push(`a@${clock.now()}`));
    clock.every(50, () => fired.push(`b@${clock.now()}`));
    expect(fired).toEqual([]);
    clock.advance(100);
    expect(fired).toEqual(['a@1030', 'b@1050', 'a@1060', 'a@1090', 'b@1100']);
    expect(clock.now()).toBe(1100);
    stopA();
    expect(clock.activeTimers).toEqual([50]);
    clock.advance(49);
    expect(fired).toHaveLength(5);
    clock.advance(1);
    expect(fired.at(-1)).toBe('b@1150');
    expect(() => clock.every(0, () => {})).toThrow(/ms must be > 0/);
  });
});
