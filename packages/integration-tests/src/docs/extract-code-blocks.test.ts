import { describe, expect, it } from 'vitest';
import { docPrograms, extractCodeBlocks } from './code-blocks.js';

const page = [
  '# Title', //                                  1
  '', //                                         2
  '```ts runnable', //                           3
  "import * as tf from '@tensorflow/tfjs-core';", // 4
  '```', //                                      5
  'Prose with ```` ```ts ```` inline.', //       6
  '```sh', //                                    7
  'pnpm test', //                                8
  '```', //                                      9
  '- a list item:', //                           10
  '  ```typescript', //                          11
  '  const a = 1;', //                           12
  '  ```', //                                    13
  '~~~js no-check', //                           14
  'pseudo(code)', //                             15
  '~~~', //                                      16
  '```ts runnable', //                           17
  'console.log(tf.zeros([1]));', //              18
  'console.log(1);', //                          19
  '```', //                                      20
].join('\n');

describe('extractCodeBlocks', () => {
  const blocks = extractCodeBlocks('docs/page.md', page);

  it('finds ts/typescript/js blocks with their first code line, language and flag; skips other languages', () => {
    expect(blocks.map(({ line, language, kind, code }) => ({ line, language, kind, code }))).toEqual([
      { line: 4, language: 'ts', kind: 'runnable', code: "import * as tf from '@tensorflow/tfjs-core';" },
      { line: 12, language: 'ts', kind: 'fragment', code: 'const a = 1;' },
      { line: 15, language: 'js', kind: 'no-check', code: 'pseudo(code)' },
      { line: 18, language: 'ts', kind: 'runnable', code: 'console.log(tf.zeros([1]));\nconsole.log(1);' },
    ]);
  });

  it("joins a page's runnable blocks into one program and maps its lines back to the page", () => {
    const programs = docPrograms(blocks);
    const [fragment, program] = programs;
    expect(programs).toHaveLength(2);
    expect(fragment!.name).toBe('docs/page.md:12');
    expect(program!.runnable).toBe(true);
    expect(program!.code.split('\n')).toHaveLength(3);
    expect([0, 1, 2].map((l) => program!.origin(l).line)).toEqual([4, 18, 19]);
  });
});
