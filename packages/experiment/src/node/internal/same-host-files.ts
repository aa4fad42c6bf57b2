/**
 * Bulk bytes between tasks of one host through files on its memory-backed filesystem (`/dev/shm`), as NCCL's SHM
 * transport skips the network between the GPUs of one node. The gRPC call still carries the request, the answer and
 * the acknowledgement; only the payload's megabytes move through a file: one `write` into memory by the sender and one
 * `read` by the receiver, where the loopback socket cost grpc-js's HTTP/2 framing, a socket write and read, and the
 * reassembly of ~150 DATA frames into a fresh buffer (5–8 ms and as many CPU-ms a step for the CNN's 2.4 MB, and the
 * garbage of it; docs/distributed.md has the figures). Owns: this task's files, the check that a peer can read them,
 * the reader's open files and its receive buffers. Does not own: when a file may be reused (the transport returns it
 * once the peer said Received) or the framing (collective-transport.ts).
 *
 * Whether two tasks share the filesystem is tested, never assumed from their addresses: each task writes a probe file
 * holding its incarnation and names it in its Hello; a peer that reads that same incarnation back reads the task's
 * files, and says so in every Fetch. Pods of Kubernetes each have their own `/dev/shm`, so across pods (and across
 * machines) the probe fails and the payload stays in the RPC.
 *
 * Nothing is left behind in memory: a data file's name is removed as soon as the peer has read it once (both keep
 * their descriptors, and the kernel frees the file with the last of them, also after a kill -9), the probe's once
 * training starts. A task killed in the window before (startup, or the first exchange of a file) leaves its files:
 * their names carry its pid, and the next task on the host removes those of a process that is gone, a minute after
 * they were written (or any over an hour old: the pid may have been reused).
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where the files go: a filesystem in memory, present on Linux. */
const SHARED_MEMORY_DIR = '/dev/shm';
const PREFIX = 'estimatorjs-collective-';
/**
 * A file of a process that is gone, older than this, was left by a task killed before it removed it (the age guards
 * a process this one cannot see: another pid namespace sharing the filesystem).
 */
const ORPHAN_MS = 60 * 1000;
/** A file older than this was left behind, whatever its pid says (pids are reused). */
const STALE_MS = 60 * 60 * 1000;

/** A file this task writes for one peer, reused once the peer has read it. */
export interface SameHostFile {
  readonly name: string;
  readonly fd: number;
  readonly byteLength: number;
  /** The peer has opened it (its first Received): the name is gone, the descriptors keep it. */
  unlinked: boolean;
}

export class SameHostFiles {
  /** The probe file peers read back this task's incarnation from; null once removed. */
  private probe: string | null;
  private nextFile = 0;
  /** This task's files by peer, free for the next payload of their size. */
  private readonly free = new Map<number, SameHostFile[]>();
  private readonly files = new Set<SameHostFile>();
  /** The peers' files this task has open, by peer and name (their names are removed once opened). */
  private readonly opened = new Map<number, Map<string, number>>();
  /** Receive buffers by size, given back by the caller once read. */
  private readonly spare = new Map<number, Buffer[]>();
  /** The receive buffers `read` handed out and not yet given back. */
  private readonly lent = new WeakSet<Buffer>();
  /** The buffer payloads are copied into before `write`, by size (see `write`). */
  private readonly staging = new Map<number, Uint8Array>();

  private constructor(
    private readonly dir: string,
    private readonly incarnation: string,
  ) {
    removeStale(dir);
    this.probe = join(dir, `${PREFIX}${process.pid}-${incarnation}-probe`);
    writeFileSync(this.probe, incarnation);
  }

  /**
   * Files for the task `incarnation` in `dir` (tests give their own), or null where the host has no `/dev/shm` or it
   * cannot be written.
   */
  static open(incarnation: string, dir = SHARED_MEMORY_DIR): SameHostFiles | null {
    if (!existsSync(dir)) return null;
    try {
      return new SameHostFiles(dir, incarnation);
    } catch {
      return null;
    }
  }

  /** What this task names in its Hello: the probe's path. */
  get probePath(): string | null {
    return this.probe;
  }

  /** Whether the peer whose Hello named `probe` shares this filesystem: its probe holds its own incarnation. */
  canRead(probe: string | undefined, incarnation: string): boolean {
    if (probe === undefined || !this.isOurs(probe)) return false;
    try {
      const fd = openSync(probe, 'r');
      try {
        const b = Buffer.alloc(incarnation.length + 1);
        return b.toString('latin1', 0, readSync(fd, b, 0, b.length, 0)) === incarnation;
      } finally {
        closeSync(fd);
      }
    } catch {
      return false;
    }
  }

