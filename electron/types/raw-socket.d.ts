declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  export interface SocketOptions {
    addressFamily?: number;
    protocol?: number;
    bufferSize?: number;
    generateChecksums?: boolean;
    checksumOffset?: number;
  }

  export class Socket extends EventEmitter {
    recvPaused: boolean;
    close(): this;
    pauseRecv(): this;
    resumeRecv(): this;
    setOption(level: number, option: number, value: number): void;
    /** beforeCallback runs just before the packet goes out: the place to set a per-packet TTL. */
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      beforeCallback: () => void,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): this;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  export function createSocket(options?: SocketOptions): Socket;

  export const AddressFamily: { IPv4: number; IPv6: number };
  export const Protocol: { None: number; ICMP: number; TCP: number; UDP: number; ICMPv6: number };
  export const SocketLevel: Record<string, number>;
  export const SocketOption: Record<string, number>;

  const raw: {
    Socket: typeof Socket;
    createSocket: typeof createSocket;
    AddressFamily: typeof AddressFamily;
    Protocol: typeof Protocol;
    SocketLevel: typeof SocketLevel;
    SocketOption: typeof SocketOption;
  };
  export default raw;
}
