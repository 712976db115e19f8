import type { ProbeReport } from '../../shared/report-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import { concurrencyProbe, type ConcurrencyData } from '../probes/concurrency-probe.js';
import { connectionRateProbe, type ConnectionRateData } from '../probes/connection-rate-probe.js';
import { dnsProbe, type DnsData } from '../probes/dns-probe.js';
import { idleProbe, type IdleData } from '../probes/idle-probe.js';
import { localRulesProbe, type LocalRulesData } from '../probes/local-rules-probe.js';
import { logScanProbe, type LogScanData } from '../probes/log-scan-probe.js';
import { pathEvidenceProbe } from '../probes/path-evidence-probe.js';
import { pathMtuProbe, type PathMtuData } from '../probes/path-mtu-probe.js';
import { pingProbe, type PingData } from '../probes/ping-probe.js';
import { recoveryProbe, type RecoveryData } from '../probes/recovery-probe.js';
import { requestProbe, type RequestData } from '../probes/request-probe.js';
import { requestRepeatProbe, type RequestRepeatData } from '../probes/request-repeat-probe.js';
import { resetHopProbe, type ResetHopData } from '../probes/reset-hop-probe.js';
import { resetOriginProbe } from '../probes/reset-origin-probe.js';
import { tcpConnectProbe, type TcpConnectData } from '../probes/tcp-connect-probe.js';
import { tracerouteProbe, type TracerouteData } from '../probes/traceroute-probe.js';
import type { RunResults } from '../runner/probe-types.js';
import { countedResets, type ResetVerdict } from '../forensics/reset-origin.js';
import type { CloseVerdict } from '../../shared/reset-data-info.js';

/** What the probes found, gathered once so each rule reads plain fields. */
export interface DiagnosisFacts {
  target: TargetInfo;
  dns: DnsData | null;
  ping: PingData | null;
  trace: TracerouteData | null;
  tcp: TcpConnectData | null;
  mtu: PathMtuData | null;
  request: RequestData | null;
  repeats: RequestRepeatData | null;
  recovery: RecoveryData | null;
  concurrency: ConcurrencyData | null;
  /** New connections per second, ramped: where refusals began and what still got through. */
  rate: ConnectionRateData | null;
  idle: IdleData | null;
  rules: LocalRulesData | null;
  /** Why the local rules could not be read (no privilege, no tool), when they could not. */
  rulesUnread: string | null;
  logs: LogScanData | null;
  /** Where on the path the request's reset was placed by TTL-limited replays. */
  resetHop: ResetHopData | null;
  /** Every captured reset with its judged origin; empty without capture. */
  resets: ResetVerdict[];
  /** FINs that closed connections early, with their sender by TTL; empty without capture. */
  closes: CloseVerdict[];
  captured: boolean;
  /** The run was cancelled before every probe finished. */
  cancelled: boolean;
  /** Probes that were started but did not finish (cancelled or timed out with their step). */
  unfinished: string[];
}

export function gatherFacts(
  results: RunResults,
  target: TargetInfo,
  run: { cancelled: boolean; unfinished: string[] } = { cancelled: false, unfinished: [] },
): DiagnosisFacts {
  const origin = results.data(resetOriginProbe);
  const path = results.data(pathEvidenceProbe);
  return {
    target,
    dns: results.data(dnsProbe),
    ping: results.data(pingProbe),
    trace: results.data(tracerouteProbe),
    tcp: results.data(tcpConnectProbe),
    mtu: results.data(pathMtuProbe),
    request: results.data(requestProbe),
    repeats: results.data(requestRepeatProbe),
    recovery: results.data(recoveryProbe),
    concurrency: results.data(concurrencyProbe),
    rate: results.data(connectionRateProbe),
    idle: results.data(idleProbe),
    rules: results.data(localRulesProbe),
    rulesUnread: unread(results.get(localRulesProbe)),
    // A log scan that stopped part-way (a read error, a cancel) keeps the lines it read: they still
    // count as evidence, so a failed scan must not make the verdict lose what the log showed.
    logs: results.get(logScanProbe)?.data ?? null,
    resetHop: results.data(resetHopProbe),
    resets: countedResets(origin?.resets ?? path?.resets ?? []),
    closes: origin?.closes ?? [],
    captured: origin !== null || results.get(resetOriginProbe)?.status === 'complete',
    ...run,
  };
}

function unread(report: ProbeReport | undefined): string | null {
  if (!report || report.status === 'complete') return null;
  return report.skipReason ?? report.failure?.message ?? report.summary;
}
