// Docs that cannot rot: every ts/js code block of README.md, docs/*.md and packages/*/README.md is type-checked
// against the built workspace packages, and the `runnable` ones are executed (flags: src/docs/code-blocks.ts).
// The programs are written as files under .doc-blocks/ in this package, so module resolution finds @estimatorjs/*
// exactly as an application next to them would, and all of them are checked by one TypeScript program.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type DocProgram, docPrograms, repositoryCodeBlocks } from './code-blocks.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repo = resolve(pkg, '../..');
const out = join(pkg, '.doc-blocks');
const prelude = join(pkg, 'doc-blocks-prelude.d.ts');

const blocks = repositoryCodeBlocks(repo);
const programs = docPrograms(blocks);
const runnable = programs.filter((p) => p.runnable);

/** The file a program is written to; `ext` overrides its language's extension. */
const fileOf = (p: DocProgram, ext: string = p.language) => join(out, `${p.name.replace(/[/.:]/g, '_')}.${ext}`);

function writePrograms(): Map<string, DocProgram> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const byFile = new Map<string, DocProgram>();
  for (const p of programs) {
    const f = fileOf(p);
    writeFileSync(f, `${p.code}\n`);
    byFile.set(f, p);
  }
  return byFile;
}

function typeErrors(byFile: Map<string, DocProgram>): string[] {
  const base = ts.getParsedCommandLineOfConfigFile(
    join(repo, 'tsconfig.base.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, ' '));
      },
    },
  );
  const options: ts.CompilerOptions = {
    ...base!.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    allowJs: true,
    checkJs: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const program = ts.createProgram([...byFile.keys(), prelude], options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const owner = d.file ? byFile.get(resolve(d.file.fileName)) : undefined;
    if (!d.file || !owner) return `${d.file?.fileName ?? '(program)'}: TS${d.code} ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const at = owner.origin(line);
    return `${at.file}:${at.line}:${character + 1}: TS${d.code} ${text}`;
  });
}

/** What a program's page promises beyond "it runs": checked against its output and the files it wrote. */
const afterRun: Record<string, (stdout: string, cwd: string) => void> = {
  'docs/getting-started.md': (stdout, cwd) => {
    // the circle is learnable: a 2-16-2 net gets well past the 62% of always answering "outside"
    const accuracy = Number(/accuracy ([\d.]+)/.exec(stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(0.85);
    expect(stdout).toMatch(/Loss for final step: \d/);
    expect(stdout).toMatch(/classes/);
    // what section 7 says lands in the model directory
    const dir = join(cwd, 'circle_model');
    const files = readdirSync(dir);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toMatch(/^model_checkpoint_path: "model.ckpt-300"/);
    for (const step of [100, 200, 300]) {
      expect(files).toContain(`model.ckpt-${step}.index.json`);
      expect(files).toContain(`model.ckpt-${step}.weights.bin`);
    }
    expect(files.some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(readdirSync(join(dir, 'eval')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
  },
};

describe('code blocks in the markdown docs', () => {
  it('finds the blocks of README.md, docs/ and the package READMEs, and the getting-started program', () => {
    const files = new Set(blocks.map((b) => b.file));
    expect(files).toContain('README.md');
    expect(files).toContain('docs/estimator.md');
    expect(files).toContain('packages/data/README.md');
    expect(blocks.filter((b) => b.kind !== 'no-check').length).toBeGreaterThan(25);
    expect(runnable.map((p) => p.file)).toContain('docs/getting-started.md');
  });

  it('type-check against the workspace packages (one TypeScript program for all)', { timeout: 180_000 }, () => {
    expect(typeErrors(writePrograms())).toEqual([]);
  });

  it.each(runnable.map((p) => [p.name, p] as const))('%s runs', { timeout: 300_000 }, async (_, p) => {
    const js = ts.transpileModule(p.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: fileOf(p),
    }).outputText;
    mkdirSync(out, { recursive: true });
    const file = fileOf(p, 'mjs');
    writeFileSync(file, js);
    const cwd = mkdtempSync(join(tmpdir(), 'doc-program-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd, maxBuffer: 64 << 20 });
      expect(stdout).not.toBe('');
      afterRun[p.file]?.(stdout, cwd);
    } catch (e) {
      const { stderr, message } = e as { stderr?: string; message: string };
      throw new Error(`${p.name}: the program failed: ${stderr || message}`);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
