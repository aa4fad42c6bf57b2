import { formatHParams } from '@estimatorjs/summary';
import { describe, expect, it } from 'vitest';
import { chartData, toCsv } from './chart-data.js';
import { type HistogramPoint, histogramData, ridgelineData, runTable } from './view-data.js';

describe('the page data', () => {
  it('joins runs on their steps, smoothed then raw, null where a run has no point', () => {
    const data = chartData(
      [
        {
          run: '.',
          points: [
            [1, 10, 2],
            [2, 11, 4],
            [3, 12, 6],
          ],
          start: 10,
        },
        { run: 'eval', points: [[2, 20, 1]], start: 20 },
      ],
      'step',
      0,
    );
    expect(data).toEqual([
      [1, 2, 3],
      [2, 4, 6],
      [2, 4, 6],
      [null, 1, null],
      [null, 1, null],
    ]);
    const relative = chartData(
      [
        {
          run: '.',
          points: [
            [5, 100, 1],
            [6, 103, 2],
          ],
          start: 100,
        },
      ],
      'relative',
      0,
    );
    expect(relative[0]).toEqual([0, 3]);
  });

  it('writes CSV rows with quoting', () => {
    expect(toCsv('a,b', [{ run: 'r"1', points: [[1, 2, 3]], start: 2 }])).toBe(
      'run,tag,step,wall_time,value\n"r""1","a,b",1,2,3\n',
    );
  });

  it('overlays the newest histograms on their bucket centres and tabulates the last values of each run', () => {
    const h = histogramData([
      [
        1,
        0,
        [
          [0, 1, 2],
          [1, 2, 3],
        ],
      ],
      [2, 0, [[0, 2, 5]]],
    ]);
    expect(h).toEqual({
      steps: [1, 2],
      data: [
        [0.5, 1, 1.5],
        [2, null, 3],
        [null, 5, null],
      ],
    });
    expect(
      runTable({
        '.': {
          loss: [
            [1, 0, 2],
            [5, 0, 0.5],
          ],
        },
        eval: { accuracy: [[5, 0, 0.9]] },
      }),
    ).toEqual({
      columns: ['run', 'last step', 'accuracy', 'loss'],
      hparams: [],
      rows: [
        ['.', 5, null, 0.5],
        ['eval', 5, 0.9, null],
      ],
    });
  });

  it("puts each run's hparams table (or its nearest parent run's) before its final metrics", () => {
    const table = (lr: number, opt: string) => formatHParams({ learning_rate: lr, optimizer: opt, batch: 32 })!;
    const t = runTable(
      {
        'lr_0.1': { loss: [[10, 0, 0.4]] },
        'lr_0.1/eval': { accuracy: [[10, 0, 0.8]] },
        'lr_0.01': { loss: [[10, 0, 0.9]] },
        other: { loss: [[3, 0, 1]] },
      },
      {
        'lr_0.1': {
          hparams: [
            [0, 0, table(0.5, 'sgd')],
            [5, 0, table(0.1, 'adam')],
          ],
        },
        'lr_0.01': { hparams: [[0, 0, table(0.01, 'adam')]] },
      },
    );
    expect(t.columns).toEqual(['run', 'batch', 'learning_rate', 'optimizer', 'last step', 'accuracy', 'loss']);
    expect(t.rows).toEqual([
      ['lr_0.01', 32, 0.01, 'adam', 10, null, 0.9],
      ['lr_0.1', 32, 0.1, 'adam', 10, null, 0.4], // the newest table wins (a later train() call)
      ['lr_0.1/eval', 32, 0.1, 'adam', 10, 0.8, null],
      ['other', null, null, null, 3, null, 1],
    ]);
  });
});

describe('ridgelineData', () => {
  it('turns each step into a line of bucket centres and counts, with the extents (by hand)', () => {
    const r = ridgelineData([
      [
        1,
        0,
        [
          [0, 2, 3],
          [2, 4, 1],
        ],
      ],
      [
        5,
        0,
        [
          [-1, 1, 7],
          [1, 3, 0],
        ],
      ],
    ]);
    expect(r).toEqual({
      steps: [1, 5],
      lines: [
        [
          [1, 3],
          [3, 1],
        ],
        [
          [0, 7],
          [2, 0],
        ],
      ],
      xMin: -1,
      xMax: 4,
      maxCount: 7,
    });
  });

  it('spreads at most maxSteps steps evenly, keeping the first and the newest', () => {
    const points = Array.from({ length: 100 }, (_, i): HistogramPoint => [i * 10, 0, [[0, 1, i]]]);
    expect(ridgelineData(points, 4).steps).toEqual([0, 330, 660, 990]);
  });
});
