import type { CapturedConnection, PacketCaptureData } from '../../shared/probe-data-info.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { packetsOf } from '../forensics/reset-origin.js';
import { connectionStory } from './connection-timeline.js';
import { NO_CAPTURE } from './reset-origin-probe.js';
import { runConversations } from './run-conversations.js';

// Declared where the faces read them too (they draw the timelines).
export type { CapturedConnection, PacketCaptureData } from '../../shared/probe-data-info.js';

/**
 * Every connection of the run as a timeline: what we sent and our sockets saw, merged with the TCP
 * packets that answered (SYN-ACK, data, RST with TTL, IP ID and window) when they can be captured, and
 * after what each one ended. Without capture the timelines still tell the phase and the bytes.
 */
export const packetCaptureProbe: ProbeDefinition<PacketCaptureData> = {
  id: 'packet-capture',
  title: 'Packets that answered our probes',
  async run(ctx) {
    const capture = ctx.env.capture;
    const conversations = runConversations(ctx.results);
    if (!capture && conversations.length === 0) return { status: 'skipped', reason: NO_CAPTURE };
    const packets = capture?.packets() ?? [];
    const connections: CapturedConnection[] = conversations.map(({ label, role, conversation: c }) => ({
      id: c.id,
      role,
      connection: label,
      address: c.address,
      port: c.port,
      localPort: c.localPort,
      localAddress: c.localAddress ?? null,
      outcome: c.outcome,
      phase: c.phase,
      ...connectionStory(c, capture ? packetsOf(c, packets) : null),
    }));
    const data: PacketCaptureData = {
      note: capture
        ? capture.note
        : `Packets were not captured (${NO_CAPTURE}): the timelines show only what the probes' own sockets saw.`,
      captured: capture !== null,
      packetCount: packets.length,
      connections,
    };
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const seen = connections.reduce(
      (n, c) => n + c.timeline.filter((t) => t.direction === 'received').length,
      0,
    );
    const head = capture
      ? `${count(seen, 'packet')} from the target matched ${count(connections.length, 'connection')}`
      : `Packets were not captured; ${count(connections.length, 'connection')} from the probes' own clocks`;
    const bad = connections.filter((c) => c.end.how !== 'complete');
    const shown = bad.find((c) => c.role === 'request') ?? bad[0];
    const tail = shown
      ? `. ${shown.connection}: ${shown.afterWhat}${bad.length > 1 ? ` (and ${count(bad.length - 1, 'other')})` : ''}`
      : '';
    return { status: 'complete', summary: `${head}${tail}`, assessment: 'ok', data };
  },
};
