import type { EvidenceFigure, IntermittencyPattern, Origin, Phase } from '../../shared/cause-info.js';
import type { LinkPlace } from '../../shared/common-words.js';
import type { ConnectionRole } from '../forensics/reset-origin.js';
import type { SenderState } from '../forensics/reset-signals.js';
import type { PathMtuData } from '../probes/path-mtu-probe.js';
import type { ResetHopData } from '../probes/reset-hop-probe.js';

/** What every observation carries: where it comes from, its figures, and a sentence an engineer can check. */
interface Seen {
  /** The probe whose data it rests on. */
  probe: string;
  text: string;
  figures: Record<string, EvidenceFigure>;
  connections?: string[];
}

/**
 * How one request of the run (the first or a repeat) failed, read from its own connection:
 * - quick-reset: reset or closed before any answer, within a second of the request (the request itself
 *   was answered with a reset);
 * - cutoff: reset, closed or answered 408/504 a second or more after the request with nothing else
 *   received (a timer ran out somewhere);
 * - accept-reset: reset or closed before the request went out;
 * - tls-reset: reset or closed during the TLS handshake;
 * - transfer-reset: reset or closed after part of the answer;
 * - dropped: silent, the request never acknowledged and retransmitted (its packets are lost);
 * - unanswered: silent after the server acknowledged the request, until the wait ran out;
 * - stalled: the answer started, or a small one came back, and the rest never did;
 * - refused: the new connection was refused (the server went away, or a limit);
 * - connect-timeout: the new connection got no answer to its SYN;
 * - http-error: a 5xx answer, the connection intact.
 */
export type RequestFailure =
  | 'quick-reset'
  | 'cutoff'
  | 'accept-reset'
  | 'tls-reset'
  | 'transfer-reset'
  | 'dropped'
  | 'unanswered'
  | 'stalled'
  | 'refused'
  | 'connect-timeout'
  | 'http-error'
  | 'other';

export interface RequestOutcome {
  id: string;
  role: 'request' | 'repeat';
  order: number;
  mode: 'first' | 'sequential' | 'parallel';
  failure: RequestFailure | null;
  /** Seconds from the request going out to the end (cut-offs), or to the last byte. */
  afterSendSeconds: number;
  how: 'reset' | 'fin' | 'status' | 'silence' | 'refused' | null;
  phase: Phase;
  bytesReceived: number;
  status: number | null;
  /** For a silence: seconds from the last thing that happened (sent, a byte) to giving up. */
  silentSeconds: number | null;
}

/** Who sent the resets of one kind of connection, from the captured packets' signals. */
export interface ResetSenders {
  group: 'connect' | 'request' | 'idle' | 'load' | 'other';
  count: number;
  /** The side most of their signal weight points to. */
  origin: Origin;
  /** Share of the group's signal weight behind that side, 0..1. */
  confidence: number;
  hop: number | null;
  /** The reset came from this machine (TTL of a local sender). */
  local: boolean;
  senderState: SenderState | null;
  phase: string;
  roles: ConnectionRole[];
}