  /** Training started: every peer has read the probe (or never will), so its name goes. */
  removeProbe(): void {
    if (this.probe) rmSync(this.probe, { force: true });
    this.probe = null;
  }

  /** Writes `payload` into a free file of its size for `peer` (a new one when none is free). */
  write(peer: number, payload: ArrayBufferView): SameHostFile {
    const byteLength = payload.byteLength;
    const free = this.free.get(peer);
    const at = free?.findIndex((f) => f.byteLength === byteLength) ?? -1;
    let file = at >= 0 ? free!.splice(at, 1)[0]! : null;
    if (!file) {
      const name = join(this.dir, `${PREFIX}${process.pid}-${this.incarnation}-${this.nextFile++}`);
      file = { name, fd: openSync(name, 'w+', 0o600), byteLength, unlinked: false };
      this.files.add(file);
    }
    // Through a buffer kept from payload to payload: the kernel reads freshly allocated memory (a gradient vector the
    // backend just handed out) about ten times slower than memory it read before (2.7 ms against 0.2 ms for 2.4 MB
    // here), while a copy in JavaScript takes 0.1 ms either way.
    let staging = this.staging.get(byteLength);
    if (!staging) {
      staging = new Uint8Array(byteLength);
      this.staging.set(byteLength, staging);
    }
    staging.set(new Uint8Array(payload.buffer, payload.byteOffset, byteLength));
    for (let done = 0; done < byteLength; ) done += writeSync(file.fd, staging, done, byteLength - done, done);
    return file;
  }

  /** `peer` has read `file` (its Received): its name goes, and the file takes this peer's next payload of its size. */
  release(peer: number, file: SameHostFile): void {
    if (!this.files.has(file)) return;
    if (!file.unlinked) {
      rmSync(file.name, { force: true });
      file.unlinked = true;
    }
    const free = this.free.get(peer) ?? [];
    free.push(file);
    this.free.set(peer, free);
  }

  /** A peer restarted or is gone: its files will not be read again. */
  dropPeer(peer: number): void {
    for (const file of this.free.get(peer) ?? []) this.discard(file);
    this.free.delete(peer);
    for (const fd of this.opened.get(peer)?.values() ?? []) closeSync(fd);
    this.opened.delete(peer);
  }

  /**
   * Reads the `byteLength` bytes of the file `name` of `peer` into a receive buffer; give it back with `recycle` once
   * read. Throws when the file is gone (the peer removed it: it restarted).
   */
  read(peer: number, name: string, byteLength: number): Buffer {
    if (!this.isOurs(name)) throw new Error(`not a file of ${join(this.dir, PREFIX)}*: ${name}`);
    let files = this.opened.get(peer);
    if (!files) {
      files = new Map();
      this.opened.set(peer, files);
    }
    let fd = files.get(name);
    if (fd === undefined) {
      fd = openSync(name, 'r');
      files.set(name, fd);
    }
    const out = this.spare.get(byteLength)?.pop() ?? Buffer.allocUnsafeSlow(byteLength);
    for (let done = 0; done < byteLength; ) {
      const n = readSync(fd, out, done, byteLength - done, done);
      if (n === 0) throw new Error(`${name} ended after ${done} of ${byteLength} bytes`);
      done += n;
    }
    this.lent.add(out);
    return out;
  }

  /** Takes back a buffer `read` returned, for the next payload of its size; any other buffer is left alone. */
  recycle(b: Buffer): void {
    if (!this.lent.delete(b)) return;
    const spare = this.spare.get(b.byteLength) ?? [];
    if (spare.length < 4) spare.push(b);
    this.spare.set(b.byteLength, spare);
  }

  /** Closes and removes everything. */
  close(): void {
    this.removeProbe();
    for (const file of [...this.files]) this.discard(file);
    for (const peer of [...this.opened.keys()]) this.dropPeer(peer);
    this.free.clear();
    this.spare.clear();
    this.staging.clear();
  }

  /** A peer names only files of this prefix in this directory (it shares it); anything else is refused. */
  private isOurs(path: string): boolean {
    return dirname(path) === this.dir && basename(path).startsWith(PREFIX);
  }

  private discard(file: SameHostFile): void {
    if (!this.files.delete(file)) return;
    closeSync(file.fd);
    if (!file.unlinked) rmSync(file.name, { force: true });
  }
}

/** Removes the files tasks killed before they removed them left behind (a probe, a file of a first exchange). */
export function removeStale(dir: string, now = Date.now()): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      const path = join(dir, name);
      const age = now - statSync(path).mtimeMs;
      const pid = Number(name.slice(PREFIX.length).split('-')[0]);
      if (age > STALE_MS || (age > ORPHAN_MS && !isRunning(pid))) rmSync(path, { force: true });
    } catch {
      // Another task removed it first, or it is not ours to remove.
    }
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
