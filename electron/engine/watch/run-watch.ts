import type { CapturedPacket, PacketCapture } from '../net/capture-types.js';
import type { DnsIo, IcmpIo, SystemIo, TcpIo, TtlReplayIo } from '../net/engine-io.js';
import { defaultReplay, HopSearchAfterPath } from './watch-hop-search.js';
import { icmpIoFor } from '../net/system-ping-io.js';
import type { ResolvedAddress } from '../../shared/probe-data-info.js';
import { createNodeTcpIo } from '../net/node-tcp-io.js';
import { nodeDnsIo } from '../net/node-dns-io.js';
import { nodeSystemIo } from '../net/node-system-io.js';
import { loadRawNetwork } from '../net/raw-network.js';
import { InputError } from '../input-error.js';
import { parseTarget } from '../parsers/target-parser.js';
import { watchPatterns } from './watch-patterns.js';
import { SocketOwners } from './socket-owners.js';
import { runChecks } from './watch-checks.js';
import { SOCKET_LOOK_MS, SocketTableWatch } from './socket-table-watch.js';
import { WatchTracker } from './watch-tracker.js';
import { silenceCatch, type SilenceSeen } from './watch-silence.js';
import type {
  WatchCatch,
  WatchCheck,
  WatchCounts,
  WatchRequest,
  WatchResult,
  WatchTimeline,
} from '../../shared/watch-info.js';
import { TimelineRecorder } from './watch-timeline.js';
import { diagnoseWatch } from '../diagnosis/diagnose-watch.js';
import { preferredAddress } from '../probes/probe-helpers.js';

type PacketStream = Omit<PacketCapture, 'packets'>;

export interface WatchDeps {
  signal: AbortSignal;
  /** Once watching: the addresses, and how the connections are seen. */
  onStarted?: (info: { addresses: string[]; seenBy: WatchResult['seenBy']; captureNote: string }) => void;
  /** Each reset as it is caught (the live view). */
  onCatch?: (caught: WatchCatch) => void;
  /** Each check (--every) as it finishes. */
  onCheck?: (check: WatchCheck) => void;
  /** Each second: the counts so far and the timeline (the live picture). */
  onSample?: (counts: WatchCounts, timeline: WatchTimeline) => void;
  /** The packets of each kept catch's connection, for a pcapng export (watch-pcap.ts). */
  onEvidence?: (connectionId: string, packets: CapturedPacket[]) => void;
  /** Tests pass recorded I/O; by default the real DNS and a raw-socket capture. */
  dns?: DnsIo;
  /** Runs `ss` to name the program behind each connection. */
  system?: SystemIo;
  /** Sends the checks (--every). */
  tcp?: TcpIo;
  /** Pings beside the checks; null: no ping. By default net-ping with raw sockets, else the ping tool. */
  icmp?: IcmpIo | null;
  /** Replays by TTL for the hop search after a reset from the path (--every, raw sockets); null: none. */
  replay?: TtlReplayIo | null;
  stream?: (now: () => number, onPacket: (packet: CapturedPacket) => void) => Promise<PacketStream>;
}

/** The watch's own checks, as the owner of their connections. */
const OWN_CHECK = { process: "this watch's check", pid: null };
/** Check ports remembered: a reset is judged half a second after it came, its check finished by then. */
const MAX_CHECK_PORTS = 64;

/** How often the counts are sampled for the timeline and the live view. */
const SAMPLE_MS = 1000;

/** An hour of one reset a second fits; past it, catches are counted, not kept. */
const MAX_KEPT = 5000;

/**
 * `watch`: captures every connection this machine has with the target, whichever program opened it, and
 * judges each reset as it comes, until the time is up, enough resets were caught, or it is cancelled,
 * which keeps everything caught so far. With packet capture (raw sockets) it names each reset's sender;
 * without, it reads the socket table instead and names none. Throws InputError, before watching, for a
 * target it cannot use.
 */
