import type { RunResults } from '../runner/probe-types.js';
import type { LabeledConversation } from '../forensics/reset-origin.js';
import { concurrencyProbe } from './concurrency-probe.js';
import { connectionRateProbe, type RateAttempt } from './connection-rate-probe.js';
import { idleProbe } from './idle-probe.js';
import { requestProbe } from './request-probe.js';
import { requestRepeatProbe } from './request-repeat-probe.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';

/** Every connection the run's probes made, named for the report, in the order they were opened. */
export function runConversations(results: RunResults): LabeledConversation[] {
  const list: LabeledConversation[] = [];
  results
    .data(tcpConnectProbe)
    ?.attempts.forEach((c, i) =>
      list.push({ label: `tcp-connect #${i + 1}`, role: 'connect', conversation: c }),
    );
  const request = results.data(requestProbe);
  if (request) list.push({ label: 'request', role: 'request', conversation: request.conversation });
  if (request?.control)
    list.push({ label: 'request head (control)', role: 'control', conversation: request.control });
  results
    .data(requestRepeatProbe)
    ?.attempts.forEach((a) =>
      list.push({ label: `request #${a.order}`, role: 'repeat', conversation: a.conversation }),
    );
  results
    .data(connectionRateProbe)
    ?.attempts.forEach((a, i) =>
      list.push({ label: rateLabel(a, i), role: 'rate', conversation: a.conversation }),
    );
  const concurrency = results.data(concurrencyProbe);
  concurrency?.connections.forEach((c, i) =>
    list.push({ label: concurrencyLabel(i), role: 'concurrency', conversation: c }),
  );
  concurrency?.retest?.connections.forEach((c, i) =>
    list.push({ label: concurrencyLabel(i, true), role: 'concurrency', conversation: c }),
  );
  results
    .data(idleProbe)
    ?.trials.forEach((t) =>
      list.push({ label: `idle ${t.gapSeconds} s`, role: 'idle', conversation: t.conversation }),
    );
  return list.sort((a, b) => a.conversation.startedAt - b.conversation.startedAt);
}

/** `concurrency #4`, or `concurrency retest #4` for the threshold tried again (0-based index in). */
export function concurrencyLabel(index: number, retest = false): string {
  return `concurrency ${retest ? 'retest ' : ''}#${index + 1}`;
}

/** `rate #9 (40/s)`: the ninth short connection, opened while asking for 40 per second. */
export function rateLabel(attempt: Pick<RateAttempt, 'rate'>, index: number): string {
  return `rate #${index + 1} (${attempt.rate}/s)`;
}
