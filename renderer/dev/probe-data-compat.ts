/**
 * Compile-time only (`npx tsc -p renderer/tsconfig.node.json`): the engine's probe data must still fit the
 * views the wizard reads (renderer/src/lib/probe-data.ts). The renderer cannot import these engine types
 * itself: their modules pull in Node.
 */
import type { ResetVerdict } from '../../electron/engine/forensics/reset-origin.js';
import type { DnsData } from '../../electron/engine/probes/dns-probe.js';
import type { PacketCaptureData } from '../../electron/engine/probes/packet-capture-probe.js';
import type { PingData } from '../../electron/engine/probes/ping-probe.js';
import type { ResetHopData } from '../../electron/engine/probes/reset-hop-types.js';
import type { ResetOriginData } from '../../electron/engine/probes/reset-origin-probe.js';
import type { TracerouteData } from '../../electron/engine/probes/traceroute-probe.js';
import type {
  ConnectionEndView,
  ConnectionView,
  HopView,
  ReplayAttemptView,
  ResetHopView,
  ResetView,
  SignalView,
  TimelineEntryView,
} from '../src/lib/probe-data.js';

type Fits<T extends U, U> = T;

type Connection = PacketCaptureData['connections'][number];

export type Checks = [
  Fits<TracerouteData['hops'][number], HopView>,
  Fits<PingData['rttsMs'], (number | null)[]>,
  Fits<Connection, Omit<ConnectionView, 'timeline' | 'peer' | 'end'> & { address: string; port: number }>,
  Fits<Connection['timeline'][number], TimelineEntryView>,
  Fits<Connection['end'], ConnectionEndView>,
  Fits<ResetOriginData['resets'][number], ResetVerdict>,
  Fits<ResetVerdict, Omit<ResetView, 'signals'>>,
  // Signal names may grow in the engine: the view takes any string and shows unknown ones as they are.
  Fits<ResetVerdict['signals'][number], SignalView>,
  Fits<ResetHopData, Omit<ResetHopView, 'attempts'>>,
  Fits<ResetHopData['attempts'][number], ReplayAttemptView>,
  Fits<DnsData['addresses'][number]['address'], string>,
  // The live pictures' partial data: what ping and traceroute pass to ctx.progress().
  Fits<{ seq: number; rttMs: number | null }, import('../src/lib/probe-data.js').PingPartial>,
  Fits<{ ttl: number; from: string | null; rttMs: number }, import('../src/lib/probe-data.js').HopPartial>,
];
