/**
 * Keeps multithreaded tfjs-backend-wasm working in a minified build.
 *
 * tfjs-backend-wasm starts its pthread workers from `wasmFactoryThreadedSimd.toString()`, so the factory function
 * must not refer to anything outside itself. It refers to `_scriptDir`, a variable of the enclosing closure, behind
 * `typeof _scriptDir !== "undefined"` guards; a minifier renames it and drops the guard (it can see the variable is
 * declared), and every worker then dies with "ReferenceError: e is not defined". In a module bundle `_scriptDir` is
 * always undefined (ES modules have no `document.currentScript`), so this removes the two uses. Build only: the dev
 * server does not minify.
 */
import type { Plugin } from 'vite';

const FILE = /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const EDITS: readonly [string, string][] = [
  ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
  ['"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,', '"urlOrBlob":Module["mainScriptUrlOrBlob"],'],
];

/** The transform; fails the build if tfjs-backend-wasm's code no longer matches (a tfjs upgrade cannot pass silently). */
export function threadedFactoryFix(): Plugin {
  return {
    name: 'estimatorjs:tfjs-wasm-threads',
    apply: 'build',
    transform(code, id) {
      if (!FILE.test(id.split('?')[0]!)) return null;
      let out = code;
      for (const [from, to] of EDITS) {
        if (!out.includes(from)) {
          this.error(
            `tfjsWasm(): expected ${JSON.stringify(from)} in ${id}; tfjs-backend-wasm changed, so re-check whether its threaded factory still needs this fix.`,
          );
        }
        out = out.replace(from, to);
      }
      return { code: out, map: null };
    },
  };
}
