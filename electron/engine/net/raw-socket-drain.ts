import raw, { type Socket } from 'raw-socket';

const EAGAIN = /temporarily unavailable|EAGAIN|would block/i;
const MAX_PER_WAKEUP = 256;

type RecvWrap = {
  recv(buffer: Buffer, callback: (buffer: Buffer, bytes: number, source: string) => void): void;
};
type SocketInternals = Socket & {
  wrap: RecvWrap;
  buffer: Buffer;
  emit(event: string, ...args: unknown[]): boolean;
};

let patched = false;

/**
 * raw-socket reads one packet each time the socket becomes readable. A burst (ninety traceroute
 * replies, a capture during a concurrency test) then waits one event-loop turn per packet, and every
 * timestamp taken on arrival drifts late. Read until the socket is empty instead.
 */
export function drainRawSocketsOnWakeup(): void {
  if (patched) return;
  patched = true;
  const proto = raw.Socket.prototype as unknown as { onRecvReady(this: SocketInternals): void };
  proto.onRecvReady = function onRecvReady(this: SocketInternals) {
    for (let i = 0; i < MAX_PER_WAKEUP; i++) {
      try {
        this.wrap.recv(this.buffer, (buffer, bytes, source) => {
          this.emit('message', buffer.subarray(0, bytes), source);
        });
      } catch (error) {
        if (!EAGAIN.test((error as Error).message)) this.emit('error', error);
        return;
      }
    }
  };
}
