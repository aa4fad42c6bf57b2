/**
 * The wire under the collective all-reduce: one gRPC server per task and a client to each peer (@grpc/grpc-js over
 * HTTP/2), with four unary methods — Hello (is the peer up, and which incarnation is it), Fetch (give me the chunk
 * `tag` you published for me), Received (I have all of `tag`'s bytes) and Abort (this peer is gone, and why). Owns:
 * the outbox of published chunks, deadlines, incarnations. Does not own: the ring algorithm or the rendezvous policy (collective-all-reduce.ts).
 *
 * Data moves by pull, not push: the receiver asks and the sender answers. The bytes then travel as a response to the
 * client, whose HTTP/2 flow-control window grpc-js lets us raise (`grpc-node.flow_control_window`); a grpc-js server
 * keeps HTTP/2's 64 KiB default, so a pushed megabyte would wait for a WINDOW_UPDATE round trip every 64 KiB.
 * Between tasks that share the host's memory filesystem a payload of `MIN_FILE_BYTES` or more goes through a file
 * there instead (same-host-files.ts). The bytes of every message are collective-wire.ts's.
 *
 * A publish settles on the fetcher's Received, not when the answer is handed to grpc-js: a megabyte answer leaves the
 * process over several event-loop turns, and a sender that went straight back to the synchronous kernels of its next
 * step held the rest of it until that step's compute ended, so the two replicas took turns instead of computing side
 * by side (2 workers ran at 0.9× one worker on an idle 2-core machine).
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ExperimentError } from '../../errors.js';
import {
  CHANNEL_OPTIONS,
  ClientCtor,
  type CollectiveClient,
  decodeControl,
  decodeFetch,
  decodeFrame,
  encodeControl,
  encodeFetch,
  fileFrame,
  type Header,
  type HelloAnswer,
  inlineFrame,
  MIN_FILE_BYTES,
  READS_FILES,
  releaseAfterCopy,
  SERVICE,
} from './collective-wire.js';
import { type SameHostFile, SameHostFiles } from './same-host-files.js';

/** A peer as the transport sees it: its replica index, a name for messages (`worker:0`), its address. */
export interface Peer {
  readonly index: number;
  readonly name: string;
  readonly address: string;
}

/** A chunk published for one peer, until that peer fetches it. */
interface Published {
  readonly frame: Buffer;
  /** The file holding the payload, when the frame names one (returned to the pool on the peer's Received). */
  readonly file: SameHostFile | null;
  readonly delivered: () => void;
}

/** A Fetch that arrived before its chunk was published. */
interface PendingFetch {
  /** The fetcher's incarnation: a Fetch may come before this task's Hello found the peer. */
  readonly incarnation: string;
  readonly call: grpc.ServerUnaryCall<Buffer, Buffer>;
  readonly cb: grpc.sendUnaryData<Buffer>;
}

/** Something this task waits for from a peer: a chunk it fetches, or a peer fetching what it published. */
interface Waiter {
  readonly peer: number;
  /** A Fetch in flight: its own RPC settles it, so a peer that finished does not cut it short. */
  readonly fetch: boolean;
  reject(e: Error): void;
}

/** Why a peer is gone: it failed, finished, or a newer incarnation replaced it. */
type Gone = { readonly reason: string; readonly finished: boolean };

