import { describe, expect, it } from 'vitest';
import { acceptsScalar } from './run-values.js';
import { type ScalarSeries, scalarSink } from './scalar-series.js';

describe('scalarSink', () => {
  it('files exactly the points acceptsScalar takes, point by point, whatever order plugins become known in', () => {
    // The sink remembers each tag's first plugin; the reference asks acceptsScalar (the rule itself) every point.
    // Plugins also arrive from decoded events in between (as notePlugins files them), which the sink must see.
    const tags = ['loss', 'acc', 'hist', 'bare'];
    const choices: [plugin: string, tensor: boolean][] = [
      ['', false],
      ['', true],
      ['scalars', true],
      ['histograms', true],
      ['scalars', false],
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n); // the high bits: the low ones of this LCG repeat quickly
    };
    const plugins = new Map<string, string>();
    const scalars = new Map<string, ScalarSeries>();
    const sink = scalarSink(plugins, scalars);
    const refPlugins = new Map<string, string>();
    const want = new Map<string, number[]>();
    for (let step = 0; step < 2000; step++) {
      const tag = tags[rand(tags.length)]!;
      if (rand(50) === 0) {
        // an event (a histogram, say) names the tag's plugin first
        const p = rand(2) ? 'histograms' : 'scalars';
        for (const m of [plugins, refPlugins]) if (!m.has(tag)) m.set(tag, p);
        continue;
      }
      const [plugin, tensor] = choices[rand(choices.length)]!;
      sink(tag, step, 0, step / 2, plugin, tensor);
      if (acceptsScalar(refPlugins, tag, plugin, tensor)) want.set(tag, [...(want.get(tag) ?? []), step]);
    }
    expect(plugins).toEqual(refPlugins);
    const got = new Map([...scalars].map(([tag, s]) => [tag, Array.from({ length: s.length }, (_, i) => s.at(i)[0])]));
    expect(got).toEqual(want);
    // Every tag took some points and some were refused: both branches ran.
    expect([...want.values()].reduce((n, a) => n + a.length, 0)).toBeLessThan(2000 - 10);
    expect(want.size).toBe(tags.length);
  });

  it('sees a plugin an event names after the tag was already filed', () => {
    // TF 2: `w` first comes as a simple_value (no plugin), then a histogram event names `histograms`; from then on
    // a bare tensor of `w` is a histogram's, not a scalar, while simple_values still are scalars.
    const plugins = new Map<string, string>();
    const scalars = new Map<string, ScalarSeries>();
    const sink = scalarSink(plugins, scalars);
    sink('w', 1, 0, 0.5, '', false);
    sink('w', 2, 0, 0.5, '', true);
    plugins.set('w', 'histograms');
    sink('w', 3, 0, 0.5, '', true);
    sink('w', 4, 0, 0.5, '', false);
    sink('w', 5, 0, 0.5, '', true);
    const w = scalars.get('w')!;
    expect(Array.from({ length: w.length }, (_, i) => w.at(i)[0])).toEqual([1, 2, 4]);
  });
});
