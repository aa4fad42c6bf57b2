/**
 * The CLI as a person runs it (the built dist/cli.js): a short run on a small table in the penguins format (no
 * Debian package needed) trains, evaluates and exports; a bad table or flag is one line on stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempModelDir } from '@estimatorjs/testing';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve(__dirname, '..', 'dist', 'cli.js');
const { dir, cleanup } = tempModelDir('tabular-cli-');
afterAll(cleanup);

async function tabular(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('node', [cli, ...args], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

const HEADER = 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year';
const ROWS = [
  'Adelie,Torgersen,39.1,18.7,181,3750,male,2007',
  'Adelie,Dream,39.5,17.4,186,3800,female,2007',
  'Gentoo,Biscoe,46.1,13.2,211,4500,female,2007',
  'Chinstrap,Dream,46.5,17.9,192,3500,NA,2007',
  'Gentoo,Biscoe,50,16.3,230,5700,male,2007',
  'Chinstrap,Dream,50.0,19.5,196,3900,male,2007',
];
function writeTable(name: string, rows: string[]): string {
  writeFileSync(join(dir, name), `${[HEADER, ...rows, ...rows].join('\n')}\n`);
  return name;
}

describe('tabular CLI', () => {
  it('trains, evaluates and exports on a table given with --data', async () => {
    const data = writeTable('small.csv', ROWS);
    const r = await tabular('--data', data, '--model_dir', 'run', '--train_steps', '6', '--batch_size', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('10 training rows, 2 evaluation rows (0 without body measurements left out)');
    expect(r.stdout).toMatch(/Evaluation after 6 steps \([\d.]+ s\): accuracy [\d.]+/);
    expect(r.stdout).toContain('pnpm board --logdir');
    const exports = readdirSync(join(dir, 'run', 'export'));
    expect(exports).toHaveLength(1);
    expect(existsSync(join(dir, 'run', 'export', exports[0]!, 'graph_model', 'model.json'))).toBe(true);
    expect(existsSync(join(dir, 'run', 'export', exports[0]!, 'vocabularies.json'))).toBe(true);
    const p = await tabular('predict', '--data', data, '--model_dir', 'run');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/\d+ of 2 evaluation rows predicted right\./);
  }, 120_000);

  it('a category outside the vocabulary is one line naming the file, the row and the column', async () => {
    const data = writeTable('bad.csv', [...ROWS.slice(0, 2), 'Adelie,Atlantis,39.5,17.4,186,3800,female,2007']);
    const r = await tabular('--data', data, '--model_dir', 'bad');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'tabular: error: bad.csv row 3: column \'island\' has "Atlantis", which is not in its vocabulary [Biscoe, Dream, Torgersen].',
    );
  });

  it('a missing table says how to get it; a bad flag exits 2', async () => {
    const r = await tabular('--data', 'nowhere.csv', '--model_dir', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `tabular: error: the table ${join(dir, 'nowhere.csv')} does not exist. Pass --data with an existing CSV file.`,
    );
    const f = await tabular('--train_steps', '0');
    expect(f.code).toBe(2);
    expect(f.stderr.trim().split('\n')).toHaveLength(1);
  });
});
