/**
 * Resolves the dotted names docs/tf1-map.md promises (`layers.conv1d`, `Dataset.listFiles`, `estimator.train`, the
 * options of a call) through the public API as npm users get it: the built `.d.ts` files of every entry point, read
 * with the TypeScript checker. Owns: what "a name exists" means. Does not own: the map's syntax (tf1-map.ts) or the
 * list of entry points (api-examples.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { entryPoints } from './api-examples.js';

/** A name as the map writes it: a dotted path, an instance member (`.repeat`), the keys of its object arguments. */
export interface NameSpan {
  readonly path: readonly string[];
  /** A leading dot: an instance member of some exported class or interface. */
  readonly member: boolean;
  readonly keys: readonly OptionKey[];
}

/** A key of an object-literal argument: `{ seed }` in `shuffle(10, { seed })` is `seed` of argument 1. */
export interface OptionKey {
  readonly name: string;
  readonly arg: number;
}

/** Lowercase names the map uses for an instance of a type: `estimator.train` is `Estimator`'s `train`. */
export const RECEIVERS: Readonly<Record<string, readonly string[]>> = {
  estimator: ['Estimator'],
  config: ['RunConfig'],
  hparams: ['HParams'],
  opt: ['Optimizer'],
  it: ['InitializableIterator', 'Iterator', 'FeedableIterator', 'ReinitializableIterator'],
  ctx: ['RunContext'],
};

/** Something a name can lead to: a symbol (export, namespace, member) or an instance's type. */
export type Found = { readonly symbol: ts.Symbol } | { readonly type: ts.Type };

/** Resolves dotted names through the public API's built declarations. */
export class ApiResolver {
  private readonly checker: ts.TypeChecker;
  private readonly exports = new Map<string, Map<string, ts.Symbol>>();
  private readonly builtCode = new Map<string, string>();
  /** Package name → its folder under packages/. */
  private readonly folders = new Map<string, string>();

  constructor(private readonly repo: string) {
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
    this.checker = program.getTypeChecker();
    for (const entry of entries) {
      const source = program.getSourceFile(entry.declarations);
      const module = source && this.checker.getSymbolAtLocation(source);
      if (!module) throw new Error(`${entry.specifier}: no declarations at ${entry.declarations} (not built?)`);
      const names = new Map<string, ts.Symbol>();
      for (const e of this.checker.getExportsOfModule(module))
        names.set(e.name, e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e);
      this.exports.set(entry.specifier, names);
      this.folders.set(
        packageOf(entry.specifier),
        entry.declarations
          .split(/[\\/]packages[\\/]/)
          .at(-1)!
          .split(/[\\/]/)[0]!,
      );
    }
  }

  /** Every public entry point (`@estimatorjs/data/node`). */
  get specifiers(): string[] {
    return [...this.exports.keys()];
  }

  /** Every public package (`@estimatorjs/data`), for rows that name none. */
  get packages(): string[] {
    return [...this.folders.keys()];
  }

  /** The exports of `packages` and of their subpath entry points, by name. */
  private exported(packages: readonly string[], name: string): ts.Symbol[] {
    const out: ts.Symbol[] = [];
    for (const [specifier, names] of this.exports)
      if (packages.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
        const s = names.get(name);
        if (s) out.push(s);
      }
    return out;
  }

