// docs/tf1-map.md cannot promise what is not there: every row's estimator-js names resolve in the public API of the
// package the row names (the built .d.ts files, as npm users get them), and a row for something estimator-js lacks
// says "does not exist". The conventions are in tf1-map.ts; the fixture tests show the check fails on a bad map.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiResolver } from './api-names.js';
import { cellSpans, parseMapTable, promisedCount, rowProblems, splitCells } from './tf1-map.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const map = readFileSync(join(repo, 'docs/tf1-map.md'), 'utf8');
const api = new ApiResolver(repo);

/** A one-row map in the real map's layout. */
const fixture = (ours: string, pkg: string) =>
  `# map\n\n| TensorFlow 1.x | estimator-js | package |\n|---|---|---|\n| \`tf.x\` | ${ours} | ${pkg} |\n`;
const problemsOf = (ours: string, pkg: string) => parseMapTable(fixture(ours, pkg)).flatMap((r) => rowProblems(r, api));

describe('docs/tf1-map.md', () => {
  const rows = parseMapTable(map);

  it('has its table', () => {
    expect(rows.length).toBeGreaterThan(60);
    expect(rows.reduce((n, r) => n + promisedCount(r), 0)).toBeGreaterThan(250);
  });

  it('every name a row promises exists in the package it names; absent rows say so', () => {
    expect(rows.flatMap((r) => rowProblems(r, api))).toEqual([]);
  });

  it('every name and option it checks would fail misspelled (the check is not vacuous for any of them)', () => {
    const survivors: string[] = [];
    let mutants = 0;
    for (const row of rows)
      for (const span of cellSpans(row.ours)) {
        if (span.kind !== 'name') continue;
        const misspelled = [span.text.replace(span.path.at(-1)!, (n) => `${n}Zz`)];
        // a key of a `Record` argument (`new HParams({ lr: 1 })`'s values) is free: any key is right
        const free = new Set(api.resolve(row.packages.length > 0 ? row.packages : api.packages, span, []).freeKeys);
        for (const { name } of span.keys)
          if (!free.has(name)) misspelled.push(span.text.replace(new RegExp(`\\b${name}\\b`), `${name}Zz`));
        for (const text of misspelled) {
          mutants++;
          const ours = row.ours.replace(span.text, text);
          if (rowProblems({ ...row, ours }, api).length === 0) survivors.push(`${row.line}: ${text}`);
        }
      }
    expect(mutants).toBeGreaterThan(300);
    expect(survivors).toEqual([]);
  });
});

describe('the map check itself', () => {
  it('splits cells on | but not on \\|', () => {
    expect(splitCells("| `a` | `mode: 'x' \\| 'y'` | data |")).toEqual(['`a`', "`mode: 'x' | 'y'`", 'data']);
  });

  it('reads a span as names, skipped forms and error codes', () => {
    const kinds = cellSpans(
      "`layers.dense / conv2d(x, 3, { padding })`, `.repeat()`, `await estimator.train(inputFn)`, `'ZLIB'`, `{ … }`, `tf.layers.dense`, `conv1d/kernel`, `UNSUPPORTED_OPTION`",
    ).map((s) => (s.kind === 'name' ? `${s.member ? '.' : ''}${s.path.join('.')}` : s.kind));
    expect(kinds).toEqual([
      'layers.dense',
      'conv2d',
      '.repeat',
      'estimator.train',
      'skip',
      'skip',
      'skip',
      'skip',
      'code',
    ]);
  });

  it('accepts names that exist: namespaces, statics, instance members, receivers, bare names in context', () => {
    expect(
      problemsOf(
        '`layers.conv1d / conv3d`, `metrics.precisionAtK(l, p, k)`, `recallAtK`, `Dataset.listFiles(p)`, `.batch(2)`, `new RunConfig({ tfConfig })`, `await estimator.train(fn)`, `ModeKeys.TRAIN / EVAL`',
        'estimator, data',
      ),
    ).toEqual([]);
    expect(problemsOf('`Hook` (`beforeRun`, `afterRun`), `ctx.requestStop(reason)`', 'hooks')).toEqual([]);
  });

  it('fails on a misspelled name wherever it is', () => {
    expect(problemsOf('`layers.conv1D`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`metrics.precisionAtK`, `recalAtK`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`layers.dense / conv2d / maxPool2d`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`Dataset.listFile(pattern)`', 'data')).toHaveLength(1);
    expect(problemsOf('`.shufle(10)`', 'data')).toHaveLength(1);
    expect(problemsOf('`await estimator.trian(fn)`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`ModeKeys.TRAIN / EVALUATE`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`NO_SUCH_ERROR_CODE`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`Reduction.NONE / SUM_OVER_BATCH_SIZES`', 'estimator')).toHaveLength(1);
    expect(problemsOf('`createFileWriter` (`@estimatorjs/summary/nod`)', 'summary')).toHaveLength(1);
  });

  it('fails on a name looked up in the wrong package', () => {
    expect(problemsOf('`Dataset.listFiles(p)`', 'estimator')).toHaveLength(1);
  });

  it('fails on an absent row that does not say so, and on a row that promises nothing', () => {
    expect(problemsOf('not here yet', '—')).toHaveLength(1);
    expect(problemsOf('does not exist (use `useLayer`)', '—')).toEqual([]);
    expect(problemsOf('does not exist (use `useLayr`)', '—')).toHaveLength(1);
    expect(problemsOf('same names', 'data')).toHaveLength(1);
    expect(problemsOf('does not exist', 'data')).toContain('tf1-map.md:5: says it does not exist but names a package');
  });

  it('fails on a code fragment that is no name, unless the cell marks it unchecked', () => {
    expect(problemsOf('`for await (const p of x)`', 'estimator')).toContain(
      'tf1-map.md:5: `for await (const p of x)` is neither a name nor a skipped form',
    );
    expect(
      problemsOf(
        '`ModeKeys.TRAIN`, `for await (const p of x)`<!-- unchecked: for await (const p of x) -->',
        'estimator',
      ),
    ).toEqual([]);
  });
});
