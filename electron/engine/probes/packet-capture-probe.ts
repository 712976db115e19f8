import type { ProbeDefinition } from '../runner/probe-types.js';
import { packetsOf } from '../diagnosis/reset-origin.js';
import { NO_CAPTURE } from './reset-origin-probe.js';
import { runConversations } from './run-conversations.js';

export interface CapturedConnection {
  connection: string;
  /** The server end of this connection: the address the probe really talked to. */
  address: string;
  port: number;
  localPort: number | null;
  outcome: string;
  phase: string;
  /** What we did, from the probe's own clock, merged with what the raw socket saw come back. */
  timeline: {
    at: number;
    direction: 'sent' | 'received' | 'event';
    what: string;
    ttl?: number | null;
    ipId?: number | null;
    window?: number;
  }[];
}

export interface PacketCaptureData {
  note: string;
  packetCount: number;
  connections: CapturedConnection[];
}

/** The TCP packets that answered each of our connections: SYN-ACK, RST, data, with TTL, IP ID and window. */
export const packetCaptureProbe: ProbeDefinition<PacketCaptureData> = {
  id: 'packet-capture',
  title: 'Packets that answered our probes',
  async run(ctx) {
    const capture = ctx.env.capture;
    if (!capture) return { status: 'skipped', reason: NO_CAPTURE };
    const packets = capture.packets();
    const connections: CapturedConnection[] = runConversations(ctx.results).map(
      ({ label, conversation: c }) => {
        const received = packetsOf(c, packets).map((p) => ({
          at: p.at,
          direction: 'received' as const,
          what: `${p.tcp!.flags}${p.tcp!.payloadLength ? ` ${p.tcp!.payloadLength} bytes` : ''}`,
          ttl: p.ttl,
          ipId: p.ipId,
          window: p.tcp!.window,
        }));
        const own = c.events.map((e) => ({
          at: e.at,
          direction: e.kind === 'sent' || e.kind === 'connect-start' ? ('sent' as const) : ('event' as const),
          what: e.kind === 'connect-start' ? 'SYN' : `${e.kind}${e.bytes ? ` ${e.bytes} bytes` : ''}`,
        }));
        return {
          connection: label,
          address: c.address,
          port: c.port,
          localPort: c.localPort,
          outcome: c.outcome,
          phase: c.phase,
          timeline: [...own, ...received].sort((a, b) => a.at - b.at),
        };
      },
    );
    const seen = connections.reduce(
      (n, c) => n + c.timeline.filter((t) => t.direction === 'received').length,
      0,
    );
    const data: PacketCaptureData = { note: capture.note, packetCount: packets.length, connections };
    return {
      status: 'complete',
      summary: `${seen} packet${seen === 1 ? '' : 's'} from the target matched ${connections.length} connection${connections.length === 1 ? '' : 's'}`,
      assessment: 'ok',
      data,
    };
  },
};
