/**
 * Finds the TypeScript/JavaScript code blocks of the repository's markdown (README.md, docs/*.md,
 * packages/*\/README.md) for the doc test. Owns: the fence syntax and the info-string flags. Does not own: compiling or
 * running them (code-blocks.test.ts).
 *
 * Flags after the language, e.g. ```` ```ts runnable ````:
 * - `runnable`: part of a complete program: the runnable blocks of one markdown file, in order, are that program (a
 *   guide can show it step by step). Type-checked and executed in a scratch directory, so relative paths land there.
 * - `fragment` (or no flag): type-checked only, with the ambient names of `doc-blocks-prelude.d.ts` in scope
 *   (`features`, `trainInputFn`, `estimator`, …), so a snippet can use what the text around it defined.
 * - `no-check`: neither, for pseudo-code that shows a shape rather than a program (say why in the text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LANGUAGES = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);

/** One code block of a markdown file. */
export interface CodeBlock {
  /** The markdown file, relative to the repository root. */
  readonly file: string;
  /** The 1-based line of the block's first code line in that file. */
  readonly line: number;
  readonly language: 'ts' | 'js';
  readonly kind: 'runnable' | 'fragment' | 'no-check';
  readonly code: string;
}

/** The code blocks of one markdown text. */
export function extractCodeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i]!);
    // CommonMark: a backtick fence's info string has no backticks (so ```` ```ts ```` in prose opens nothing)
    if (!open || (open[2]![0] === '`' && open[4]!.includes('`'))) continue;
    const [, indent, fence, lang, rest] = open as unknown as [string, string, string, string, string];
    const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end]!)) end++;
    const language = LANGUAGES.get(lang.toLowerCase());
    if (language) {
      const flags = rest.split(/\s+/).filter(Boolean);
      const kind = flags.includes('runnable') ? 'runnable' : flags.includes('no-check') ? 'no-check' : 'fragment';
      const code = lines
        .slice(i + 1, end)
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n');
      blocks.push({ file, line: i + 2, language: language as 'ts' | 'js', kind, code });
    }
    i = end;
  }
  return blocks;
}

/** The markdown files the doc test covers, relative to `repo`. */
export function markdownFiles(repo: string): string[] {
  const md = (dir: string) =>
    readdirSync(join(repo, dir))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => (dir === '.' ? f : `${dir}/${f}`));
  const packages = readdirSync(join(repo, 'packages'))
    .sort()
    .flatMap((p) => (readdirSync(join(repo, 'packages', p)).includes('README.md') ? [`packages/${p}/README.md`] : []));
  return ['README.md', ...md('docs'), ...packages];
}

/** Every code block of the covered markdown files. */
export function repositoryCodeBlocks(repo: string): CodeBlock[] {
  return markdownFiles(repo).flatMap((f) => extractCodeBlocks(f, readFileSync(join(repo, f), 'utf8')));
}

/** A program checked or run as one file: one block, or all runnable blocks of a markdown file in order. */
export interface DocProgram {
  /** Where it comes from, for test names: `docs/x.md:12`. */
  readonly name: string;
  readonly file: string;
  readonly language: 'ts' | 'js';
  readonly runnable: boolean;
  readonly code: string;
  /** The markdown position of a 0-based line of `code`. */
  readonly origin: (line: number) => { file: string; line: number };
}

/** Joins blocks into programs: each fragment alone, the runnable blocks of each file together. */
export function docPrograms(blocks: readonly CodeBlock[]): DocProgram[] {
  const programs: DocProgram[] = [];
  const join = (parts: readonly CodeBlock[], runnable: boolean): DocProgram => {
    const starts: number[] = [];
    let n = 0;
    for (const b of parts) {
      starts.push(n);
      n += b.code.split('\n').length;
    }
    const first = parts[0]!;
    return {
      name: `${first.file}:${first.line}`,
      file: first.file,
      language: first.language,
      runnable,
      code: parts.map((b) => b.code).join('\n'),
      origin: (line) => {
        let i = starts.length - 1;
        while (i > 0 && starts[i]! > line) i--;
        return { file: parts[i]!.file, line: parts[i]!.line + line - starts[i]! };
      },
    };
  };
  const runnableByFile = new Map<string, CodeBlock[]>();
  for (const b of blocks) {
    if (b.kind === 'fragment') programs.push(join([b], false));
    if (b.kind === 'runnable') runnableByFile.set(b.file, [...(runnableByFile.get(b.file) ?? []), b]);
  }
  for (const parts of runnableByFile.values()) programs.push(join(parts, true));
  return programs;
}
