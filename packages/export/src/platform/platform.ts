/** The file operations an export needs; Node has them, a browser does not (see browser.ts). */
export interface ExportFileSystem {
  /** Creates `dir` and its parents. */
  mkdirs(dir: string): Promise<void>;
  /** Writes and flushes a file to disk. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Renames a directory atomically (same file system), then flushes the parent directory. */
  renameDir(from: string, to: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  remove(path: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  join(...parts: string[]): string;
}
