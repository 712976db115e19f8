import { CAUSE_TITLES, type EvidenceItem, type Finding } from '../../../electron/shared/cause-info.js';
import type { Report } from '../../../electron/shared/report-info.js';
import type { StepId } from '../../../electron/shared/step-info.js';
import { leadFinding } from '../../../electron/shared/verdict-words.js';
import type { StepState } from './run-state.svelte.js';
import { wizardWords } from '../../../electron/shared/next-step-words.js';
import { formatPercent, originWords } from './words.js';

/** What each step of the "connection reset by peer" checklist checks, and why, in plain words. */
export const STEP_DESCRIPTIONS: Record<StepId, string> = {
  identify:
    'Start with what failed: which program reported the reset, what it was talking to, and the exact words ' +
    'it printed. The error text says whether the reset came while connecting, during the TLS handshake or ' +
    'while reading the answer, and which address and port to test. Reset Doctor also checks what it may ' +
    'measure: without raw-socket privileges it cannot capture the reset packets.',
  connectivity:
    'Before blaming the application, make sure the basics work: the name resolves (DNS), the host answers ' +
    'ping, traceroute shows the path router by router, a TCP connection to the port opens, and full-size ' +
    'packets get through (path MTU). A broken path causes timeouts and resets that look like application ' +
    'faults.',
  'server-logs':
    'The server often writes down why it dropped a connection: resets, timeouts, worker crashes and ' +
    'restarts, errors from an upstream. Reset Doctor reads the server log you point it at and counts those ' +
    'lines. Without a log this step is skipped; the other steps can still tell who sent the reset.',
  firewall:
    'Firewalls, intrusion detection and prevention systems (IDS/IPS) and TLS-inspection devices drop ' +
    'traffic silently or send a reset in the name of the server. This step reads the firewall rules on ' +
    'this machine, and compares what came back from the path with what the server itself sends, to spot a ' +
    'device in between that interferes.',
  application:
    'The request is sent again to find when the reset happens: before anything is sent, during the TLS ' +
    'handshake, right after the request, a fixed time after it (a timeout cutting slow requests off), or in ' +
    'the middle of the answer. A server that acknowledged the request is given time to answer; one that ' +
    'never acknowledged it is losing its packets. The request is then repeated, one after another and a few ' +
    'at once, to count how often it fails and spot a pattern (every third request: one bad backend behind a ' +
    'balancer). The server is checked to still accept connections (a crash would not), new connections are ' +
    'opened at a rising rate and then more and more at once to find a limit, and, if the idle test is on, ' +
    'connections are left idle to measure an idle timeout.',
  handshake:
    'The packets have the last word: the SYN, SYN-ACK and ACK that open a connection, the data, and the RST ' +
    'that tears it down. The time-to-live (TTL) of the reset says how far away its sender is, so it shows ' +
    'whether the reset came from the server, from a device on the path (and which hop), or from this machine; ' +
    'its IP ID, sequence number and timing back that up. When a device on the path resets the request, the ' +
    'request is replayed with a TTL that grows hop by hop, to find the hop where the reset starts.',
};

export const SUMMARY_DESCRIPTION =
  'The verdict weighs everything the steps measured: which cause it is, who sent the reset, the evidence ' +
  'it rests on, and what to do about it.';

/** What a passing step with no finding tells a person. */
const ALL_CLEAR: Record<StepId, string> = {
  identify: 'The target is clear, and the run knows what it is allowed to measure.',
  connectivity:
    'The host resolves, answers and accepts connections: basic connectivity does not explain the reset.',
  'server-logs': 'The server log shows nothing that explains the reset.',
  firewall: 'No firewall on this machine or on the path was seen interfering with the connection.',
  application: 'The request went through without a reset during this test.',
  handshake: 'The packets show no reset from anyone during this run.',
};

export interface StepFinding {
  finding: Finding;
  /** The evidence that rests on this step's probes (linked by probe id), strongest first. */
  evidence: EvidenceItem[];
}

/** The standing findings (but "healthy") with evidence from one of the step's probes, most confident first. */
export function findingsForStep(step: StepState, report: Report | null): StepFinding[] {
  if (!report) return [];
  const ids = new Set(step.probes.map((p) => p.id));
  return report.diagnosis.findings
    .filter((f) => f.cause !== 'healthy' && f.confidence > 0)
    .map((finding) => ({ finding, evidence: finding.evidence.filter((e) => ids.has(e.probe)) }))
    .filter((f) => f.evidence.length > 0)
    .sort((a, b) => b.finding.confidence - a.finding.confidence);
}

/** "What this means" for a step: from its status and the findings its probes bear on. */
export function stepMeaning(step: StepState, report: Report | null, active: boolean): string {
  if (step.status === 'pending')
    return 'This step has not started yet. Its results appear here as they come in.';
  if (step.status === 'running')
    return 'Still measuring. The meaning follows once every check of this step is done.';
  const related = findingsForStep(step, report);
  const top = related[0];
  if (top) {
    const f = top.finding;
    const lead =
      f.cause === report?.diagnosis.verdict ? 'This step is evidence for the verdict' : 'This step points to';
    const origin = f.origin === 'unknown' ? '' : `, coming from ${originWords(f.origin, f.hop ?? null)}`;
    const others =
      related.length > 1
        ? ` It also bears on ${related.length - 1} other possible cause${related.length > 2 ? 's' : ''}.`
        : '';
    return `${lead}: ${CAUSE_TITLES[f.cause]} (${formatPercent(f.confidence)} confidence${origin}). ${sentence(top.evidence[0]?.text ?? '')}${others}`;
  }
  if (!report && active)
    return `${meaningByStatus(step)} The verdict, and how this step bears on it, follows when every step is done.`;
  const lead = report ? leadFinding(report.diagnosis) : null;
  // The firewall step judges the connect test alone: beside a verdict that blames the path, its all-clear
  // says so, instead of reading as if no device on the path had interfered at all.
  if (step.id === 'firewall' && step.status === 'pass' && lead?.origin === 'path')
    return `No firewall on this machine interferes, and the connect test met none on the path. The reset the verdict blames on ${originWords('path', lead.hop ?? null)} came later: see the TCP handshake step.`;
  return meaningByStatus(step);
}

/** Evidence lines come with and without a final period. */
function sentence(text: string): string {
  const t = text.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

function meaningByStatus(step: StepState): string {
  switch (step.status) {
    case 'pass':
      return ALL_CLEAR[step.id] ?? 'Nothing in this step explains the reset.';
    case 'warn': {
      // In the first step a warning is the application's error read as a reset: expected, not odd.
      const error = step.id === 'identify' ? step.probes.find((p) => p.id === 'error-text') : undefined;
      if (error?.status === 'complete' && error.assessment === 'warn' && error.summary)
        return `The application did meet a reset (${error.summary}). The next steps find out who sent it, and why.`;
      return 'Some results are unusual, but on their own they do not explain the reset.';
    }
    case 'fail':
      return 'Something failed here. The diagnosis did not tie it to the reset; read the checks above.';
    case 'skipped': {
      const reason = step.probes.find((p) => p.skipReason)?.skipReason;
      return `This step was skipped${reason ? ` (${wizardWords(reason)})` : ''}. The verdict rests on the other steps.`;
    }
    case 'error': {
      const failed = step.probes.find((p) => p.status === 'failed');
      const why = failed?.failure?.message ?? failed?.summary;
      return `A check could not run${why ? ` (${why})` : ''}, so this step tells only part of the story.`;
    }
    default:
      return '';
  }
}