export class CollectiveTransport {
  readonly incarnation = randomUUID();
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  private readonly clients = new Map<number, CollectiveClient>();
  private readonly known = new Map<number, string>();
  /** Published chunks by `peer|tag`, until fetched. */
  private readonly outbox = new Map<string, Published>();
  /** Fetches by `peer|tag` that came before the chunk. */
  private readonly pending = new Map<string, PendingFetch>();
  /** Answered chunks by `peer|tag`, until the peer says it received every byte: settles the publish. */
  private readonly unconfirmed = new Map<string, () => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly gone = new Map<number, Gone>();
  /** Frames grpc-js has copied, by size, for the next chunks of the same size (every step repeats the sizes). */
  private readonly spareFrames = new Map<number, Buffer[]>();
  /** This task's files for peers on the same host; null where the host has no memory filesystem or it is off. */
  private readonly files: SameHostFiles | null;
  /** Peers whose probe this task read back: it reads their files, and says so in its Fetches. */
  private readonly readable = new Set<number>();
  /** Peers whose Fetches said they read this task's files. */
  private readonly readers = new Set<number>();
  private training = false;
  private closed = false;
  /** Payload bytes published through files so far. */
  bytesThroughFiles = 0;
  /** Set when something outside a receive makes this task fail (a peer restarted while we trained). */
  onFatal: (e: Error) => void = () => {};

  constructor(
    private readonly self: Peer,
    private readonly peers: readonly Peer[],
    private readonly api: string,
    sameHostFiles = true,
  ) {
    this.files = sameHostFiles ? SameHostFiles.open(this.incarnation) : null;
    this.server.addService(SERVICE, {
      Hello: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.onHello(call, cb),
      Fetch: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.onFetch(call, cb),
      Received: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
        this.onReceived(call, cb),
      Abort: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.onAbort(call, cb),
    });
    for (const p of peers) {
      this.clients.set(
        p.index,
        new ClientCtor(p.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS) as unknown as CollectiveClient,
      );
    }
  }

  /**
   * Listens on this task's port: on 127.0.0.1 when the cluster is local (nothing reachable from the network), else on
   * every interface (a pod's DNS name resolves to one of them).
   */
  async listen(): Promise<void> {
    const at = this.self.address.lastIndexOf(':');
    const host = this.self.address.slice(0, at);
    const port = this.self.address.slice(at + 1);
    const bindHost = host === '127.0.0.1' || host === 'localhost' ? '127.0.0.1' : '0.0.0.0';
    await new Promise<void>((resolve, reject) =>
      this.server.bindAsync(`${bindHost}:${port}`, grpc.ServerCredentials.createInsecure(), (e) =>
        e
          ? reject(
              new ExperimentError(
                'CLUSTER_BIND_FAILED',
                `${this.api}: ${this.self.name} could not listen on port ${port} (${e.message}); is another process using it?`,
              ),
            )
          : resolve(),
      ),
    );
  }

  /** Marks the start of training: from now on a Hello from a new incarnation of a known peer is fatal here. */
  startTraining(): void {
    this.training = true;
    // Every peer found this task through its Hello before training started: the probe has done its work.
    this.files?.removeProbe();
  }

  /** One Hello; resolves with the peer's answer, rejects when it is not up (or is a stale incarnation). */
  hello(peer: Peer, deadlineMs: number): Promise<HelloAnswer> {
    const client = this.clients.get(peer.index)!;
    const msg = encodeControl(this.helloHeader());
    return new Promise((resolve, reject) => {
      client.Hello(msg, { deadline: Date.now() + deadlineMs }, (e, res) => {
        if (e || !res) return reject(e ?? new Error('no response'));
        const { incarnation, probe } = decodeControl(res);
        resolve({ incarnation, ...(probe === undefined ? {} : { probe }) });
      });
    });
  }

  /**
   * Records the incarnation of a peer found by Hello, whether this task reads its files, and drops anything published
   * for an older incarnation of it.
   */
  adopt(peer: Peer, { incarnation, probe }: HelloAnswer): void {
    const previous = this.known.get(peer.index);
    if (previous !== incarnation) {
      this.readers.delete(peer.index);
      this.files?.dropPeer(peer.index);
    }
    if (this.files?.canRead(probe, incarnation)) this.readable.add(peer.index);
    else this.readable.delete(peer.index);
    for (const [key, p] of this.pending) {
      if (key.startsWith(`${peer.index}|`) && p.incarnation !== incarnation) this.pending.delete(key);
    }
    if (previous !== undefined && previous !== incarnation) {
      for (const key of this.outbox.keys()) if (key.startsWith(`${peer.index}|`)) this.outbox.delete(key);
    }
    this.known.set(peer.index, incarnation);
    this.gone.delete(peer.index);
  }

