/**
 * Test helpers for the browser suite: build examples/mnist-browser with Vite, serve it with `vite preview` on
 * 127.0.0.1, and launch Debian's Chromium through playwright-core (never a downloaded browser).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumTool, type Tool } from '@estimatorjs/testing';

/** The shared launcher: Debian's Chromium with the project's flags (@estimatorjs/testing). */
export { launchChromium } from '@estimatorjs/testing';

/** The repository root. */
export const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** The browser example. */
export const EXAMPLE = join(REPO, 'examples/mnist-browser');

const VITE = join(EXAMPLE, 'node_modules/vite/bin/vite.js');

/** Runs `vite build` of the example into `outDir`; throws with Vite's output when it fails. */
export function buildPage(outDir: string): void {
  const r = spawnSync(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0)
    throw new Error(`vite build of examples/mnist-browser failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Bytes of every file under `dir` whose name ends with one of `exts`. */
export function bytesOf(dir: string, exts: readonly string[]): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (exts.some((e) => name.endsWith(e)) && statSync(path).isFile()) total += statSync(path).size;
  }
  return total;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** A running `vite preview` of a built page. */
export interface PreviewServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `vite preview` on 127.0.0.1 for `outDir` and waits until it answers. */
export async function previewPage(outDir: string): Promise<PreviewServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: EXAMPLE, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not answer on ${url} within 20 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Debian's Chromium and the example's Vite: what the browser suites need (see describeWithTool). */
export function browserTools(): Tool[] {
  return [
    chromiumTool(),
    { name: 'Vite', missing: existsSync(VITE) ? null : `${VITE} does not exist`, install: 'pnpm install' },
  ];
}

/** Starts `vite <args>` in `cwd` on a free port and waits until it answers; returns its URL and a stop function. */
export async function startVite(cwd: string, args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(cwd, 'node_modules/vite/bin/vite.js'),
      ...args,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) throw new Error(`vite ${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite ${args.join(' ')} did not answer on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  return { url, stop };
}
