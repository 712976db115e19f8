import type { Phase } from '../../shared/cause-info.js';
import { count } from '../../shared/common-words.js';
import type { Conversation } from '../net/conversation-types.js';
import { afterSendMs, CUTOFF_MIN_MS } from '../probes/request-probe.js';
import { patternWords } from '../probes/request-pattern.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Observation, RequestFailure, RequestOutcome } from './observation-types.js';
import { median } from '../../shared/number-stats.js';

/** Cut-offs agree when each lies within this share of their median (or CONSISTENT_S, whichever is more). */
const CONSISTENT_SHARE = 0.1;
const CONSISTENT_S = 0.5;

/**
 * The request and its repeats as one observation: how many failed, how each failed (read from its own
 * connection: when, after what, and what the socket said), the pattern over the repeats, and the
 * cut-offs. Intermittent faults show here as "k of n".
 */
export function observeRequests(f: DiagnosisFacts): Observation[] {
  const request = f.request;
  if (!request) return [];
  const outcomes: RequestOutcome[] = [
    outcomeOf(request.conversation, 'request', 1, 'first', request.control),
    ...(f.repeats?.attempts ?? [])
      .filter((a) => a.conversation.failure?.code !== 'cancelled')
      .map((a) => outcomeOf(a.conversation, 'repeat', a.order, a.mode, null)),
  ];
  const failedOnes = outcomes.filter((o) => o.failure !== null);
  const classes: Partial<Record<RequestFailure, number>> = {};
  for (const o of failedOnes) classes[o.failure!] = (classes[o.failure!] ?? 0) + 1;
  const cutoffs = failedOnes.filter((o) => o.failure === 'cutoff').map((o) => o.afterSendSeconds);
  const pattern = f.repeats?.pattern ?? {
    failed: failedOnes.length,
    total: 1,
    pattern: failedOnes.length ? 'always' : null,
    period: null,
  };
  const control = request.control;
  const sizeControl: Observation[] =
    control && control.failure?.code !== 'cancelled'
      ? [
          {
            kind: 'size-control',
            probe: 'request',
            answered: control.outcome === 'complete',
            text:
              control.outcome === 'complete'
                ? `Request: while the answer did not come, a HEAD of the same URL was answered at once (${control.response?.statusLine ?? `${control.bytesReceived} bytes`}): the server answers, small answers pass, the large one is stuck.`
                : `Request: a HEAD of the same URL got no answer either (${control.outcome}): the server itself is slow or silent, not only its large answers.`,
            figures: { outcome: control.outcome, status: control.response?.statusCode ?? null },
            connections: [control.id],
          },
        ]
      : [];
  return [
    ...sizeControl,
    {
      kind: 'requests',
      probe: f.repeats ? 'request-repeat' : 'request',
      total: outcomes.length,
      failed: failedOnes.length,
      pattern: pattern.pattern,
      period: pattern.period,
      classes,
      cutoffs,
      consistent: consistent(cutoffs),
      first: outcomes[0]!,
      outcomes,
      text: requestsText(outcomes, classes, cutoffs, pattern),
      figures: {
        total: outcomes.length,
        failed: failedOnes.length,
        pattern: pattern.pattern,
        period: pattern.period,
        cutoffMedianSeconds: cutoffs.length ? round(median(cutoffs)) : null,
        ...Object.fromEntries(Object.entries(classes)),
      },
      connections: outcomes.map((o) => o.id),
    },
  ];
}

