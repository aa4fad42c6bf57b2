/**
 * The wire under the collective all-reduce: one gRPC server per task and a client to each peer (@grpc/grpc-js over
 * HTTP/2), with three unary methods — Hello (is the peer up, and which incarnation is it), Send (one tagged chunk of
 * a collective) and Abort (this peer is gone, and why). Owns: framing, the mailbox of received chunks, deadlines,
 * incarnations. Does not own: the ring algorithm or the rendezvous policy (collective-all-reduce.ts).
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ExperimentError } from '../../errors.js';

/** A peer as the transport sees it: its replica index, a name for messages (`worker:0`), its address. */
export interface Peer {
  readonly index: number;
  readonly name: string;
  readonly address: string;
}

interface Header {
  readonly from: number;
  readonly incarnation: string;
  readonly tag?: string;
  readonly reason?: string;
  readonly finished?: boolean;
  /** Hello only: the sender's state, so a process of an older incarnation can tell it was replaced. */
  readonly training?: boolean;
}

const passThrough = (b: Buffer) => b;
const method = (name: string) => ({
  path: `/estimatorjs.Collective/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: passThrough,
  requestDeserialize: passThrough,
  responseSerialize: passThrough,
  responseDeserialize: passThrough,
});
const SERVICE = { Hello: method('Hello'), Send: method('Send'), Abort: method('Abort') };
const ClientCtor = grpc.makeGenericClientConstructor(SERVICE, 'Collective');
type Unary = (
  message: Buffer,
  options: grpc.CallOptions,
  callback: (e: grpc.ServiceError | null, response?: Buffer) => void,
) => grpc.ClientUnaryCall;
type CollectiveClient = grpc.Client & Record<keyof typeof SERVICE, Unary>;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  // A peer that restarts must be found again within about a second, not after grpc's default 2-minute backoff.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};

function encode(header: Header, payload?: ArrayBufferView): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const out = Buffer.allocUnsafe(4 + h.length + (payload?.byteLength ?? 0));
  out.writeUInt32LE(h.length, 0);
  h.copy(out, 4);
  if (payload) Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(out, 4 + h.length);
  return out;
}

function decode(b: Buffer): { header: Header; payload: Buffer } {
  const n = b.readUInt32LE(0);
  return { header: JSON.parse(b.subarray(4, 4 + n).toString()) as Header, payload: b.subarray(4 + n) };
}

interface Waiter {
  resolve(payload: Buffer): void;
  reject(e: Error): void;
}

/** Why a peer is gone: it failed, finished, or a newer incarnation replaced it. */
type Gone = { readonly reason: string };

export class CollectiveTransport {
  readonly incarnation = randomUUID();
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  private readonly clients = new Map<number, CollectiveClient>();
  private readonly known = new Map<number, string>();
  private readonly mailbox = new Map<string, { incarnation: string; payload: Buffer }>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly gone = new Map<number, Gone>();
  private training = false;
  private closed = false;
  /** Set when something outside a receive makes this task fail (a peer restarted while we trained). */
  onFatal: (e: Error) => void = () => {};

  constructor(
    private readonly self: Peer,
    private readonly peers: readonly Peer[],
    private readonly api: string,
  ) {
    this.server.addService(SERVICE, {
      Hello: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.onHello(call, cb),
      Send: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.onSend(call, cb),
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
  }

  /** One Hello; resolves with the peer's incarnation, rejects when it is not up (or is a stale incarnation). */
  hello(peer: Peer, deadlineMs: number): Promise<string> {
    const client = this.clients.get(peer.index)!;
    const msg = encode({ from: this.self.index, incarnation: this.incarnation, training: this.training });
    return new Promise((resolve, reject) => {
      client.Hello(msg, { deadline: Date.now() + deadlineMs }, (e, res) => {
        if (e || !res) return reject(e ?? new Error('no response'));
        const { header } = decode(res);
        resolve(header.incarnation);
      });
    });
  }

  /** Records the incarnation of a peer found by Hello and drops anything an older incarnation of it sent. */
  adopt(peer: Peer, incarnation: string): void {
    this.known.set(peer.index, incarnation);
    this.gone.delete(peer.index);
    for (const [key, m] of this.mailbox) {
      if (key.startsWith(`${peer.index}|`) && m.incarnation !== incarnation) this.mailbox.delete(key);
    }
  }

  /** Sends one tagged chunk; rejects with a message naming the peer when it is unreachable or too slow. */
  send(peer: Peer, tag: string, payload: ArrayBufferView, timeoutMs: number): Promise<void> {
    const client = this.clients.get(peer.index)!;
    const msg = encode({ from: this.self.index, incarnation: this.incarnation, tag }, payload);
    return new Promise((resolve, reject) => {
      client.Send(msg, { deadline: Date.now() + timeoutMs }, (e) => {
        if (!e) return resolve();
        const why =
          e.code === grpc.status.DEADLINE_EXCEEDED
            ? `did not take ${tag} within ${timeoutMs / 1000} s (hung?)`
            : e.code === grpc.status.UNAVAILABLE
              ? `is unreachable (${e.details || 'connection failed'}; died?)`
              : `refused ${tag}: ${e.details || e.message}`;
        reject(this.error('PEER_FAILED', `${peer.name} (${peer.address}) ${why}`));
      });
    });
  }

  /** Waits for the chunk `tag` from `peer`; rejects when the peer is gone or after `timeoutMs`. */
  receive(peer: Peer, tag: string, timeoutMs: number): Promise<Buffer> {
    const key = `${peer.index}|${tag}`;
    const ready = this.mailbox.get(key);
    if (ready && ready.incarnation === this.known.get(peer.index)) {
      this.mailbox.delete(key);
      return Promise.resolve(ready.payload);
    }
    const gone = this.gone.get(peer.index);
    if (gone) return Promise.reject(this.error('PEER_FAILED', `${peer.name} (${peer.address}) ${gone.reason}`));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(
          this.error(
            'PEER_TIMEOUT',
            `${peer.name} (${peer.address}) sent nothing for ${tag} within ${timeoutMs / 1000} s (hung or died?)`,
          ),
        );
      }, timeoutMs);
      timer.unref?.();
      this.waiters.set(key, {
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Tells every peer this task is gone (best effort, short deadline), then stops serving. */
  async close(reason: string | null): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const msg = encode({
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
    for (const w of this.waiters.values()) w.reject(this.error('CLUSTER_CLOSED', `${this.self.name} stopped`));
    this.waiters.clear();
    this.server.forceShutdown();
  }

  private peerName(index: number): string {
    return this.peers.find((p) => p.index === index)?.name ?? `replica ${index}`;
  }

  private error(code: string, detail: string): ExperimentError {
    return new ExperimentError(code, `${this.api}: ${this.self.name}: ${detail}.`);
  }

  private onHello(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const { header } = decode(call.request);
    const known = this.known.get(header.from);
    if (this.training && known !== undefined && known !== header.incarnation) {
      // A peer came back while this process still trains with its old incarnation: this process is stale too.
      // Refuse the peer (it retries until our replacement answers) and fail here, so the job restarts together.
      cb({ code: grpc.status.UNAVAILABLE, details: 'this task is being replaced' });
      this.fail(header.from, `${this.peerName(header.from)} restarted (new incarnation) while training`);
      return;
    }
    cb(null, encode({ from: this.self.index, incarnation: this.incarnation, training: this.training }));
  }

  private onSend(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const { header, payload } = decode(call.request);
    const known = this.known.get(header.from);
    if (known !== undefined && known !== header.incarnation) {
      cb({ code: grpc.status.FAILED_PRECONDITION, details: `stale incarnation of ${this.peerName(header.from)}` });
      return;
    }
    const key = `${header.from}|${header.tag}`;
    const waiter = this.waiters.get(key);
    if (waiter && known !== undefined) {
      this.waiters.delete(key);
      waiter.resolve(Buffer.from(payload));
    } else {
      // grpc reuses nothing of the request buffer after the callback, but copying keeps ownership simple.
      this.mailbox.set(key, { incarnation: header.incarnation, payload: Buffer.from(payload) });
    }
    cb(null, Buffer.alloc(0));
  }

  private onAbort(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>): void {
    const { header } = decode(call.request);
    cb(null, Buffer.alloc(0));
    const known = this.known.get(header.from);
    if (known !== undefined && known !== header.incarnation) return;
    this.fail(header.from, header.finished ? `finished (${header.reason})` : `failed: ${header.reason}`);
  }

  private fail(from: number, reason: string): void {
    this.gone.set(from, { reason });
    const name = this.peerName(from);
    const address = this.peers.find((p) => p.index === from)?.address ?? '';
    for (const [key, w] of this.waiters) {
      if (key.startsWith(`${from}|`)) {
        this.waiters.delete(key);
        w.reject(this.error('PEER_FAILED', `${name} (${address}) ${reason}`));
      }
    }
    if (this.training && !reason.startsWith('finished')) {
      this.onFatal(this.error('PEER_FAILED', `${name} (${address}) ${reason}`));
    }
  }
}
