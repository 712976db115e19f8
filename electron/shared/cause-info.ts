import type { RunOptionKey } from './run-options-info.js';

/** The diagnosis vocabulary. Ids are part of the report format and are shown by the UI. */
export const CAUSE_IDS = [
  'healthy',
  'inconclusive',
  'dns-failure',
  'host-unreachable',
  'port-closed',
  'firewall-drop',
  'firewall-reset',
  'server-reset',
  'application-error',
  'request-timeout',
  'idle-timeout',
  'server-crash',
  'packet-loss',
  'mtu-blackhole',
  'connection-limit',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

export const ORIGINS = ['local', 'path', 'server', 'unknown'] as const;
export type Origin = (typeof ORIGINS)[number];

/** Where in the life of a connection a finding applies. */
export const PHASES = ['dns', 'route', 'connect', 'tls', 'request', 'response', 'transfer', 'idle'] as const;
export type Phase = (typeof PHASES)[number];

export const CAUSE_TITLES: Record<CauseId, string> = {
  healthy: 'No fault found',
  inconclusive: 'Inconclusive: the evidence cannot tell the leading causes apart',
  'dns-failure': 'The name does not resolve',
  'host-unreachable': 'The host cannot be reached',
  'port-closed': 'Nothing listens on the port',
  'firewall-drop': 'A firewall silently drops the traffic',
  'firewall-reset': 'A firewall or middlebox sends the reset',
  'server-reset': 'The server resets the connection without reading the request',
  'application-error': 'The server resets in response to the request',
  'request-timeout': 'The request is cut off after a fixed time without an answer',
  'idle-timeout': 'Idle connections are forgotten, then reset or dropped',
  'server-crash': 'The server crashed or restarted',
  'packet-loss': 'Packet loss on the path',
  'mtu-blackhole': 'Large packets vanish on the path (MTU black hole)',
  'connection-limit': 'A connection limit is hit',
};

/**
 * Causes whose failure is no reset: nothing "sent" one (a name that does not resolve, an ICMP error, a
 * silent drop, loss, packets too large). A summary says where they fail, not who sent the reset.
 */
export const CAUSES_WITHOUT_RESET: readonly CauseId[] = [
  'dns-failure',
  'host-unreachable',
  'firewall-drop',
  'packet-loss',
  'mtu-blackhole',
];

/** A figure an evidence item rests on: a count, a time, an address, a flag. */
export type EvidenceFigure = number | string | boolean | null;

/**
 * One observation as it bears on one finding: the probe it comes from (by id, so a UI links it to the
 * probe without reading the words), the figures it rests on, the sentence for people, and its weight.
 */
export interface EvidenceItem {
  /** The id of the probe whose data this rests on ("request", "reset-origin", "idle-timeout", …). */
  probe: string;
  /** What was observed, a stable id ("connect-refused", "requests-reset", "rst-from-path", …). */
  kind: string;
  text: string;
  figures: Record<string, EvidenceFigure>;
  /** Natural-log odds this observation adds to the finding: above 0 supports it, below 0 speaks against it. */
  weight: number;
  /** The observation rules the finding out, whatever supports it (weight is then 0). */
  rulesOut?: boolean;
  /** Ids of the connections it is about (Conversation.id), when it is about some. */
  connections?: string[];
}

/**
 * A run option to set before running again, and the value to give it (none: the option takes what only
 * the user knows, a log file's path). The engine names the option; each face words how to set it
 * (shared/next-step-words.ts: the CLI's flag, the wizard's field).
 */
export interface OptionHint {
  option: RunOptionKey;
  value?: number | string;
}

/** What would settle a question the run left open: an option to turn on, a privilege, a test to repeat. */
export interface SettleStep {
  kind: 'option' | 'privilege' | 'repeat' | 'log';
  /** kind option or log: the option that would settle it; `text` then says only why. */
  enables?: OptionHint;
  /**
   * Reports written before `enables`: the option's key and value, with the CLI's flag in `text`. Kept so
   * those reports still validate; nothing writes them now.
   */
  option?: string;
  value?: number | string;
  /** Why the step would settle it; without `enables`, the whole step in words every face shows as is. */
  text: string;
}

export const INTERMITTENCY_PATTERNS = [
  'always',
  'every-nth',
  'random',
  'after-idle',
  'under-concurrency',
] as const;
export type IntermittencyPattern = (typeof INTERMITTENCY_PATTERNS)[number];

/** How often the request failed when it was repeated: "3 of 12 requests reset, every 4th". */
export interface Intermittency {
  failed: number;
  total: number;
  pattern: IntermittencyPattern;
  /** every-nth: N. */
  period?: number;
}

export const MTU_DIRECTIONS = ['client-to-server', 'server-to-client', 'both'] as const;
export type MtuDirection = (typeof MTU_DIRECTIONS)[number];

export interface Finding {
  cause: CauseId;
  origin: Origin;
  phase: Phase | null;
  /**
   * 0..1, from the evidence: the finding's share of the odds among the causes still standing (its
   * margin over the runner-up), or for healthy how much of the conversation was exercised.
   */
  confidence: number;
  /** Observations that support the finding, strongest first. */
  evidence: EvidenceItem[];
  /** Observations that speak against it (negative weight): why it is not more certain, or why it lost. */
  against: EvidenceItem[];
  remedies: string[];
  /** What would make it certain, or tell it from the runner-up; for inconclusive, what would settle it. */
  settle: SettleStep[];
  /** Only for inconclusive: the causes it could not tell apart, most likely first. */
  candidates?: CauseId[];
  /** Only for idle-timeout: the measured timeout. */
  idleTimeoutSeconds?: number;
  /** Only for request-timeout: seconds from the request going out to the cut-off. */
  cutoffSeconds?: number;
  /** When the request was repeated: how often it failed, and the pattern. */
  intermittency?: Intermittency;
  /** Only for mtu-blackhole: which direction loses the large packets. */
  direction?: MtuDirection;
  /** Only when a path device is blamed and its hop is known (1 = first router). */
  hop?: number;
}

/** Observations worth telling that do not explain a reset (an expired certificate, say). */
export interface DiagnosisNote {
  topic: string;
  text: string;
}

export interface Diagnosis {
  verdict: CauseId;
  findings: Finding[];
  notes: DiagnosisNote[];
}
