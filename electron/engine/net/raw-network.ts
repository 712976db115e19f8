import { firstLine } from './errno-failure.js';

type NetPingModule = typeof import('./net-ping-io.js');
type CaptureModule = typeof import('./node-packet-capture.js');
type ReplayModule = typeof import('./node-ttl-replay-io.js');

export interface RawNetwork {
  createNetPingIo: NetPingModule['createNetPingIo'];
  startPacketCapture: CaptureModule['startPacketCapture'];
  startPacketStream: CaptureModule['startPacketStream'];
  canOpenRawSockets: CaptureModule['canOpenRawSockets'];
  createTtlReplayIo: ReplayModule['createTtlReplayIo'];
}

/**
 * How to get raw sockets on Linux and macOS, said the same way wherever it is said: sudo for the run, or
 * the capability on a copy of node kept for Reset Doctor, never on the system's node, which would give
 * raw sockets to every Node.js script on the machine (README, "Raw sockets").
 */
export const RAW_SOCKET_GRANT =
  'run with sudo, or grant the capability to a copy of node kept for Reset Doctor (sudo setcap cap_net_raw+ep on that copy, never on the system node: see the README)';

let loaded: Promise<RawNetwork | { error: string }> | null = null;

/**
 * The raw-socket native module, loaded on first use. Loading can fail where the module was built for
 * another runtime (Electron's ABI, say) or not built at all; the engine then runs without raw sockets
 * instead of failing to start.
 */
export function loadRawNetwork(): Promise<RawNetwork | { error: string }> {
  loaded ??= Promise.all([
    import('./net-ping-io.js'),
    import('./node-packet-capture.js'),
    import('./node-ttl-replay-io.js'),
  ]).then(
    ([ping, capture, replay]) => ({
      createNetPingIo: ping.createNetPingIo,
      startPacketCapture: capture.startPacketCapture,
      startPacketStream: capture.startPacketStream,
      canOpenRawSockets: capture.canOpenRawSockets,
      createTtlReplayIo: replay.createTtlReplayIo,
    }),
    (error: unknown) => ({
      error: `the raw-socket module did not load (${firstLine((error as Error)?.message)})`,
    }),
  );
  return loaded;
}
