import type { Diagnosis, DiagnosisNote, Finding } from '../../shared/cause-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { RunResults } from '../runner/probe-types.js';
import { gatherFacts, type DiagnosisFacts } from './diagnosis-facts.js';
import { candidate, type Candidate } from './finding-candidate.js';
import { pathRules } from './path-rules.js';
import { REMEDIES } from './remedies.js';
import { resetRules } from './reset-rules.js';

/** Turns what the probes found into ranked findings; the verdict is the most confident one. */
export function diagnose(results: RunResults, target: TargetInfo): Diagnosis {
  return diagnoseFacts(gatherFacts(results, target));
}

export function diagnoseFacts(facts: DiagnosisFacts): Diagnosis {
  const candidates = [...pathRules(facts), ...resetRules(facts)];
  const findings = merge(candidates.length > 0 ? candidates : [healthy(facts)]);
  findings.sort((a, b) => b.confidence - a.confidence);
  return { verdict: findings[0]!.cause, findings, notes: notes(facts) };
}

/** One finding per cause: the most confident, with the other candidates' evidence added. */
function merge(candidates: Candidate[]): Finding[] {
  const byCause = new Map<string, Candidate>();
  for (const c of candidates) {
    const seen = byCause.get(c.cause);
    if (!seen) byCause.set(c.cause, c);
    else {
      const [best, other] = seen.confidence >= c.confidence ? [seen, c] : [c, seen];
      byCause.set(c.cause, { ...best, evidence: [...new Set([...best.evidence, ...other.evidence])] });
    }
  }
  return [...byCause.values()].map(({ remedies, ...c }) => ({
    ...c,
    remedies: [...(remedies ?? []), ...REMEDIES[c.cause]],
  }));
}

function healthy(f: DiagnosisFacts): Candidate {
  const evidence: string[] = [];
  if (f.dns && !f.dns.literal)
    evidence.push(`DNS: ${f.dns.host} resolves to ${f.dns.addresses.map((a) => a.address).join(', ')}.`);
  if (f.ping?.stats)
    evidence.push(`Ping: ${f.ping.received}/${f.ping.sent} replies, avg ${f.ping.stats.avgMs} ms.`);
  if (f.trace?.reached) evidence.push(`Traceroute: reached in ${f.trace.destinationHop} hops.`);
  const connect = f.tcp?.attempts[0];
  if (connect?.outcome === 'complete')
    evidence.push(`TCP connect: connected in ${connect.connectMs?.toFixed(3)} ms and held without a reset.`);
  const c = f.request?.conversation;
  if (c?.outcome === 'complete')
    evidence.push(`Request: completed (${c.response?.statusLine ?? `${c.bytesReceived} bytes`}).`);
  if (f.concurrency && f.concurrency.limit === null)
    evidence.push(`Concurrency: ${f.concurrency.requested} parallel connections held.`);
  if (f.idle) evidence.push(`Idle test: connections idle up to ${f.idle.maxSeconds} s survived.`);
  // Confidence grows with how much of the conversation was actually exercised.
  const confidence =
    c?.outcome === 'complete' ? (f.idle ? 0.9 : 0.8) : connect?.outcome === 'complete' ? 0.6 : 0.3;
  return candidate(
    'healthy',
    'unknown',
    null,
    confidence,
    evidence.length ? evidence : ['No probe found a fault.'],
  );
}

function notes(f: DiagnosisFacts): DiagnosisNote[] {
  const list: DiagnosisNote[] = [];
  const tls = f.request?.conversation.tls;
  if (tls?.certificateError) {
    list.push({
      topic: 'tls-certificate',
      text: `The server's certificate is not trusted: ${tls.certificateError}. Clients that verify it will fail before any reset.`,
    });
  }
  if (f.logs && (f.logs.counts.reset > 0 || f.logs.counts.crash > 0)) {
    list.push({
      topic: 'server-log',
      text: `The server log has ${f.logs.counts.reset} reset lines and ${f.logs.counts.crash} crash/restart lines (${f.logs.format}); see the Server logs step.`,
    });
  }
  if (!f.captured)
    list.push({
      topic: 'capture',
      text: 'Packets were not captured, so who sent a reset is judged without TTL evidence.',
    });
  return list;
}
