/**
 * `scaffold()`: copies a template into a new project directory, filling in the project's name and the versions of
 * the packages it depends on. The templates ship inside this package (`templates/<name>/`), as real files, so what a
 * user gets is what this repository tests.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeValue, EstimatorError } from '@estimatorjs/errors';

/** The project kinds `scaffold()` can make. */
export const TEMPLATES = ['node', 'vite'] as const;
/** One of {@link TEMPLATES}. */
export type TemplateName = (typeof TEMPLATES)[number];

/** What {@link scaffold} makes. */
export interface ScaffoldOptions {
  /** The new project's directory: created if missing; must be empty if it exists. */
  dir: string;
  /**
   * Which template: `'node'` (the default: a Node program that trains, evaluates, predicts and exports) or `'vite'`
   * (a web page that trains on wasm with threads, checkpoints in IndexedDB).
   */
  template?: TemplateName;
  /** The npm package name; by default the directory's name. */
  name?: string;
}

/**
 * A bad argument to `scaffold()` or the `create-estimatorjs` command.
 * @example
 *   try { scaffold({ dir: 'my-app' }); } catch (e) { if (e instanceof ScaffoldError) console.error(e.message); }
 */
export class ScaffoldError extends EstimatorError {
  override name = 'ScaffoldError';
}

// npm's rules for a package name (lower case, URL-safe, at most 214 characters, optionally scoped).
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

// Files npm would drop or rename when this package is packed are stored under another name.
const RENAMED: Record<string, string> = { _gitignore: '.gitignore', '_package.json': 'package.json' };

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function ownManifest(): { version: string; tfjsVersion: string; viteVersion: string } {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
  // The tfjs and Vite versions the @estimatorjs packages are built and tested against.
  return { version: pkg.version, ...pkg.estimatorjs };
}

/**
 * Writes a new project from a template and returns the paths it wrote, relative to `dir`.
 * @example
 *   const files = scaffold({ dir: 'my-app' }); // then: cd my-app && npm install && npm start
 */
export function scaffold(options: ScaffoldOptions): string[] {
  const template = options.template ?? 'node';
  if (!(TEMPLATES as readonly string[]).includes(template)) {
    throw new ScaffoldError(
      'UNKNOWN_TEMPLATE',
      `scaffold(): template ${describeValue(template)} does not exist; expected one of ${TEMPLATES.join(', ')}`,
    );
  }
  const dir = resolve(options.dir);
  const name = options.name ?? basename(dir);
  if (name.length > 214 || !NPM_NAME.test(name)) {
    throw new ScaffoldError(
      'INVALID_NAME',
      `scaffold(): ${describeValue(name)} is not a valid npm package name (lower case letters, digits, - . _ ~; ` +
        'pass a name or pick a directory name that is one)',
    );
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new ScaffoldError(
      'DIRECTORY_NOT_EMPTY',
      `scaffold(): ${dir} already exists and is not an empty directory; pick a new directory name`,
    );
  }
  const { version, tfjsVersion, viteVersion } = ownManifest();
  const values: Record<string, string> = { name, version, tfjs: tfjsVersion, vite: viteVersion };
  const source = join(packageRoot, 'templates', template);
  const written: string[] = [];
  const copy = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const target = RENAMED[entry.name] ?? entry.name;
      if (entry.isDirectory()) {
        copy(join(from, entry.name), join(to, target));
        continue;
      }
      const text = readFileSync(join(from, entry.name), 'utf8').replace(/\{\{(\w+)\}\}/g, (whole, key: string) =>
        key in values ? values[key]! : whole,
      );
      writeFileSync(join(to, target), text);
      written.push(join(to, target).slice(dir.length + 1));
    }
  };
  copy(source, dir);
  return written;
}
