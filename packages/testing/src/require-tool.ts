/**
 * Suites that need a tool from outside the repository (Chromium, a dataset, root for a tmpfs, Python): they
 * skip visibly where the tool is missing, and fail under CI=true, where CI has promised to install the tool.
 *
 * A skipped suite keeps its tests (counted as skipped in the closing `N passed, N failed, N skipped` line) and its
 * title says what is missing and how to install it. Under CI the suite is replaced by one failing test that says
 * the same, so a green CI run means the promised suites ran. Never return early from a test instead.
 */

/** A tool a suite needs. */
export interface Tool {
  /** What is needed, as a person would name it: "Chromium (/usr/bin/chromium)". */
  readonly name: string;
  /** Why it cannot be used here, or null when it can. */
  readonly missing: string | null;
  /** How to get it: "apt-get install chromium". */
  readonly install: string;
}

/** What to do with a suite that needs `tool`: run it, skip it under a title that says why, or fail. */
export type ToolPlan =
  | { readonly action: 'run' }
  | { readonly action: 'skip'; readonly title: string }
  | { readonly action: 'fail'; readonly title: string; readonly message: string };

/** True when the environment says this is CI (`CI=true`, as .ci/run and the common CI services set it). */
export function runningInCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.CI === 'true';
}

/** Decides what happens to the suite `title` that needs `tool`. */
export function toolPlan(tool: Tool, title: string, ci: boolean = runningInCi()): ToolPlan {
  if (tool.missing === null) return { action: 'run' };
  const why = `${tool.name} is missing (${tool.missing}); install: ${tool.install}`;
  if (!ci) return { action: 'skip', title: `${title} [skipped: ${why}]` };
  return {
    action: 'fail',
    title: `${title} [CI promised ${tool.name}]`,
    message: `CI=true promises "${title}", but ${why}. Install it in .ci/run, or run without CI=true to skip.`,
  };
}

type Body = () => unknown;
/** The parts of vitest these helpers use; pass vitest's own so this package does not depend on a test runner. */
export interface TestApi {
  readonly describe: { (title: string, suite: () => void): void; skip: (title: string, suite: () => void) => void };
  readonly it: { (title: string, fn: Body, timeout?: number): void; skip: (title: string, fn: Body) => void };
}

/**
 * `describe(title, suite)` when every tool is there; otherwise a visibly skipped suite, or under CI one failing test.
 *
 *     describeWithTool({ describe, it }, chromium(), 'mnist-browser in Chromium', () => { ... });
 */
export function describeWithTool(api: TestApi, tools: Tool | readonly Tool[], title: string, suite: () => void): void {
  const plan = firstGap(tools, title);
  if (plan.action === 'run') api.describe(title, suite);
  else if (plan.action === 'skip') api.describe.skip(plan.title, suite);
  else api.describe(plan.title, () => failing(api, plan.message));
}

/** One test that needs `tool`: `it(title, fn)`, a visibly skipped test, or under CI a failing one. */
export function itWithTool(
  api: TestApi,
  tools: Tool | readonly Tool[],
  title: string,
  fn: Body,
  timeout?: number,
): void {
  const plan = firstGap(tools, title);
  if (plan.action === 'run') api.it(title, fn, timeout);
  else if (plan.action === 'skip') api.it.skip(plan.title, fn);
  else failing(api, plan.message, plan.title);
}

function firstGap(tools: Tool | readonly Tool[], title: string): ToolPlan {
  const list: readonly Tool[] = Array.isArray(tools) ? tools : [tools as Tool];
  const missing = list.find((t) => t.missing !== null);
  return missing === undefined ? { action: 'run' } : toolPlan(missing, title);
}

function failing(api: TestApi, message: string, title = 'the tools this suite needs are installed'): void {
  api.it(title, () => {
    throw new Error(message);
  });
}
