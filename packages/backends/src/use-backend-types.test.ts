// What an editor shows for `useBackend(…)`: asked through TypeScript's own language service (the one editors run),
// over this package's real sources and tsconfig, so the test fails if the name stops completing or stops taking a
// plain string.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from './backend-name.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const probe = join(pkg, 'src', '__editor_probe__.ts');

function languageService(source: string): ts.LanguageService {
  const config = ts.readConfigFile(join(pkg, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, pkg);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => [probe],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = f === probe ? source : ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => pkg,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === probe || ts.sys.fileExists(f),
    readFile: (f) => (f === probe ? source : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

describe('useBackend() in an editor', () => {
  it('completes the backend names inside the quotes', () => {
    const source = "import { useBackend } from './use-backend.js';\nawait useBackend('');\n";
    const at = source.indexOf("('") + 2;
    const completions = languageService(source).getCompletionsAtPosition(probe, at, {});
    const names = (completions?.entries ?? []).map((e) => e.name).sort();
    expect(names).toEqual([...BACKEND_NAMES].sort());
  }, 60_000);

  it('accepts any string (a --backend flag) and rejects a non-string', () => {
    const source = [
      "import { useBackend, getProvider } from './index.js';",
      'declare const flag: string;',
      'await useBackend(flag);',
      "await useBackend('wasm', { threads: 2 });",
      'getProvider(flag);',
      'await useBackend(3);',
    ].join('\n');
    const errors = languageService(source)
      .getSemanticDiagnostics(probe)
      .map(
        (d) => `${source.slice(0, d.start).split('\n').length}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe(
      "6: Argument of type '3' is not assignable to parameter of type 'BackendName | (string & {})'.",
    );
  }, 60_000);
});
