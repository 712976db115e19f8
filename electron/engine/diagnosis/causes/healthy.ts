import type { EvidenceItem, SettleStep } from '../../../shared/cause-info.js';
import { CAPTURE_STEP, optionStep } from '../hypothesis.js';
import type { Observation, Observations } from '../observation-types.js';

/** Why no fault can be called healthy: an observation that shows one, whatever explains it. */
export function healthyVeto(o: Observation): string | null {
  switch (o.kind) {
    case 'dns-failed':
    case 'unreachable':
    case 'host-silent':
    case 'resets':
    case 'cancelled':
    case 'local-error':
      return o.text;
    case 'connect':
      return o.outcome === 'complete' ? null : o.text;
    case 'requests':
      return o.failed > 0 ? o.text : null;
    case 'mtu':
      return o.verdict === 'blackhole' ? o.text : null;
    case 'idle':
      return o.timeoutSeconds !== null ? o.text : null;
    case 'concurrency':
      return o.limit !== null ? o.text : null;
    case 'rate':
      return o.limited ? o.text : null;
    case 'ping':
      return o.lost >= 2 && o.lossPercent >= 5 ? o.text : null;
    case 'recovery':
      return o.stoppedAccepting ? o.text : null;
    default:
      return null;
  }
}

interface Part {
  share: number;
  item: EvidenceItem | null;
  missing: SettleStep | null;
}

/**
 * How much of the conversation the run exercised without a fault: the request, its repeats (an
 * intermittent fault rarer than one in n would slip through), the load ramps, idle connections, the
 * path's size limit, the capture. Each part counts for a share; the shares sum to 1.
 */
export function coverage(all: Observations): {
  confidence: number;
  evidence: EvidenceItem[];
  settle: SettleStep[];
} {
  const requests = all.one('requests');
  const repeats = requests ? requests.total - 1 : 0;
  const concurrency = all.one('concurrency');
  const rate = all.one('rate');
  const idle = all.one('idle');
  const mtu = all.one('mtu');
  const ping = all.one('ping');
  const parts: Part[] = [
    // The request counts for most; its repeats for the rest of its share, up to ten of them.
    part(0.45 + 0.2 * Math.min(1, repeats / 10), requests && requests.failed === 0 ? requests : null, null),
    ...(repeats < 10 && requests && requests.failed === 0
      ? [
          part(
            0,
            null,
            optionStep('repeat', 10, 'A reset that comes one time in a few shows up in the count.'),
          ),
        ]
      : []),
    part(
      0.05,
      concurrency && concurrency.limit === null ? concurrency : null,
      optionStep('concurrency', 8, 'Limits on connections held at once show there.'),
    ),
    part(
      0.05,
      rate && !rate.limited ? rate : null,
      optionStep('rateMax', 40, 'Limits on new connections a second show there.'),
    ),
    part(
      0.1,
      idle && idle.timeoutSeconds === null ? idle : null,
      optionStep(
        'idleMaxSeconds',
        120,
        'Connections that sit idle, in a pool or between messages, are what most intermittent resets hit.',
      ),
    ),
    part(0.05, mtu && mtu.verdict !== 'blackhole' && !mtu.remembered ? mtu : null, null),
    part(0.05, ping && ping.lossPercent < 5 ? ping : null, null),
    {
      share: 0.05,
      item: all.captured
        ? {
            probe: 'reset-origin',
            kind: 'capture',
            text: 'Packet capture: no reset from anyone during the run.',
            figures: { captured: true },
            weight: 0.05,
          }
        : null,
      missing: CAPTURE_STEP,
    },
  ];
  const confidence = parts.reduce((n, p) => n + (p.item ? p.share : 0), 0);
  return {
    confidence: Math.round(Math.min(0.97, confidence) * 100) / 100,
    evidence: parts.flatMap((p) => (p.item ? [p.item] : [])),
    settle: parts.flatMap((p) => (!p.item && p.missing ? [p.missing] : [])),
  };
}

function part(share: number, o: Observation | null, missing: SettleStep | null): Part {
  const item: EvidenceItem | null = o
    ? {
        probe: o.probe,
        kind: o.kind,
        text: o.text,
        figures: o.figures,
        weight: Math.round(share * 100) / 100,
        ...(o.connections?.length ? { connections: o.connections } : {}),
      }
    : null;
  return { share, item, missing };
}
