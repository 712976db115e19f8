import type { SocketState } from './conversation-types.js';
import type { SystemIo } from './engine-io.js';
import { parseSsOutput, plainAddress } from '../parsers/socket-table-parser.js';

/** Reads one connection's TCP state by its local port and peer, or null when the OS cannot say. */
export type SocketStateReader = (
  connection: { localPort: number; address: string; port: number },
  signal: AbortSignal,
) => Promise<SocketState | null>;

/**
 * Linux's `ss -ti` for one local port: unacknowledged segments and retransmissions are what tell a
 * request the server received (and is processing) from one the path drops, without raw sockets.
 * Elsewhere (no ss) there is no reading, and a silent request is simply waited out.
 */
export function ssSocketStateReader(system: SystemIo, ss: string, now: () => number): SocketStateReader {
  return async ({ localPort, address, port }, signal) => {
    let stdout: string;
    try {
      ({ stdout } = await system.run(ss, ['-tinH', 'sport', '=', `:${localPort}`], {
        timeoutMs: 1000,
        signal,
      }));
    } catch {
      return null;
    }
    const own = parseSsOutput(stdout).find(
      (s) => s.localPort === localPort && s.remotePort === port && plainAddress(s.remoteAddress) === address,
    );
    if (!own || own.bytesSent === null || own.bytesAcked === null) return null;
    return {
      at: now(),
      unacked: own.unacked ?? 0,
      retransmits: own.retransmits ?? 0,
      bytesSent: own.bytesSent,
      bytesAcked: own.bytesAcked,
      bytesReceived: own.bytesReceived ?? 0,
      rttMs: own.rttMs,
    };
  };
}
