import type { ProbeDefinition } from '../runner/probe-types.js';
import { countedResets, judgeResets, serverReference, type ResetVerdict } from '../forensics/reset-origin.js';
import { pingProbe } from './ping-probe.js';
import { NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { bareOutcome, tcpConnectProbe } from './tcp-connect-probe.js';
import { tracerouteProbe } from './traceroute-probe.js';

export interface PathEvidenceItem {
  kind: 'silent-drop' | 'foreign-reset' | 'icmp-unreachable';
  text: string;
  hop: number | null;
}

export interface PathEvidenceData {
  items: PathEvidenceItem[];
  resets: ResetVerdict[];
}

/** What the connectivity probes say about devices between here and the server. */
export const pathEvidenceProbe: ProbeDefinition<PathEvidenceData> = {
  id: 'path-evidence',
  title: 'Firewalls on the path',
  async run(ctx) {
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const tcp = ctx.results.data(tcpConnectProbe);
    if (!tcp) return { status: 'skipped', reason: 'the TCP connect probe did not run' };
    const ping = ctx.results.data(pingProbe);
    const trace = ctx.results.data(tracerouteProbe);
    const items: PathEvidenceItem[] = [];
    const hostAnswers = (ping?.received ?? 0) > 0 || trace?.reached === true;
    if (bareOutcome(tcp) === 'timeout' && hostAnswers) {
      const lastHop = trace?.destinationHop ? ` (${trace.destinationHop} hops away)` : '';
      items.push({
        kind: 'silent-drop',
        text: `${address.address} answers ICMP${lastHop} but the SYN to port ${tcp.port} got no answer at all: something drops it silently`,
        hop: null,
      });
    }
    if (trace?.unreachableAt) {
      const hop = trace.hops[trace.unreachableAt - 1];
      items.push({
        kind: 'icmp-unreachable',
        text: `hop ${trace.unreachableAt} (${hop?.address}) answers "unreachable"`,
        hop: trace.unreachableAt,
      });
    }
    let resets: ResetVerdict[] = [];
    const capture = ctx.env.capture;
    if (capture) {
      const packets = capture.packets();
      const reference = serverReference(
        address.address,
        packets,
        ping?.replyTtl ?? null,
        trace?.destinationHop ?? null,
      );
      resets = judgeResets(
        tcp.attempts.map((c, i) => ({
          label: `tcp-connect #${i + 1}`,
          role: 'connect' as const,
          conversation: c,
        })),
        packets,
        reference,
      );
      for (const r of countedResets(resets).filter((v) => v.origin === 'path')) {
        items.push({
          kind: 'foreign-reset',
          text: `a reset did not come from the server: ${r.reason}`,
          hop: r.hop,
        });
      }
    }
    const data: PathEvidenceData = { items, resets };
    if (items.length === 0) {
      const how = capture
        ? 'no silent drop, no reset from the path'
        : 'no silent drop (resets could not be captured without raw sockets)';
      return {
        status: 'complete',
        // Only the connect test's connections are judged here: a reset the request met later (Who sent
        // the reset) may still come from the path, so this does not speak for the whole run.
        summary: `Nothing on the path interfered with the connect test: ${how}`,
        assessment: 'ok',
        data,
      };
    }
    return { status: 'complete', summary: items.map((i) => i.text).join('; '), assessment: 'fail', data };
  },
};
