/**
 * Where exports go: directories under `modelDir/export/<exporter name>/<global step>`. Implementations: the file
 * system (`fileExportStore` from `@estimatorjs/experiment/node`) and memory ({@link MemoryExportStore}).
 */
export interface ExportStore {
  /** Writes a whole directory atomically: readers see no directory, or all of its files. Replaces an older one. */
  writeDir(path: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void>;
  /** The names of the subdirectories of `path` (empty when it does not exist). */
  listDirs(path: string): Promise<string[]>;
  /** A file of a directory, or null. */
  readFile(dir: string, name: string): Promise<Uint8Array | null>;
  /** Deletes a directory and its files; no error when it does not exist. */
  removeDir(path: string): Promise<void>;
}

/**
 * Exports kept in memory (tests, the browser without IndexedDB).
 * @example
 *   const store = new MemoryExportStore();
 *   await trainAndEvaluate(estimator, trainSpec, evalSpec, { exportStore: store });
 */
export class MemoryExportStore implements ExportStore {
  private readonly dirs = new Map<string, Map<string, Uint8Array>>();

  async writeDir(path: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
    const copy = new Map<string, Uint8Array>();
    for (const [n, d] of files) copy.set(n, typeof d === 'string' ? new TextEncoder().encode(d) : d.slice());
    this.dirs.set(trim(path), copy);
  }

  async listDirs(path: string): Promise<string[]> {
    const prefix = `${trim(path)}/`;
    const names = new Set<string>();
    for (const d of this.dirs.keys()) if (d.startsWith(prefix)) names.add(d.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }

  async readFile(dir: string, name: string): Promise<Uint8Array | null> {
    return this.dirs.get(trim(dir))?.get(name)?.slice() ?? null;
  }

  async removeDir(path: string): Promise<void> {
    const p = trim(path);
    for (const d of [...this.dirs.keys()]) if (d === p || d.startsWith(`${p}/`)) this.dirs.delete(d);
  }
}

function trim(p: string): string {
  return p.replace(/[\\/]+$/, '').replace(/\\/g, '/');
}
