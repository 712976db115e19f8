import type { Origin } from '../../shared/cause-info.js';
import { signalName } from '../../shared/reset-words.js';
import type { CloseVerdict } from '../../shared/reset-data-info.js';
import type { ConnectionRole, ResetVerdict } from '../forensics/reset-origin.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Observation, ResetSenders } from './observation-types.js';

const GROUP: Record<ConnectionRole, ResetSenders['group']> = {
  connect: 'connect',
  request: 'request',
  repeat: 'request',
  control: 'request',
  idle: 'idle',
  rate: 'load',
  concurrency: 'load',
  recovery: 'other',
  watched: 'other',
};

const GROUP_WORDS: Record<ResetSenders['group'], string> = {
  connect: 'of the bare connection',
  request: "of the request's connections",
  idle: 'of the idle connections',
  load: 'refusing new connections',
  other: 'of other connections',
};

/**
 * Who sent the resets, per kind of connection: the captured RSTs' verdicts (TTL and the other signals)
 * added up. Without capture there is one observation saying so: the origin of a reset was not seen.
 */
export function observeResets(f: DiagnosisFacts): Observation[] {
  if (!f.captured)
    return [
      {
        kind: 'no-capture',
        probe: 'reset-origin',
        reason: 'packet capture needs raw-socket privileges',
        text: 'Who sent a reset was not seen: packet capture needs raw-socket privileges (run as root, or grant CAP_NET_RAW).',
        figures: { captured: false },
      },
    ];
  const groups = new Map<ResetSenders['group'], ResetVerdict[]>();
  for (const r of f.resets) {
    // A repeat whose SYN was refused is a refused new connection (a limit, a server going away), not
    // an answer to the request: it joins the load tests' refusals.
    const group = GROUP[r.role] === 'request' && r.phase === 'connect' ? 'load' : GROUP[r.role];
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  return [...[...groups].map(([group, resets]) => resetsObservation(group, resets)), ...closes(f)];
}

/** The early FINs per kind of connection, by the side their TTL names. */
function closes(f: DiagnosisFacts): Observation[] {
  const groups = new Map<ResetSenders['group'], CloseVerdict[]>();
  for (const c of f.closes) groups.set(GROUP[c.role], [...(groups.get(GROUP[c.role]) ?? []), c]);
  return [...groups].map(([group, list]): Observation => {
    const path = list.filter((c) => c.origin === 'path').length;
    const server = list.filter((c) => c.origin === 'server').length;
    const origin: Origin = path === 0 && server === 0 ? 'unknown' : path >= server ? 'path' : 'server';
    const hop = list.find((c) => c.origin === 'path' && c.hop !== null)?.hop ?? null;
    const lead = list.find((c) => c.origin === origin) ?? list[0]!;
    return {
      kind: 'closes',
      probe: 'reset-origin',
      group,
      count: list.length,
      origin,
      hop: origin === 'path' ? hop : null,
      text: `Captured FIN${list.length > 1 ? `s (${list.length})` : ''} ${GROUP_WORDS[group]}: ${senderWords(origin, hop, false)}. ${lead.connection} (TTL ${lead.ttl ?? '?'}): ${lead.reason}.`,
      figures: { count: list.length, origin, hop, ttl: lead.ttl },
      connections: [...new Set(list.map((c) => c.connectionId))],
    };
  });
}

/** The resets of one kind of connection as one observation; `words` names the connections (GROUP_WORDS). */
export function resetsObservation(
  group: ResetSenders['group'],
  resets: ResetVerdict[],
  words = GROUP_WORDS[group],
): Observation {
  const weight = (o: Origin) => resets.filter((r) => r.origin === o).reduce((n, r) => n + r.confidence, 0);
  const path = weight('path');
  const server = weight('server');
  const origin: Origin = path === 0 && server === 0 ? 'unknown' : path >= server ? 'path' : 'server';
  const judged = resets.filter((r) => r.origin === origin);
  const confidence = origin === 'unknown' ? 0 : round((origin === 'path' ? path : server) / resets.length);
  const hops = judged.flatMap((r) => (r.hop !== null ? [r.hop] : []));
  const hop = hops.length ? mostCommon(hops) : null;
  // Nearer than the server and no router away: this machine's own firewall answered in its name.
  const local = origin === 'path' && judged.some((r) => r.hopsAway === 0);
  const lead = judged[0] ?? resets[0]!;
  const senderState = origin === 'server' ? (judged.find((r) => r.senderState)?.senderState ?? null) : null;
  return {
    kind: 'resets',
    probe: 'reset-origin',
    group,
    count: resets.length,
    origin,
    confidence,
    hop,
    local,
    senderState,
    phase: lead.phase,
    roles: [...new Set(resets.map((r) => r.role))],
    text: `Captured ${resets.length === 1 ? 'RST' : `RSTs (${resets.length})`} ${words}: ${senderWords(origin, hop, local)}. ${rstWords(lead)}`,
    figures: {
      count: resets.length,
      origin,
      hop,
      ttl: lead.ttl,
      confidence,
      senderState,
    },
    connections: [...new Set(resets.map((r) => r.connectionId))],
  };
}

function senderWords(origin: Origin, hop: number | null, local: boolean): string {
  if (local) return 'sent by this machine';
  if (origin === 'path')
    return hop !== null ? `sent by a device on the path, hop ${hop}` : 'sent by a device on the path';
  if (origin === 'server') return 'sent by the server';
  return 'the sender could not be told';
}

/** The lead reset in words an engineer checks against the capture: TTL, window, options, the signals. */
function rstWords(r: ResetVerdict): string {
  const votes = r.signals.filter((x) => x.vote !== 'neutral').map((x) => `${signalName(x.name)} → ${x.vote}`);
  const tally = votes.length > 1 ? ` Signals: ${votes.join(', ')}.` : '';
  const ttl = r.ttl !== null ? `TTL ${r.ttl}` : r.family === 6 ? 'no hop limit (IPv6)' : 'TTL ?';
  const state =
    r.senderState === 'aborted'
      ? ' The server application aborted the open connection (RST+ACK from its socket).'
      : r.senderState === 'no-socket'
        ? r.flags.includes('A')
          ? " The server's kernel had no socket for this connection: nothing listens on the port, or its firewall rejects the SYN."
          : " The server's kernel had no socket for this connection (RST without ACK, its sequence number taken from our acknowledgement): the application had already closed it, or the server restarted."
        : '';
  return `${r.connection} (${ttl}, window ${r.window}, ${r.optionsLength} option bytes): ${r.reason}.${tally}${state}`;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
