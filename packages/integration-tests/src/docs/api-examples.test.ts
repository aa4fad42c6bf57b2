// The API reference cannot rot: every export of every public entry point has a TSDoc summary, every function and
// class a user calls has an `@example`, and every `@example` type-checks against the built packages, with the names
// of its own entry point (and `tf`) in scope as a reader of that page has them, plus the ambient names of
// doc-blocks-prelude.d.ts and api-examples-prelude.d.ts (`estimator`, `features`, `bytes`, …) for what the code
// around a one-line example would have defined.
// `pnpm docs` renders the same comments into docs/api/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type ApiExport, publicApi } from './api-examples.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repo = resolve(pkg, '../..');
const out = join(pkg, '.api-examples');
const preludes = [join(pkg, 'doc-blocks-prelude.d.ts'), join(pkg, 'api-examples-prelude.d.ts')];
const api = publicApi(repo);
const id = (e: ApiExport) => `${e.specifier} ${e.name}`;

/** The names a piece of code imports or declares at its top level itself (so they are not imported for it). */
function ownNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .at(-1)
        ?.replace(/^type\s+/, '');
      if (name) names.add(name);
    }
  for (const m of code.matchAll(/import\s+(?:\*\s+as\s+)?(\w+)\s+from/g)) names.add(m[1]!);
  for (const m of code.matchAll(/^(?:export\s+)?(?:const|let|var|function|class|interface|type|enum)\s+(\w+)/gm))
    names.add(m[1]!);
  return names;
}

/** One module per example: the entry point's names imported, then the example as written. */
function exampleModule(e: ApiExport, code: string): string {
  const own = ownNames(code);
  const names = api
    .filter((o) => o.specifier === e.specifier && !own.has(o.name))
    .map((o) => (o.typeOnly ? `type ${o.name}` : o.name));
  const header = [`import { ${names.join(', ')} } from '${e.specifier}';`];
  if (!own.has('tf')) header.push("import * as tf from '@tensorflow/tfjs-core';");
  return `${header.join('\n')}\n${code}\n`;
}

describe('API reference (TSDoc of every public export)', () => {
  it('finds the public entry points and their exports', () => {
    const specifiers = new Set(api.map((e) => e.specifier));
    expect(specifiers).toContain('@estimatorjs/estimator');
    expect(specifiers).toContain('@estimatorjs/data/node');
    expect(api.find((e) => e.specifier === '@estimatorjs/estimator' && e.name === 'Estimator')?.callable).toBe(true);
    expect(api.length).toBeGreaterThan(400);
  });

  it('every export has a one-line summary', () => {
    expect(api.filter((e) => e.summary === '').map(id)).toEqual([]);
  });

  it('every function and class has an @example', () => {
    expect(api.filter((e) => e.callable && e.examples.length === 0).map(id)).toEqual([]);
  });

  it('every @example type-checks (one TypeScript program for all)', { timeout: 180_000 }, () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const owners = new Map<string, string>();
    for (const [i, e] of api.entries()) {
      for (const [j, code] of e.examples.entries()) {
        const file = join(out, `${i}-${j}-${e.name}.ts`);
        writeFileSync(file, exampleModule(e, code));
        owners.set(file, `${id(e)} @example ${j + 1}`);
      }
    }
    expect(owners.size).toBeGreaterThan(150);
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
    const program = ts.createProgram([...owners.keys(), ...preludes], {
      ...base!.options,
      noEmit: true,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      moduleDetection: ts.ModuleDetectionKind.Force,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      const owner = d.file && owners.get(resolve(d.file.fileName));
      if (!d.file || !owner) return `${d.file?.fileName ?? '(program)'}: TS${d.code} ${text}`;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${owner}, line ${line - 1}: TS${d.code} ${text}`;
    });
    expect(errors).toEqual([]);
  });
});
