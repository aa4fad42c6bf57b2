/**
 * What the board's browser tests share: the built bin started as `pnpm board` starts it, Debian's Chromium through
 * playwright-core (never a downloaded browser), and reading a chart's data back from the page.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumTool, type Tool } from '@estimatorjs/testing';
import type { Browser, Page } from 'playwright-core';

/** The shared launcher: Debian's Chromium with the project's flags (@estimatorjs/testing). */
export { launchChromium } from '@estimatorjs/testing';

export const PACKAGE = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const REPO = resolve(PACKAGE, '../..');
const CLI = join(PACKAGE, 'dist/cli.js');
const PAGE = join(PACKAGE, 'dist/page/index.html');

/** Chromium and the built board: a missing one skips the suites visibly (fails under CI=true). */
export const pageTools: Tool[] = [
  chromiumTool(),
  {
    name: 'the built board (dist/cli.js, dist/page)',
    missing: existsSync(CLI) && existsSync(PAGE) ? null : `${CLI} or ${PAGE} does not exist`,
    install: 'pnpm --filter @estimatorjs/board build (turbo runs it before the tests)',
  },
];

/**
 * Starts the bin as `pnpm board` does (`estimatorjs-board --logdir DIR`), on a free port, with its persistent index
 * in a temporary directory (removed by `stop`), and waits for the URL it prints.
 */
export async function startCli(logdir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const indexDir = mkdtempSync(join(tmpdir(), 'board-index-'));
  const args = [CLI, '--logdir', logdir, '--port', '0', '--poll-ms', '200', '--index-dir', indexDir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((ok, fail) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) ok(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`estimatorjs-board exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        const finish = () => {
          rmSync(indexDir, { recursive: true, force: true });
          done();
        };
        if (child.exitCode !== null) return finish();
        child.once('exit', finish);
        child.kill('SIGTERM');
      }),
  };
}

export interface ChartView {
  series: string[];
  data: (number | null)[][];
}
export type BoardHook = {
  __board: {
    version: number;
    connected: boolean;
    progress: { files: number; indexed: number; done: boolean };
    chart(tag: string): ChartView | null;
    tags(): string[];
    runs(): string[];
  };
};

/** The series labels and uPlot data of the chart of `tag`, or null. */
export const chart = (page: Page, tag: string) =>
  page.evaluate((t) => (globalThis as unknown as BoardHook).__board.chart(t), tag);

/**
 * Opens the board at `url` and waits until the page is connected, the server's first read of the logdir is over,
 * and the page shows a chart of `tag`.
 */
export async function openBoard(browser: Browser, url: string, tag: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(
    (t) => {
      const b = (globalThis as unknown as Partial<BoardHook>).__board;
      return b?.connected === true && b.progress.done && b.chart(t) !== null;
    },
    tag,
    { timeout: 30_000 },
  );
  return { page, errors };
}
