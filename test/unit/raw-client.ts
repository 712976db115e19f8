import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

// Hostile clients for the browser mode's server: bytes go out as written, so request targets and
// WebSocket frames reach the server unnormalised (http.request and the ws client would fix them up).

/** Writes `data` to 127.0.0.1:port and returns everything the server sent until it closed (or `ms`). */
export function rawRequest(port: number, data: string | Buffer, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(data);
  });
}

/** The status code of a raw HTTP answer, or 0 when the server sent none. */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** A GET request as a browser on the same machine would send it, with the target exactly as given. */
export function httpGet(port: number, target: string, headers: Record<string, string> = {}): string {
  const all = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A WebSocket upgrade request for `target`, with a same-origin Origin unless headers say otherwise. */
export function upgradeRequest(port: number, target: string, headers: Record<string, string> = {}): string {
  const all = {
    Host: `127.0.0.1:${port}`,
    Origin: `http://127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** A WebSocket after the handshake, on a bare socket: frames go out as built, frames in are parsed. */
export interface RawWebSocket {
  socket: Socket;
  send(frame: Buffer): void;
  /** Resolves with the frames received once one matches, or the socket closed, or `ms` passed. */
  until(match: (f: Frame) => boolean, ms?: number): Promise<Frame[]>;
}

export function rawWebSocket(port: number, target: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let open = false;
    let closed = false;
    const frames: Frame[] = [];
    const waiters = new Set<() => void>();
    const wake = () => waiters.forEach((w) => w());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      if (!open) reject(new Error(`closed before the handshake: ${buffer.toString('latin1')}`));
      wake();
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (statusOf(head) !== 101) {
          socket.destroy();
          reject(new Error(head.split('\r\n')[0]));
          return;
        }
        open = true;
        buffer = buffer.subarray(end + 4);
        resolve({ socket, send: (f) => socket.write(f), until });
      }
      for (let f = readFrame(buffer); f; f = readFrame(buffer)) {
        frames.push(f.frame);
        buffer = buffer.subarray(f.size);
      }
      wake();
    });
    const until = (match: (f: Frame) => boolean, ms = 3000) =>
      new Promise<Frame[]>((done) => {
        const check = () => {
          if (!closed && !frames.some(match)) return;
          finish();
        };
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
          done([...frames]);
        };
        const timer = setTimeout(finish, ms);
        waiters.add(check);
        check();
      });
    socket.write(upgradeRequest(port, target));
  });
}

function readFrame(buffer: Buffer): { frame: Frame; size: number } | null {
  if (buffer.length < 2) return null;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  return {
    frame: { opcode: buffer[0]! & 0x0f, payload: buffer.subarray(offset, offset + length) },
    size: offset + length,
  };
}

/**
 * A client frame. `claimedLength` puts another length in the header than the payload has (an oversize
 * frame is refused on its header alone); `masked: false` breaks the rule that clients mask.
 */
export function frame(
  opcode: number,
  payload: Buffer | string,
  options: { claimedLength?: number; masked?: boolean; rsv?: number } = {},
): Buffer {
  const body = Buffer.from(payload);
  const length = options.claimedLength ?? body.length;
  const masked = options.masked ?? true;
  const head = [0x80 | ((options.rsv ?? 0) << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126) head.push(maskBit | length);
  else if (length < 0x10000) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, body]);
  const mask = randomBytes(4);
  const out = Buffer.from(body.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), extended, mask, out]);
}

/** The status code of a close frame (1000, 1002, 1003, 1007, 1009, …), or null. */
export function closeCode(frames: Frame[]): number | null {
  const close = frames.find((f) => f.opcode === 8);
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null;
}
