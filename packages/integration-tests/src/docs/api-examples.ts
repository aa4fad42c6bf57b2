/**
 * The public API as npm users see it, for the API-reference test: every export of every entry point of every public
 * package (read from the built `.d.ts` files, so what is checked is what ships), with its TSDoc summary and its
 * `@example` blocks. Owns: finding the entry points and reading the comments. Does not own: compiling the examples
 * (api-examples.test.ts) or rendering the reference (`pnpm docs`, scripts/api-docs.mjs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** One entry point of a public package: `@estimatorjs/data` or `@estimatorjs/data/node`. */
export interface EntryPoint {
  readonly specifier: string;
  readonly declarations: string;
}

/** One export of an entry point. */
export interface ApiExport {
  readonly specifier: string;
  readonly name: string;
  /** Something a user calls or constructs (a function or a class), as opposed to a type or a constant. */
  readonly callable: boolean;
  readonly typeOnly: boolean;
  readonly summary: string;
  readonly examples: readonly string[];
}

/** Every entry point (package.json `exports`, but `./package.json`) of every package that is not private. */
export function entryPoints(repo: string): EntryPoint[] {
  const out: EntryPoint[] = [];
  for (const folder of readdirSync(join(repo, 'packages')).sort()) {
    const file = join(repo, 'packages', folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private === true) continue;
    for (const [subpath, target] of Object.entries<{ types?: string }>(pkg.exports ?? {})) {
      if (subpath === './package.json' || !target.types) continue;
      out.push({
        specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        declarations: join(repo, 'packages', folder, target.types),
      });
    }
  }
  return out;
}

/** An `@example` tag's text as code: TSDoc allows a fenced block or bare indented lines. */
function exampleCode(text: string): string {
  const fenced = /```[\w-]*\n([\s\S]*?)```/.exec(text);
  const code = fenced ? fenced[1]! : text;
  const lines = code.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines
    .map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
    .join('\n')
    .trim();
}

/** Every export of every entry point, with its documentation. */
export function publicApi(repo: string): ApiExport[] {
  const entries = entryPoints(repo);
  const program = ts.createProgram(
    entries.map((e) => e.declarations),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const out: ApiExport[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry.declarations);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${entry.specifier}: no declarations at ${entry.declarations} (not built?)`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const tags = symbol.getJsDocTags(checker);
      // `export * as ns from …`: the comment is on the export declaration, not on the module it names
      const declaration = exported.declarations?.[0];
      const namespaceDoc =
        declaration && ts.isNamespaceExport(declaration)
          ? ts
              .getJSDocCommentsAndTags(declaration.parent)
              .map((d) => (ts.isJSDoc(d) ? (ts.getTextOfJSDocComment(d.comment) ?? '') : ''))
              .join(' ')
          : '';
      out.push({
        specifier: entry.specifier,
        name: exported.name,
        callable: (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) !== 0,
        typeOnly: (symbol.flags & ts.SymbolFlags.Value) === 0,
        summary: (ts.displayPartsToString(symbol.getDocumentationComment(checker)) || namespaceDoc).trim(),
        examples: tags.filter((t) => t.name === 'example').map((t) => exampleCode(ts.displayPartsToString(t.text))),
      });
    }
  }
  return out;
}
