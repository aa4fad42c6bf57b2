import { describe, expect, it } from 'vitest';
import { describeWithTool, itWithTool, runningInCi, type TestApi, type Tool, toolPlan } from './require-tool.js';

const there: Tool = { name: 'Chromium (/usr/bin/chromium)', missing: null, install: 'apt-get install chromium' };
const gone: Tool = { ...there, missing: '/usr/bin/chromium does not exist' };

/** A recording stand-in for vitest's describe/it, to see what the helpers register. */
function recorder() {
  const calls: string[] = [];
  const bodies: (() => unknown)[] = [];
  const describe = Object.assign(
    (t: string, s: () => void) => {
      calls.push(`describe ${t}`);
      s();
    },
    {
      skip: (t: string) => calls.push(`describe.skip ${t}`),
    },
  );
  const it = Object.assign(
    (t: string, fn: () => unknown) => {
      calls.push(`it ${t}`);
      bodies.push(fn);
    },
    { skip: (t: string) => calls.push(`it.skip ${t}`) },
  );
  return { api: { describe, it } as TestApi, calls, bodies };
}

describe('toolPlan', () => {
  it('runs a suite whose tool is there, in CI or not', () => {
    expect(toolPlan(there, 'suite', false)).toEqual({ action: 'run' });
    expect(toolPlan(there, 'suite', true)).toEqual({ action: 'run' });
  });

  it('skips with a title that names the tool, why it is missing and how to install it', () => {
    expect(toolPlan(gone, 'browser suite', false)).toEqual({
      action: 'skip',
      title:
        'browser suite [skipped: Chromium (/usr/bin/chromium) is missing (/usr/bin/chromium does not exist); install: apt-get install chromium]',
    });
  });

  it('fails under CI, saying CI promised the suite', () => {
    const plan = toolPlan(gone, 'browser suite', true);
    expect(plan.action).toBe('fail');
    expect(plan).toMatchObject({ message: expect.stringMatching(/^CI=true promises "browser suite", but Chromium/) });
  });

  it('reads CI=true only', () => {
    expect(runningInCi({ CI: 'true' })).toBe(true);
    expect(runningInCi({ CI: '1' })).toBe(false);
    expect(runningInCi({})).toBe(false);
  });
});

describe('describeWithTool and itWithTool', () => {
  it('register the suite, a skipped suite, or (under CI) one failing test', () => {
    const ran = recorder();
    describeWithTool(ran.api, [there], 's', () => ran.api.it('t', () => 1));
    expect(ran.calls).toEqual(['describe s', 'it t']);

    const ci = process.env.CI;
    try {
      process.env.CI = 'false';
      const skipped = recorder();
      describeWithTool(skipped.api, [there, gone], 's', () => skipped.api.it('t', () => 1));
      itWithTool(skipped.api, gone, 't2', () => 1);
      expect(skipped.calls).toEqual([
        'describe.skip s [skipped: Chromium (/usr/bin/chromium) is missing (/usr/bin/chromium does not exist); install: apt-get install chromium]',
        expect.stringMatching(/^it\.skip t2 \[skipped: Chromium/),
      ]);

      process.env.CI = 'true';
      const failed = recorder();
      describeWithTool(failed.api, gone, 's', () => failed.api.it('t', () => 1));
      itWithTool(failed.api, gone, 't2', () => 1);
      expect(failed.calls).toEqual([
        'describe s [CI promised Chromium (/usr/bin/chromium)]',
        'it the tools this suite needs are installed',
        'it t2 [CI promised Chromium (/usr/bin/chromium)]',
      ]);
      for (const body of failed.bodies) expect(body).toThrow(/CI=true promises "(s|t2)", but Chromium/);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });
});
