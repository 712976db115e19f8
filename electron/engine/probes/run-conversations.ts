import type { RunResults } from '../runner/probe-types.js';
import type { LabeledConversation } from '../diagnosis/reset-origin.js';
import { concurrencyProbe } from './concurrency-probe.js';
import { idleProbe } from './idle-probe.js';
import { requestProbe } from './request-probe.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';

/** Every connection the run's probes made, named for the report, in the order they were opened. */
export function runConversations(results: RunResults): LabeledConversation[] {
  const list: LabeledConversation[] = [];
  results
    .data(tcpConnectProbe)
    ?.attempts.forEach((c, i) => list.push({ label: `tcp-connect #${i + 1}`, conversation: c }));
  const request = results.data(requestProbe)?.conversation;
  if (request) list.push({ label: 'request', conversation: request });
  results
    .data(concurrencyProbe)
    ?.connections.forEach((c, i) => list.push({ label: `concurrency #${i + 1}`, conversation: c }));
  results
    .data(idleProbe)
    ?.trials.forEach((t) => list.push({ label: `idle ${t.gapSeconds} s`, conversation: t.conversation }));
  return list.sort((a, b) => a.conversation.startedAt - b.conversation.startedAt);
}