export async function runWatch(request: WatchRequest, deps: WatchDeps): Promise<WatchResult> {
  const target = parseTarget(request.target);
  const startedAt = new Date().toISOString();
  const clockStart = performance.now();
  const now = () => performance.now() - clockStart;
  const resolved: ResolvedAddress[] =
    target.ipVersion !== null
      ? [{ address: target.host, family: target.ipVersion }]
      : await (deps.dns ?? nodeDnsIo).lookup(target.hostAscii, deps.signal);
  if (resolved.length === 0) throw new InputError(`${target.host}: no address to watch`);
  const addresses = resolved.map((a) => a.address);

  const reading = new AbortController();
  // Silences are caught from the socket table's looks, with capture (the tracker adds what it saw) or not.
  let silenced: (seen: SilenceSeen) => void = () => undefined;
  const owners = new SocketOwners(
    deps.system ?? nodeSystemIo,
    { addresses, port: target.port },
    reading.signal,
    {
      now,
      onSilence: (seen) => silenced(seen),
    },
  );
  const catches: WatchCatch[] = [];
  let dropped = 0;
  /** Silences the socket-table watch caught (with capture, the tracker counts them). */
  let silences = 0;
  let stop: (why: WatchResult['stoppedBy']) => void = () => undefined;
  const stopped = new Promise<WatchResult['stoppedBy']>((resolve) => (stop = resolve));
  // The watch's own checks (--every): their connections are named as such, not "program unknown" (they
  // are often over before the socket table is read).
  const checkPorts = new Set<number>();
  const keep = (found: WatchCatch, packets: CapturedPacket[]) => {
    const caught =
      found.owner === null && checkPorts.has(found.localPort) ? { ...found, owner: OWN_CHECK } : found;
    if (catches.length < MAX_KEPT) {
      catches.push(caught);
      if (packets.length > 0) deps.onEvidence?.(caught.connectionId, packets);
    } else dropped++;
    deps.onCatch?.(caught);
    if (request.until !== null && catches.length + dropped >= request.until) stop('count');
    hop.after(caught);
  };
  const hop = new HopSearchAfterPath(target);
  const tracker = new WatchTracker({
    port: target.port,
    own: (localPort) => hop.owns(localPort),
    onOpen: (localPort) => owners.started(localPort),
    onEnd: (localPort) => owners.ended(localPort),
    openNow: () => owners.openNow(),
    ownerOf: (localPort) => owners.owner(localPort),
    onCatch: keep,
  });
  silenced = (seen) => tracker.silenced(seen);
  hop.tracker = tracker;
  let stream: PacketStream | null = null;
  let tableWatch: SocketTableWatch | null = null;
  let captureNote: string;
  try {
    stream = await (deps.stream ?? realStream)(now, (packet) => tracker.push(packet));
    stream.watch(addresses);
    captureNote = stream.note;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Without capture: each connection's fate from the socket table, and no sender named.
    const system = deps.system ?? nodeSystemIo;
    let n = 0;
    tableWatch = new SocketTableWatch(
      system,
      { addresses, port: target.port },
      (c) =>
        keep(
          {
            connectionId: `s${++n}`,
            how: 'reset',
            at: c.at,
            address: c.address,
            port: target.port,
            localPort: c.localPort,
            lifetimeMs: c.lifetimeMs,
            idleMs: c.idleMs,
            bytesIn: c.bytesIn,
            bytesOut: null,
            order: null,
            concurrent: null,
            sawOpen: c.sawOpen,
            owner: c.owner,
            seenBy: 'socket-table',
            verdict: null,
            end: { how: c.end, reason: c.reason },
          },
          [],
        ),
      now,
      (seen) => {
        silences++;
        keep(silenceCatch(seen, { connectionId: `s${++n}`, port: target.port, seenBy: 'socket-table' }), []);
      },
    );
    void tableWatch.run(reading.signal);
    captureNote = `No packet capture (${error.message.replace(/^watch needs packet capture, which needs /, 'it needs ')}): each connection's end was read from the socket table every ${SOCKET_LOOK_MS} ms, so no reset's sender is named and connections shorter than that are missed. With capture (root, CAP_NET_RAW, or the engine helper), watch names who sent each reset and can write its packets.`;
  }
  deps.onStarted?.({ addresses, seenBy: tableWatch ? 'socket-table' : 'capture', captureNote });
  // The connections already open: counted before the first new one is (an idle pool, say).
  if (!tableWatch) owners.look();
  // Resets are judged JUDGE_AFTER_MS after their first RST, with what followed it.
  const flushing = setInterval(() => tracker.flush(now()), 100);
  const checks: WatchCheck[] = [];
  let icmp: IcmpIo | null = null;
  if (request.everySeconds !== null) {
    icmp = deps.icmp !== undefined ? deps.icmp : await defaultIcmp(tableWatch === null, deps.system);
    // The hop search sends the checks' request too: only a watch asked to send (--every), with capture.
    if (!tableWatch) hop.replay = deps.replay !== undefined ? deps.replay : await defaultReplay(now);
    void runChecks(
      { tcp: deps.tcp ?? createNodeTcpIo(now), icmp },
      target,
      preferredAddress(resolved)!,
      request.everySeconds,
      now,
      (check) => {
        if (check.localPort !== null) {
          checkPorts.add(check.localPort);
          if (checkPorts.size > MAX_CHECK_PORTS) checkPorts.delete(checkPorts.values().next().value!);
        }
        if (checks.length < MAX_KEPT) checks.push(check);
        deps.onCheck?.(check);
      },
      reading.signal,
    );
  }
  const counts = (): WatchCounts =>
    tableWatch
      ? {
          ...tracker.summary,
          connections: tableWatch.counts.connections,
          closed: tableWatch.counts.closed,
          resets: catches.length + dropped - silences,
          silences,
          open: tableWatch.open,
        }
      : tracker.summary;
  const timeline = new TimelineRecorder();
  const sample = () => {
    const sofar = counts();
    // A look each sample: the open connections' RTT and retransmissions for the timeline, and a SYN or a
    // request left unanswered (the capture sees nothing of those).
    if (!tableWatch) owners.look();
    timeline.sample(now(), sofar, (tableWatch ?? owners).path.sample());
    deps.onSample?.(sofar, timeline.timeline);
  };
  const sampling = setInterval(sample, SAMPLE_MS);
  const timer =
    request.forSeconds === null ? null : setTimeout(() => stop('time'), request.forSeconds * 1000);
  const cancel = () => stop('cancelled');
  if (deps.signal.aborted) cancel();
  deps.signal.addEventListener('abort', cancel, { once: true });
  const stoppedBy = await stopped;
  if (timer) clearTimeout(timer);
  deps.signal.removeEventListener('abort', cancel);
  // A search under way ends first (a few seconds at most), unless the watch was cancelled.
  const hopSearch = await hop.finish(stoppedBy === 'cancelled');
  stream?.close();
  clearInterval(flushing);
  tracker.flush(Infinity);
  reading.abort();
  icmp?.close();
  clearInterval(sampling);
  sample();
  const final = counts();
  const patterns = watchPatterns(catches, final);
  const seenBy = tableWatch ? 'socket-table' : 'capture';
  return {
    target: { input: target.input, host: target.host, port: target.port, addresses },
    startedAt,
    finishedAt: new Date().toISOString(),
    stoppedBy,
    catches,
    checks,
    catchesDropped: dropped,
    counts: final,
    patterns,
    timeline: timeline.timeline,
    diagnosis: diagnoseWatch({ catches, patterns, seenBy, counts: final, checks, hopSearch }),
    seenBy,
    captureNote,
    ownersNote: owners.note,
    hopSearch,
  };
}

/** The pings of the checks: over raw sockets when the watch captures, else through the ping tool. */
async function defaultIcmp(raw: boolean, system: SystemIo = nodeSystemIo): Promise<IcmpIo | null> {
  const loaded = raw ? await loadRawNetwork() : null;
  return icmpIoFor(loaded && !('error' in loaded) ? loaded : null, system);
}

async function realStream(
  now: () => number,
  onPacket: (packet: CapturedPacket) => void,
): Promise<PacketStream> {
  const raw = await loadRawNetwork();
  if ('error' in raw || !raw.canOpenRawSockets())
    throw new InputError(
      `watch needs packet capture, which needs raw sockets (root or CAP_NET_RAW): ${'error' in raw ? raw.error : 'not allowed for this process'}`,
    );
  return raw.startPacketStream(now, onPacket, { frames: true });
}