export function outcomeOf(
  c: Conversation,
  role: RequestOutcome['role'],
  order: number,
  mode: RequestOutcome['mode'],
  control: Conversation | null,
): RequestOutcome {
  const after = afterSendMs(c);
  const sent = c.events.some((e) => e.kind === 'sent');
  const status = c.response?.statusCode ?? null;
  const base = {
    id: c.id,
    role,
    order,
    mode,
    afterSendSeconds: round(after / 1000),
    phase: c.phase as Phase,
    bytesReceived: c.bytesReceived,
    status,
    silentSeconds: c.outcome === 'timeout' ? Math.round(silentMs(c)) / 1000 : null,
  };
  const fail = (failure: RequestFailure | null, how: RequestOutcome['how']): RequestOutcome => ({
    ...base,
    failure,
    how,
  });
  switch (c.outcome) {
    case 'complete':
      if (status === null || status < 500) return fail(null, null);
      // A gateway or server timeout answer after seconds is a cut-off said in HTTP.
      if ((status === 504 || status === 408) && after >= CUTOFF_MIN_MS) return fail('cutoff', 'status');
      return fail('http-error', 'status');
    case 'refused':
    case 'unreachable':
      return fail('refused', 'refused');
    case 'reset':
    case 'closed': {
      const how = c.outcome === 'reset' ? 'reset' : 'fin';
      if (!sent || c.phase === 'connect' || c.phase === 'idle') return fail('accept-reset', how);
      if (c.phase === 'tls') return fail('tls-reset', how);
      if (c.bytesReceived > 0) return fail('transfer-reset', how);
      return fail(after >= CUTOFF_MIN_MS ? 'cutoff' : 'quick-reset', how);
    }
    case 'timeout': {
      if (c.phase === 'connect') return fail('connect-timeout', 'silence');
      const state = c.socketState;
      if (state && state.unacked > 0 && state.retransmits > 0 && c.bytesReceived === 0)
        return fail('dropped', 'silence');
      if (c.bytesReceived > 0 || control?.outcome === 'complete' || c.phase === 'tls')
        return fail('stalled', 'silence');
      return fail('unanswered', 'silence');
    }
    default:
      return fail('other', null);
  }
}

/** How long nothing happened before the wait ended: from the last event to the timeout. */
function silentMs(c: Conversation): number {
  const timeout = c.events.findLast((e) => e.kind === 'timeout');
  const end = timeout?.at ?? c.endedAt;
  const quiet = ['timeout', 'acked', 'retransmit'];
  const before = c.events.filter((e) => !quiet.includes(e.kind) && e.at <= end).at(-1);
  return end - (before?.at ?? c.startedAt);
}

const FAILURE_WORDS: Record<RequestFailure, string> = {
  'quick-reset': 'reset right after the request, before any answer',
  cutoff: 'cut off without an answer',
  'accept-reset': 'reset before the request went out',
  'tls-reset': 'reset during the TLS handshake',
  'transfer-reset': 'reset in the middle of the answer',
  dropped: 'never acknowledged (the request was retransmitted and dropped)',
  unanswered: 'acknowledged by the server and never answered',
  stalled: 'stalled: part of the answer or a small one arrived, the rest never did',
  refused: 'refused a new connection',
  'connect-timeout': 'no answer to the SYN of a new connection',
  'http-error': 'answered with a server error',
  other: 'failed otherwise',
};

function requestsText(
  outcomes: RequestOutcome[],
  classes: Partial<Record<RequestFailure, number>>,
  cutoffs: number[],
  pattern: Parameters<typeof patternWords>[0],
): string {
  const first = outcomes[0]!;
  const lead =
    outcomes.length > 1
      ? `Requests: ${patternWords(pattern)}`
      : first.failure === null
        ? 'Request: completed'
        : 'Request: failed';
  const kinds = Object.entries(classes).map(([k, n]) => `${n} ${FAILURE_WORDS[k as RequestFailure]}`);
  const cut = cutoffs.length
    ? ` The cut-offs came ${spread(cutoffs)} after the request went out, with nothing received.`
    : '';
  const statuses = outcomes.filter((o) => o.failure === null && o.status !== null);
  const answered =
    statuses.length > 0
      ? ` Answered: ${statuses[0]!.status}${statuses[0]!.bytesReceived ? ` (${count(statuses[0]!.bytesReceived)} bytes)` : ''}.`
      : '';
  return `${lead}${kinds.length ? `: ${kinds.join('; ')}` : ''}.${cut}${answered}`;
}

function spread(values: number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo} s` : `${lo}–${hi} s (median ${round(median(values))} s)`;
}

export function consistent(cutoffs: number[]): boolean {
  if (cutoffs.length < 2) return false;
  const m = median(cutoffs);
  const tolerance = Math.max(m * CONSISTENT_SHARE, CONSISTENT_S);
  return cutoffs.every((c) => Math.abs(c - m) <= tolerance);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
