import {
  decodeAddresses,
  decodeConnections,
  decodeHops,
  type ConnectionRead,
  type HopRead,
} from '../../../electron/shared/probe-data-decode.js';
import {
  decodeResetHop,
  decodeResets,
  type ResetHopRead,
  type ResetRead,
} from '../../../electron/shared/reset-data-decode.js';
import type { ProbeReport, Report } from '../../../electron/shared/report-info.js';
import { connectionsToDraw, resetsElsewhere } from './connection-picks.js';
import type { ProbeState } from './run-state.svelte.js';

// What a step's pictures need besides their own probe: the blamed hop, the replay's hop, the traceroute,
// the server's name for the timelines' lane. One function for the wizard's StepView and the HTML export
// (renderer/src/export), so both draw the same pictures from the same facts.

/** Timelines drawn per step; the rest are listed under them. */
export const MAX_DRAWN = 4;

export interface PictureContext {
  /** The hop the diagnosis blames: the top finding's hop, when it names one. */
  blamedHop: number | null;
  /** The target's addresses: DNS's, then the report's. */
  targetAddresses: string[];
  /** The server's lane in the timelines: "203.0.113.5:443". */
  peer: string;
  /** The reset verdicts of this step's reset-origin probe. */
  resets: ResetRead[];
  /** Connections drawn as timelines, and those only listed. */
  drawn: ConnectionRead[];
  undrawn: ConnectionRead[];
  /** Verdicts whose connection has no timeline on screen (their signals go under the reset-origin probe). */
  resetsElsewhere: ResetRead[];
  /** The reset-hop replay's result, from any step. */
  resetHop: ResetHopRead | null;
  /** The traceroute's hops, from any step. */
  traceHops: HopRead[] | null;
}

type ProbeLike = Pick<ProbeState, 'id' | 'data'>;

export function pictureContext(
  stepProbes: ProbeLike[],
  allProbes: ProbeLike[],
  report: Report | null,
): PictureContext {
  const find = (list: ProbeLike[], id: string) => list.find((p) => p.id === id)?.data;
  const targetAddresses = [
    ...(decodeAddresses(find(allProbes, 'dns')) ?? []),
    ...(report?.target.addresses ?? []),
  ];
  const t = report?.target;
  const address = t?.addresses[0] ?? targetAddresses[0] ?? t?.host;
  const peer = !address
    ? 'The server'
    : address.includes(':')
      ? `[${address}]:${t?.port ?? ''}`
      : `${address}${t ? `:${t.port}` : ''}`;
  const resets = decodeResets(find(stepProbes, 'reset-origin')) ?? [];
  const connections = connectionsToDraw(decodeConnections(find(stepProbes, 'packet-capture')) ?? []);
  const drawn = connections.slice(0, MAX_DRAWN);
  return {
    blamedHop: report?.diagnosis.findings[0]?.hop ?? null,
    targetAddresses,
    peer,
    resets,
    drawn,
    undrawn: connections.slice(MAX_DRAWN),
    resetsElsewhere: resetsElsewhere(resets, drawn),
    resetHop: decodeResetHop(find(allProbes, 'reset-hop')),
    traceHops: decodeHops(find(allProbes, 'traceroute')),
  };
}

/** A finished probe as the wizard holds it, for pictures drawn from a report (the HTML export). */
export function probeStateOf(probe: ProbeReport): ProbeState {
  return {
    id: probe.id,
    title: probe.title,
    status: probe.status,
    summary: probe.summary ?? null,
    assessment: probe.assessment ?? null,
    skipReason: probe.skipReason ?? null,
    enables: probe.enables ?? null,
    failure: probe.failure ?? null,
    data: probe.data ?? null,
    durationMs: probe.durationMs ?? null,
    progressMessage: null,
    progressFraction: null,
    partials: [],
  };
}
