/**
 * The table checks on small tables written here (no Debian package needed): each bad input is one error naming the
 * file, the row and the column; the split and the normalizer statistics against hand computation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, TabularError } from './penguins.js';
import { loadTable } from './run.js';

const tmp = tempModelDir('estimatorjs-tabular-');
beforeAll(() => setupTestBackend('cpu'));
afterAll(() => tmp.cleanup());

const HEADER = 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year';
const GOOD = [
  'Adelie,Torgersen,39.1,18.7,181,3750,male,2007',
  'Adelie,Dream,39.5,17.4,186,3800,female,2007',
  'Adelie,Torgersen,NA,NA,NA,NA,NA,2007',
  'Gentoo,Biscoe,46.1,13.2,211,4500,female,2007',
  'Chinstrap,Dream,46.5,17.9,192,3500,NA,2007',
  'Gentoo,Biscoe,50,16.3,230,5700,male,2007',
];

let n = 0;
function table(lines: string[], header = HEADER): string {
  const path = join(tmp.dir, `t${n++}.csv`);
  writeFileSync(path, `${[header, ...lines].join('\n')}\n`);
  return path;
}

async function failure(p: Promise<unknown>): Promise<Error & { code: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error & { code: string };
}

describe('prepareTable', () => {
  it('splits every 5th row into evaluation, leaves out rows without measurements, and keeps training means/stds', async () => {
    const out = join(tmp.dir, 'split');
    const t = await prepareTable(table(GOOD), out);
    // rows 1..6: row 3 has no measurements, row 5 goes to evaluation
    expect([t.trainRows, t.evalRows, t.skippedRows]).toEqual([4, 1, 1]);
    expect(readFileSync(t.evalFile, 'utf8')).toBe(
      'species,island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\nChinstrap,Dream,NA,46.5,17.9,192,3500\n',
    );
    // flipper lengths of the training rows: 181, 186, 211, 230 → mean 202, population std √(1486/4)
    expect(t.stats.flipper_length_mm.mean).toBeCloseTo(202, 10);
    expect(t.stats.flipper_length_mm.std).toBeCloseTo(Math.sqrt((21 ** 2 + 16 ** 2 + 9 ** 2 + 28 ** 2) / 4), 10);
  });

  it('a column missing from the header names the column and the file', async () => {
    const path = table(GOOD, HEADER.replace('island', 'isle'));
    const e = await failure(prepareTable(path, join(tmp.dir, 'x')));
    expect(e).toBeInstanceOf(TabularError);
    expect(e.code).toBe('MISSING_COLUMN');
    expect(e.message).toBe(
      `tabular: ${path}: column 'island' is not in the header [species, isle, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, sex, year]. Expected the columns species, island, sex, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g (Palmer penguins).`,
    );
  });

  it('a category outside the vocabulary names the file, the row and the column', async () => {
    const rows = [...GOOD];
    rows[3] = 'Gentoo,Atlantis,46.1,13.2,211,4500,female,2007';
    const path = table(rows);
    const e = await failure(prepareTable(path, join(tmp.dir, 'x')));
    expect(e.code).toBe('CATEGORY_NOT_IN_VOCABULARY');
    expect(e.message).toBe(
      `tabular: ${path.split('/').pop()} row 4: column 'island' has "Atlantis", which is not in its vocabulary [Biscoe, Dream, Torgersen].`,
    );
  });

  it('a label outside the nClasses classes names the file, the row and the label column', async () => {
    const path = table([...GOOD, 'Emperor,Biscoe,46.1,13.2,211,4500,female,2007']);
    const e = await failure(prepareTable(path, join(tmp.dir, 'x')));
    expect(e.code).toBe('LABEL_OUT_OF_RANGE');
    expect(e.message).toBe(
      `tabular: ${path.split('/').pop()} row 7: label column 'species' has "Emperor", which is not one of the 3 classes (nClasses) [Adelie, Chinstrap, Gentoo].`,
    );
  });

  it('a malformed CSV row names the file, the line and the first missing column', async () => {
    const rows = [...GOOD];
    rows[1] = 'Adelie,Dream,39.5,17.4,186,3800,female';
    const path = table(rows);
    const e = await failure(prepareTable(path, join(tmp.dir, 'x')));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(
      `csvDataset(): ${path} line 3: expected 8 fields (species, island, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, sex, year), found 7: column 'year' (field 8) and later are missing.`,
    );
  });

  it('a measurement that is not a number names the file, the row and the column', async () => {
    const rows = [...GOOD];
    rows[0] = 'Adelie,Torgersen,39.1,deep,181,3750,male,2007';
    const path = table(rows);
    const e = await failure(prepareTable(path, join(tmp.dir, 'x')));
    expect(e.message).toBe(
      `tabular: ${path.split('/').pop()} row 1: column 'bill_depth_mm' has "deep", which is not a number (or NA for a missing one).`,
    );
  });

  it('a table that does not exist says how to get it', async () => {
    const e = await failure(
      loadTable({
        data: '/usr/lib/R/site-library/palmerpenguins/extdata/nope.csv',
        modelDir: tmp.dir,
        trainSteps: 1,
        batchSize: 1,
        seed: 1,
        hparams: '',
      }),
    );
    expect(e.code).toBe('TABLE_MISSING');
    expect(e.message).toMatch(
      /^tabular: the table .*nope\.csv does not exist\. Pass --data with an existing CSV file\.$/,
    );
  });
});