export type Observation = Seen &
  (
    | { kind: 'dns-failed'; authoritative: boolean }
    | { kind: 'unreachable'; hop: number | null; local: boolean }
    | { kind: 'host-silent'; lastHop: number | null }
    | { kind: 'ping'; lossPercent: number; lost: number; sent: number; hop: number | null }
    | {
        kind: 'connect';
        outcome:
          | 'complete'
          | 'refused'
          | 'timeout'
          | 'reset'
          | 'closed'
          | 'not-permitted'
          | 'unreachable'
          | 'failed';
        /** The host answers ping or traceroute. */
        hostAnswers: boolean;
        /** Milliseconds from accept to the reset or close, for reset/closed. */
        afterMs: number | null;
      }
    | {
        kind: 'requests';
        total: number;
        failed: number;
        pattern: IntermittencyPattern | null;
        period: number | null;
        /** Failures by kind. */
        classes: Partial<Record<RequestFailure, number>>;
        /** Seconds after the request of each cut-off. */
        cutoffs: number[];
        /** The cut-offs lie within ±10 % (or ±0.5 s) of their median, and there are two or more. */
        consistent: boolean;
        first: RequestOutcome;
        outcomes: RequestOutcome[];
      }
    | ({ kind: 'resets' } & ResetSenders)
    /** Who sent the FINs that closed connections early, by TTL (a close carries no other signal). */
    | {
        kind: 'closes';
        group: ResetSenders['group'];
        count: number;
        origin: Origin;
        hop: number | null;
      }
    | { kind: 'no-capture'; reason: string }
    | { kind: 'local-rule'; effect: 'drop' | 'reset' | 'reject'; exact: boolean }
    /** This machine's firewall rules could not be read: a local rule cannot be ruled out. */
    | { kind: 'rules-unread'; reason: string }
    | {
        kind: 'mtu';
        verdict: PathMtuData['verdict'];
        pathMtu: number | null;
        largestPassing: number | null;
        smallestFailing: number | null;
        /** The probe could not make the kernel forget the MTU it learned: the request met the path with a smaller MSS. */
        remembered: boolean;
        hop: number | null;
        location: LinkPlace | null;
        family: 4 | 6;
      }
    | { kind: 'size-control'; answered: boolean }
    | { kind: 'recovery'; stoppedAccepting: boolean; recoveredAfterMs: number | null }
    | {
        kind: 'idle';
        timeoutSeconds: number | null;
        side: 'server' | 'path' | null;
        /** Every gap that failed is longer than every gap that survived: what an idle timer does. */
        monotonic: boolean;
        survived: number[];
        failed: number[];
        lower: number | null;
        upper: number | null;
        precision: number | null;
        /** The connections past the timeout got no answer at all: their packets were dropped, not reset. */
        silent: boolean;
      }
    | { kind: 'concurrency'; limit: number | null; confirmed: boolean; held: number }
    | {
        kind: 'rate';
        limited: boolean;
        /** New connections a second that still got through once refusals began. */
        perSecond: number | null;
        failingRate: number | null;
        cleanRate: number | null;
        /** Two or more failed and fewer got through than asked: a rate limit, not a hiccup. */
        strong: boolean;
      }
    | {
        kind: 'reset-hop';
        verdict: ResetHopData['verdict'];
        hop: number | null;
        address: string | null;
        exact: boolean;
        /** What was replayed: "GET / HTTP/1.1 (Host web.lab.test)", "TLS ClientHello with SNI …". */
        trigger: string;
      }
    | { kind: 'server-log'; resets: number; crashes: number; timeouts: number }
    | { kind: 'cancelled'; unfinished: string[] }
    /** Connections of one probe that failed on this machine (see observe-local-errors.ts). */
    | { kind: 'local-error'; code: string }
  );

export type ObservationKind = Observation['kind'];
export type ObservationOf<K extends ObservationKind> = Extract<Observation, { kind: K }>;

/** The run's observations, with typed look-ups by kind. */
export class Observations {
  constructor(readonly list: Observation[]) {}

  all<K extends ObservationKind>(kind: K): ObservationOf<K>[] {
    return this.list.filter((o): o is ObservationOf<K> => o.kind === kind);
  }

  one<K extends ObservationKind>(kind: K): ObservationOf<K> | null {
    return this.all(kind)[0] ?? null;
  }

  resets(group: ResetSenders['group']): ObservationOf<'resets'> | null {
    return this.all('resets').find((r) => r.group === group) ?? null;
  }

  closes(group: ResetSenders['group']): ObservationOf<'closes'> | null {
    return this.all('closes').find((r) => r.group === group) ?? null;
  }

  /** Packet capture ran: a reset not in the list was not sent. */
  get captured(): boolean {
    return this.one('no-capture') === null;
  }
}