  /**
   * Publishes one tagged chunk for `peer` to fetch: its bytes are copied now (the caller may reuse `payload` at once).
   * Resolves once the peer received all of it; rejects when the peer does not within `timeoutMs`, or fails.
   */
  publish(peer: Peer, tag: string, payload: ArrayBufferView, timeoutMs: number): Promise<void> {
    const inFile = this.files !== null && this.readers.has(peer.index) && payload.byteLength >= MIN_FILE_BYTES;
    const file = inFile ? this.files!.write(peer.index, payload) : null;
    if (file) this.bytesThroughFiles += payload.byteLength;
    const frame = file
      ? fileFrame(this.incarnation, file)
      : inlineFrame(this.incarnation, payload, (size) => this.spareFrames.get(size)?.pop());
    const key = `${peer.index}|${tag}`;
    return this.wait(peer, false, timeoutMs, `did not fetch ${tag} within ${timeoutMs / 1000} s (hung?)`, (done) => {
      const published: Published = { frame, file, delivered: () => done(undefined) };
      const waiting = this.pending.get(key);
      if (waiting && waiting.incarnation === this.known.get(peer.index)) {
        this.pending.delete(key);
        this.answer(key, waiting, published, peer.index);
      } else {
        this.outbox.set(key, published);
      }
      return () => {
        this.outbox.delete(key);
        this.unconfirmed.delete(key);
      };
    });
  }

  /**
   * Fetches the chunk `tag` that `peer` publishes for this task; rejects when the peer is unreachable, fails, or sends
   * nothing within `timeoutMs`. The payload may be a view into grpc-js's receive buffer: read it before awaiting, then
   * give it to `recycle`.
   */
  fetch(peer: Peer, tag: string, timeoutMs: number): Promise<Buffer> {
    const client = this.clients.get(peer.index)!;
    const flags = this.readable.has(peer.index) ? READS_FILES : 0;
    const msg = encodeFetch(this.self.index, flags, this.incarnation, tag);
    const expected = this.known.get(peer.index);
    return this.wait(
      peer,
      true,
      timeoutMs,
      `sent nothing for ${tag} within ${timeoutMs / 1000} s (hung or died?)`,
      (done, fail) => {
        const call = client.Fetch(msg, { deadline: Date.now() + timeoutMs + 1000 }, (e, res) => {
          if (e || !res) {
            const why =
              e?.code === grpc.status.UNAVAILABLE
                ? `is unreachable (${e.details || 'connection failed'}; died?)`
                : `refused ${tag}: ${e?.details || e?.message || 'no response'}`;
            return fail(this.error('PEER_FAILED', `${peer.name} (${peer.address}) ${why}`));
          }
          const frame = decodeFrame(res);
          if (frame.incarnation !== expected) {
            return fail(
              this.error('PEER_FAILED', `${peer.name} (${peer.address}) restarted (new incarnation) while training`),
            );
          }
          if (frame.file) {
            try {
              done(this.files!.read(peer.index, frame.file.name, frame.file.byteLength));
            } catch (e) {
              return fail(
                this.error(
                  'PEER_FAILED',
                  `${peer.name} (${peer.address}) sent ${tag} in a file this task cannot read (${(e as Error).message})`,
                ),
              );
            }
          } else {
            done(frame.payload);
          }
          // Settles the peer's publish (best effort: a lost Received ends as that peer's timeout, named there).
          client.Received(msg, { deadline: Date.now() + timeoutMs }, () => {});
        });
        return () => call.cancel();
      },
    );
  }

