// net-ping ships no types; these cover what Reset Doctor uses, including the per-request queue that
// lets one session send echo requests with different TTLs at once.
declare module 'net-ping' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'raw-socket';

  export const NetworkProtocol: { IPv4: number; IPv6: number };

  export interface SessionOptions {
    networkProtocol?: number;
    packetSize?: number;
    retries?: number;
    sessionId?: number;
    timeout?: number;
    ttl?: number;
  }

  export type PingCallback = (error: Error | null, target: string, sent?: Date, rcvd?: Date) => void;

  export interface QueuedRequest {
    id: number;
    retries: number;
    timeout: number;
    callback: PingCallback;
    target: string;
    ttl?: number;
  }

  export class Session extends EventEmitter {
    socket: Socket;
    pingHost(target: string, callback: PingCallback): this;
    close(): void;
    getSocket(): Socket;
    _generateId(): number | undefined;
    reqQueue(req: QueuedRequest): this;
    reqRemove(id: number): QueuedRequest | undefined;
  }

  export function createSession(options?: SessionOptions): Session;

  export class RequestTimedOutError extends Error {}
  export class TimeExceededError extends Error {
    source: string;
  }
  export class DestinationUnreachableError extends Error {
    source: string;
  }
  export class PacketTooBigError extends Error {
    source: string;
  }

  const netPing: {
    createSession: typeof createSession;
    NetworkProtocol: typeof NetworkProtocol;
    RequestTimedOutError: typeof RequestTimedOutError;
    TimeExceededError: typeof TimeExceededError;
    DestinationUnreachableError: typeof DestinationUnreachableError;
    PacketTooBigError: typeof PacketTooBigError;
  };
  export default netPing;
}