  /** The instance type of a class or interface symbol. */
  private instanceOf(symbol: ts.Symbol): ts.Type | undefined {
    return symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)
      ? this.checker.getDeclaredTypeOfSymbol(symbol)
      : undefined;
  }

  /** `name` as a member of `found`: a namespace export, a (static) property of its value, an instance member. */
  member(found: Found, name: string): Found | undefined {
    if ('type' in found) {
      const p = this.propertyOf(found.type, name);
      return p && { symbol: p };
    }
    const { symbol } = found;
    if (symbol.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) {
      const e = this.checker.getExportsOfModule(symbol).find((s) => s.name === name);
      if (e) return { symbol: e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e };
    }
    if (symbol.flags & ts.SymbolFlags.Value) {
      const p = this.checker.getPropertyOfType(this.checker.getTypeOfSymbol(symbol), name);
      if (p) return { symbol: p };
    }
    const instance = this.instanceOf(symbol);
    const p = instance && this.propertyOf(instance, name);
    return p ? { symbol: p } : undefined;
  }

  /** A property of `type`, or of any member of a union (`EstimatorSpec.evalMetricOps` is on its eval variant). */
  private propertyOf(type: ts.Type, name: string): ts.Symbol | undefined {
    if (type.isUnion()) return type.types.map((t) => this.propertyOf(t, name)).find((p) => p !== undefined);
    return this.checker.getPropertyOfType(type, name);
  }

  /** Whether `found` can be a cell's context: a namespace, class, interface or object of members. */
  private isContainer(found: Found): boolean {
    if ('type' in found) return true;
    const f = found.symbol.flags;
    const containers =
      ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule | ts.SymbolFlags.Class | ts.SymbolFlags.Interface;
    return (f & (containers | ts.SymbolFlags.Variable)) !== 0;
  }

  /** The starting points of a name's first segment. */
  private heads(packages: readonly string[], span: NameSpan, context: readonly Found[]): Found[] {
    const [first] = span.path as [string];
    if (span.member) {
      const out: Found[] = [];
      for (const names of this.exportsOf(packages))
        for (const s of names.values()) {
          const instance = this.instanceOf(s);
          const p = instance && this.propertyOf(instance, first);
          if (p) out.push({ symbol: p });
        }
      return out;
    }
    const receiver = RECEIVERS[first];
    if (receiver && span.path.length > 1)
      return receiver
        .flatMap((t) => this.exported(packages, t))
        .flatMap((s) => {
          const instance = this.instanceOf(s);
          return instance ? [{ type: instance }] : [];
        });
    const exported = this.exported(packages, first).map((symbol) => ({ symbol }));
    if (exported.length > 0) return exported;
    return context.flatMap((c) => {
      const m = this.member(c, first);
      return m ? [m] : [];
    });
  }

  private exportsOf(packages: readonly string[]): Map<string, ts.Symbol>[] {
    return [...this.exports]
      .filter(([specifier]) => packages.some((p) => specifier === p || specifier.startsWith(`${p}/`)))
      .map(([, names]) => names);
  }

  /** A type with a string index signature (`Record<string, …>`): every key is an option. */
  private isRecord(found: Found): boolean {
    return 'type' in found && this.checker.getIndexInfoOfType(found.type, ts.IndexKind.String) !== undefined;
  }

  /** The object types a callable (function, method, class) takes as parameters: where its options are looked up. */
  optionTypes(found: Found, arg?: number): Found[] {
    if (!('symbol' in found) || !(found.symbol.flags & ts.SymbolFlags.Value)) return [];
    const type = this.checker.getTypeOfSymbol(found.symbol);
    const signatures = [...type.getCallSignatures(), ...type.getConstructSignatures()];
    const out: Found[] = [];
    for (const signature of signatures)
      for (const [i, parameter] of signature.getParameters().entries()) {
        if (arg !== undefined && i !== arg) continue;
        const declared = this.checker.getTypeOfSymbol(parameter);
        const constraint = declared.isTypeParameter() ? this.checker.getBaseConstraintOfType(declared) : declared;
        const t = this.checker.getNonNullableType(constraint ?? declared);
        for (const part of t.isUnion() ? t.types : [t])
          if (part.flags & ts.TypeFlags.Object || part.isIntersection()) out.push({ type: part });
      }
    return out;
  }

  /**
   * Resolves a name: what it found (empty: it does not exist); the keys of its object arguments that the parameter
   * in that position does not take, and those it takes only because it takes any key (a `Record`); and the context
   * it sets for the bare names after it (its qualifier, or itself if it is a container, and its options).
   */
  resolve(
    packages: readonly string[],
    span: NameSpan,
    context: readonly Found[],
  ): { found: Found[]; unknownKeys: string[]; freeKeys: string[]; context: Found[] } {
    let found = this.heads(packages, span, context);
    let parents: Found[] = [];
    for (const segment of span.path.slice(1)) {
      parents = found;
      found = found.flatMap((f) => {
        const m = this.member(f, segment);
        return m ? [m] : [];
      });
    }
    const options = found.flatMap((f) => this.optionTypes(f));
    const unknownKeys: string[] = [];
    const freeKeys: string[] = [];
    for (const key of span.keys) {
      const at = found.flatMap((f) => this.optionTypes(f, key.arg));
      if (at.some((o) => this.member(o, key.name))) continue;
      if (at.some((o) => this.isRecord(o))) freeKeys.push(key.name);
      else unknownKeys.push(key.name);
    }
    const containers = found.filter((f) => this.isContainer(f) && span.path.length === 1 && !span.member);
    const next = span.path.length > 1 ? parents : containers.length > 0 ? containers : [...context];
    return { found, unknownKeys, freeKeys, context: [...next, ...options] };
  }

  /** Whether `constant` occurs as a string literal in the built JavaScript of `packages` (an error code, say). */
  hasConstant(packages: readonly string[], constant: string): boolean {
    return packages.some((p) => {
      const name = this.folders.get(packageOf(p));
      if (!name) return false;
      const folder = join(this.repo, 'packages', name, 'dist');
      if (!this.builtCode.has(folder)) this.builtCode.set(folder, existsSync(folder) ? readJs(folder) : '');
      const js = this.builtCode.get(folder)!;
      return [`'${constant}'`, `"${constant}"`, `\`${constant}\``].some((q) => js.includes(q));
    });
  }
}

/** `@estimatorjs/data` for `@estimatorjs/data/node`; `create-estimatorjs` for itself. */
function packageOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

function readJs(dir: string): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'))
    .join('\n');
}
