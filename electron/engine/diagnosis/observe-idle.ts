import type { IdleData, IdleResult, IdleTrial } from '../probes/idle-probe.js';

/** Sentences an engineer can check against the probe's data: gaps tried, what happened to each, who did it. */
export function idleEvidence(idle: IdleData): string[] {
  const gaps = (r: IdleResult) => idle.trials.filter((t) => t.result === r).map((t) => t.gapSeconds);
  const all = [...new Set(idle.trials.map((t) => t.gapSeconds))];
  const rounds = idle.rounds.length;
  const out = [
    `Idle test: ${idle.trials.length} connections held idle in parallel at gaps of ${list(all)} s (asked for up to ${idle.maxSeconds} s), in ${rounds} round${rounds === 1 ? '' : 's'}; the search took ${idle.searchSeconds} s, where one connection at a time in ${idle.naive.stepSeconds} s steps would have waited ≈ ${idle.naive.waitSeconds} s.`,
  ];
  const survived = gaps('survived');
  if (survived.length) out.push(`Survived: the request sent after ${list(survived)} s idle was answered.`);
  const closed = idle.trials.filter((t) => t.result === 'closed-by-peer');
  if (closed.length) out.push(closedSentence(closed, idle.side === 'server'));
  const reset = gaps('reset-on-send');
  if (reset.length)
    out.push(
      `Reset when the request was sent after ${list(reset)} s idle: nothing had closed ${reset.length === 1 ? 'that connection' : 'those connections'} during the gap, so whatever answered had silently forgotten ${reset.length === 1 ? 'it' : 'them'} (a stateful firewall, NAT or load balancer does this when its idle timer runs out).`,
    );
  const silent = gaps('no-answer');
  if (silent.length)
    out.push(
      `No answer to the request sent after ${list(silent)} s idle: the connection was forgotten and its packets dropped, without a reset.`,
    );
  const stopped = gaps('stopped');
  if (stopped.length) out.push(`Not waited out, since a shorter gap had already failed: ${list(stopped)} s.`);
  const failed = gaps('failed');
  if (failed.length)
    out.push(`Failed for another reason (tells nothing about the idle time): ${list(failed)} s.`);
  if (idle.side === 'path')
    out.push(
      `Idle timeout between ${idle.lowerSeconds ?? 0} s (longest gap that survived) and ${idle.upperSeconds} s (shortest that failed): ≈ ${idle.idleTimeoutSeconds} ± ${idle.precisionSeconds} s.`,
    );
  return out;
}

function closedSentence(closed: IdleTrial[], byServer: boolean): string {
  const at = closed.map((t) => t.closedAfterSeconds!);
  const lo = Math.min(...at);
  const hi = Math.max(...at);
  const how = closed.every((t) => t.conversation.outcome === 'reset')
    ? 'reset (RST)'
    : closed.every((t) => t.conversation.outcome === 'closed')
      ? 'closed (FIN)'
      : 'closed or reset';
  const when = lo === hi ? `${lo} s` : `${lo}–${hi} s`;
  return `Closed with nothing sent: the connections meant to idle ${list(closed.map((t) => t.gapSeconds))} s were ${how} by the other end after ${when} idle${byServer ? ', before their gap ended: the server (or what answers for it) closes idle connections by itself' : ''}.`;
}

function list(values: number[]): string {
  return [...values].sort((a, b) => a - b).join(', ');
}
