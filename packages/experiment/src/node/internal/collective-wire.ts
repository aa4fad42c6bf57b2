/**
 * The bytes of the collective transport (collective-transport.ts): the gRPC service (four unary methods on raw
 * Buffers), the channel options, control messages (JSON: rare and small), Fetch requests and data frames (a fixed raw
 * layout, never JSON). Owns: layouts and their encoding. Does not own: when anything is sent, or what it means.
 */
import * as grpc from '@grpc/grpc-js';
import type { SameHostFile } from './same-host-files.js';

/** Control messages (Hello, Abort): rare and small, so JSON. */
export interface Header {
  readonly from: number;
  readonly incarnation: string;
  readonly reason?: string;
  readonly finished?: boolean;
  /** Hello only: the sender's state, so a process of an older incarnation can tell it was replaced. */
  readonly training?: boolean;
  /** Hello only: the sender's probe file (same-host-files.ts), when it can send payloads through files. */
  readonly probe?: string;
}

/** What a peer's Hello answered: its incarnation, and its probe file when it has one. */
export interface HelloAnswer {
  readonly incarnation: string;
  readonly probe?: string;
}

const passThrough = (b: Buffer) => b;
/**
 * What to do once grpc-js copied a frame into its own message buffer. grpc-js calls the serializer and copies its
 * result in the same synchronous call, so a microtask queued by the serializer runs after the copy: the frame can go
 * back to the pool for the next step instead of becoming garbage (megabytes a step make the GC a large share of the
 * exchange's CPU time).
 */
const afterCopy = new WeakMap<Buffer, () => void>();

/** Runs `release` once grpc-js has copied `frame` (the answer of a Fetch) into its own buffer. */
export function releaseAfterCopy(frame: Buffer, release: () => void): void {
  afterCopy.set(frame, release);
}
const serializeFrame = (b: Buffer) => {
  const release = afterCopy.get(b);
  if (release) {
    afterCopy.delete(b);
    queueMicrotask(release);
  }
  return b;
};
const method = (name: string, responseSerialize = passThrough) => ({
  path: `/estimatorjs.Collective/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: passThrough,
  requestDeserialize: passThrough,
  responseSerialize,
  responseDeserialize: passThrough,
});
export const SERVICE = {
  Hello: method('Hello'),
  Fetch: method('Fetch', serializeFrame),
  Received: method('Received'),
  Abort: method('Abort'),
};
export const ClientCtor = grpc.makeGenericClientConstructor(SERVICE, 'Collective');
type Unary = (
  message: Buffer,
  options: grpc.CallOptions,
  callback: (e: grpc.ServiceError | null, response?: Buffer) => void,
) => grpc.ClientUnaryCall;
export type CollectiveClient = grpc.Client & Record<keyof typeof SERVICE, Unary>;

/** The receive window of each client (stream and connection): a whole ring chunk of a large model flows unpaused. */
const FLOW_CONTROL_WINDOW = 64 * 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
  // A peer that restarts must be found again within about a second, not after grpc's default 2-minute backoff.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};

/** Incarnations are UUIDs: 36 ASCII bytes. */
const INCARNATION_BYTES = 36;
/**
 * A data frame: the sender's incarnation, its kind (1 byte), 2 bytes of padding, the payload. grpc-js hands the
 * receiver the message 5 bytes into its buffer (after the gRPC length prefix), so 5 + 39 puts the float32 payload on a
 * 4-byte boundary and the receiver can read it in place instead of copying it.
 */
const FRAME_HEADER_BYTES = 39;
/** The frame's kind: the payload follows the header (INLINE), or a u32 byte length and its file's name (IN_FILE). */
const INLINE = 0;
const IN_FILE = 1;
/**
 * Payloads from this size go through a file when the peer can read this task's files: below it the bytes cost less in
 * the RPC than the two system calls (a bias; a ring chunk of a tiny model).
 */
export const MIN_FILE_BYTES = 64 * 1024;
/** A Fetch request's flag: the fetcher reads this task's files (it read back the probe its Hello named). */
export const READS_FILES = 1;

export function encodeControl(header: Header): Buffer {
  return Buffer.from(JSON.stringify(header));
}

export function decodeControl(b: Buffer): Header {
  return JSON.parse(b.toString()) as Header;
}

/** A Fetch (and Received) request: [u16 from][u8 flags][incarnation][tag, UTF-8]. */
export function encodeFetch(from: number, flags: number, incarnation: string, tag: string): Buffer {
  const out = Buffer.allocUnsafe(3 + INCARNATION_BYTES + Buffer.byteLength(tag));
  out.writeUInt16LE(from, 0);
  out.writeUInt8(flags, 2);
  out.write(incarnation, 3, INCARNATION_BYTES, 'latin1');
  out.write(tag, 3 + INCARNATION_BYTES, 'utf8');
  return out;
}

export function decodeFetch(b: Buffer): { from: number; flags: number; incarnation: string; tag: string } {
  return {
    from: b.readUInt16LE(0),
    flags: b.readUInt8(2),
    incarnation: b.toString('latin1', 3, 3 + INCARNATION_BYTES),
    tag: b.toString('utf8', 3 + INCARNATION_BYTES),
  };
}

/**
 * The frame of a payload sent in the RPC: header, then a copy of the bytes (the caller may reuse `payload`), in a
 * buffer of the frame's size from `spare` when it has one.
 */
export function inlineFrame(
  incarnation: string,
  payload: ArrayBufferView,
  spare: (size: number) => Buffer | undefined,
): Buffer {
  const size = FRAME_HEADER_BYTES + payload.byteLength;
  const frame = spare(size) ?? Buffer.allocUnsafe(size);
  frame.write(incarnation, 0, INCARNATION_BYTES, 'latin1');
  frame[INCARNATION_BYTES] = INLINE;
  frame.set(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), FRAME_HEADER_BYTES);
  return frame;
}

/** The frame of a payload written to `file`: header, the payload's length and the file's name. */
export function fileFrame(incarnation: string, file: SameHostFile): Buffer {
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + 4 + Buffer.byteLength(file.name));
  frame.write(incarnation, 0, INCARNATION_BYTES, 'latin1');
  frame[INCARNATION_BYTES] = IN_FILE;
  frame.writeUInt32LE(file.byteLength, FRAME_HEADER_BYTES);
  frame.write(file.name, FRAME_HEADER_BYTES + 4, 'utf8');
  return frame;
}

/**
 * A data frame as the fetcher got it: the sender's incarnation, and either the payload (a view into grpc-js's buffer,
 * read in place) or the file it is in.
 */
export function decodeFrame(
  b: Buffer,
):
  | { incarnation: string; payload: Buffer; file?: undefined }
  | { incarnation: string; file: { name: string; byteLength: number } } {
  const incarnation = b.toString('latin1', 0, INCARNATION_BYTES);
  if (b[INCARNATION_BYTES] !== IN_FILE) return { incarnation, payload: b.subarray(FRAME_HEADER_BYTES) };
  const byteLength = b.readUInt32LE(FRAME_HEADER_BYTES);
  return { incarnation, file: { name: b.toString('utf8', FRAME_HEADER_BYTES + 4), byteLength } };
}