  /** Takes back a payload `fetch` resolved with, once read: one read from a file is reused for the next. */
  recycle(payload: Buffer): void {
    // Only a payload read from a file is this task's to reuse; a view into grpc-js's message is not.
    this.files?.recycle(payload);
  }

  /** Tells every peer this task is gone (best effort, short deadline), then stops serving. */
  async close(reason: string | null): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const msg = encodeControl({
      from: this.self.index,
      incarnation: this.incarnation,
      reason: reason ?? 'finished training',
      finished: reason === null,
    });
    await Promise.all(
      this.peers.map(
        (p) =>
          new Promise<void>((resolve) =>
            this.clients.get(p.index)!.Abort(msg, { deadline: Date.now() + 1000 }, () => resolve()),
          ),
      ),
    );
    for (const c of this.clients.values()) c.close();
    for (const w of [...this.waiters]) w.reject(this.error('CLUSTER_CLOSED', `${this.self.name} stopped`));
    this.outbox.clear();
    this.unconfirmed.clear();
    for (const p of this.pending.values())
      p.cb({ code: grpc.status.UNAVAILABLE, details: `${this.self.name} stopped` });
    this.pending.clear();
    this.files?.close();
    // A peer may still be reading the last chunk it fetched from us: let answered calls finish, within a second.
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1000);
      force.unref?.();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  /**
   * One bounded wait on `peer`: `begin` starts it and returns how to abandon it; it settles through `done`/`fail`,
   * the timeout (PEER_TIMEOUT with `late`), the peer failing (Abort) or this task closing.
   */
  private wait<T>(
    peer: Peer,
    fetch: boolean,
    timeoutMs: number,
    late: string,
    begin: (done: (value: T) => void, fail: (e: Error) => void) => () => void,
  ): Promise<T> {
    const gone = this.gone.get(peer.index);
    if (gone && !(fetch && gone.finished)) {
      return Promise.reject(this.error('PEER_FAILED', `${peer.name} (${peer.address}) ${gone.reason}`));
    }
    return new Promise<T>((resolve, reject) => {
      let abandon = () => {};
      const settle = (e: Error | null, value?: T) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        if (e) {
          abandon();
          reject(e);
        } else {
          resolve(value as T);
        }
      };
      const waiter: Waiter = { peer: peer.index, fetch, reject: (e) => settle(e) };
      const timer = setTimeout(
        () => settle(this.error('PEER_TIMEOUT', `${peer.name} (${peer.address}) ${late}`)),
        timeoutMs,
      );
      timer.unref?.();
      this.waiters.add(waiter);
      abandon = begin(
        (value) => settle(null, value),
        (e) => settle(e),
      );
    });
  }

  private helloHeader(): Header {
    const probe = this.files?.probePath;
    return {
      from: this.self.index,
      incarnation: this.incarnation,
      training: this.training,
      ...(probe ? { probe } : {}),
    };
  }

  /**
   * Sends a published chunk as the answer to a Fetch; the publish settles when the fetcher says Received, or at once
   * for a file the fetcher has open already (from an earlier step): the answer is a few bytes that leave in one write,
   * and the payload is in the file, which stays readable through the fetcher's descriptor even if this task closes.
   * The file itself is reused only after the Received.
   */
  private answer(key: string, fetch: PendingFetch, published: Published, peer: number): void {
    const { frame, file } = published;
    if (!file) {
      releaseAfterCopy(frame, () => {
        const spare = this.spareFrames.get(frame.length) ?? [];
        if (spare.length < 4 && !this.closed) spare.push(frame);
        this.spareFrames.set(frame.length, spare);
      });
    }
    this.unconfirmed.set(key, () => {
      // Read: the file takes this peer's next payload of its size.
      if (file && !this.closed) this.files?.release(peer, file);
      published.delivered();
    });
    fetch.cb(null, frame);
    if (file?.unlinked) published.delivered();
  }

  private peerName(index: number): string {
    return this.peers.find((p) => p.index === index)?.name ?? `replica ${index}`;
  }

  private error(code: string, detail: string): ExperimentError {
    return new ExperimentError(code, `${this.api}: ${this.self.name}: ${detail}.`);
  }

  private onHello(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const header = decodeControl(call.request);
    const known = this.known.get(header.from);
    if (this.training && known !== undefined && known !== header.incarnation) {
      // A peer came back while this process still trains with its old incarnation: this process is stale too.
      // Refuse the peer (it retries until our replacement answers) and fail here, so the job restarts together.
      cb({ code: grpc.status.UNAVAILABLE, details: 'this task is being replaced' });
      this.fail(header.from, `${this.peerName(header.from)} restarted (new incarnation) while training`, false);
      return;
    }
    cb(null, encodeControl(this.helloHeader()));
  }

  private onFetch(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const { from, flags, incarnation, tag } = decodeFetch(call.request);
    const known = this.known.get(from);
    if (known !== undefined && known !== incarnation) {
      cb({ code: grpc.status.FAILED_PRECONDITION, details: `stale incarnation of ${this.peerName(from)}` });
      return;
    }
    this.noteReader(from, flags, incarnation);
    const key = `${from}|${tag}`;
    const published = this.outbox.get(key);
    if (published && known !== undefined) {
      this.outbox.delete(key);
      this.answer(key, { incarnation, call, cb }, published, from);
      return;
    }
    // Not published yet (or this task has not found the peer yet): answer when it is.
    this.pending.get(key)?.cb({ code: grpc.status.ABORTED, details: `a newer fetch of ${tag} replaced this one` });
    this.pending.set(key, { incarnation, call, cb });
    // The fetcher gave up (its timeout, or it failed): forget the call so a later publish waits for a new one.
    call.on('cancelled', () => {
      if (this.pending.get(key)?.call === call) this.pending.delete(key);
    });
  }

  private onReceived(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const { from, flags, incarnation, tag } = decodeFetch(call.request);
    cb(null, Buffer.alloc(0));
    this.noteReader(from, flags, incarnation);
    const key = `${from}|${tag}`;
    const delivered = this.unconfirmed.get(key);
    this.unconfirmed.delete(key);
    delivered?.();
  }

  /**
   * A fetcher of the known incarnation that reads this task's files gets its next payloads in files. Its Received is
   * a second chance: the rendezvous's first Fetch may come before this task found the fetcher.
   */
  private noteReader(from: number, flags: number, incarnation: string): void {
    if (this.known.get(from) === incarnation && (flags & READS_FILES) !== 0) this.readers.add(from);
  }

  private onAbort(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const header = decodeControl(call.request);
    cb(null, Buffer.alloc(0));
    const known = this.known.get(header.from);
    if (known !== undefined && known !== header.incarnation) return;
    const finished = header.finished === true;
    this.fail(header.from, finished ? `finished (${header.reason})` : `failed: ${header.reason}`, finished);
  }

  /**
   * A peer is gone. When it failed, every wait of this task fails with its reason (in a ring, the step cannot finish
   * without it); when it finished, only waits on it do, except a Fetch already asked of it (that call settles itself).
   */
  private fail(from: number, reason: string, finished: boolean): void {
    this.gone.set(from, { reason, finished });
    if (finished) {
      // A peer that finished its last step had received everything it fetched from us (its Received may trail).
      for (const [key, delivered] of [...this.unconfirmed]) {
        if (key.startsWith(`${from}|`)) {
          this.unconfirmed.delete(key);
          delivered();
        }
      }
    }
    const name = this.peerName(from);
    const address = this.peers.find((p) => p.index === from)?.address ?? '';
    const error = this.error('PEER_FAILED', `${name} (${address}) ${reason}`);
    for (const w of [...this.waiters]) {
      if (finished ? w.peer === from && !w.fetch : true) w.reject(error);
    }
    if (this.training && !finished) this.onFatal(error);
  }
}
