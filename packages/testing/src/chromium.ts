/**
 * Debian's Chromium for the browser suites: one place for its path, its flags and how a suite finds it, so the
 * board's and the integration tests' pages run in the same browser the same way.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Tool } from './require-tool.js';

/** Debian's Chromium (.ci/run installs it with apt); playwright-core never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no network chatter, WebGL and WebGPU on SwiftShader. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

/** Chromium as a tool of describeWithTool: a missing one skips visibly (and fails under CI=true). */
export function chromiumTool(): Tool {
  return {
    name: `Chromium (${CHROMIUM})`,
    missing: existsSync(CHROMIUM) ? null : `${CHROMIUM} does not exist`,
    install: 'apt-get install chromium',
  };
}

/** Launches Debian's Chromium headless with {@link CHROMIUM_ARGS}. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}
