/** The diagnosis vocabulary. Ids are part of the report format and are shown by the UI. */
export const CAUSE_IDS = [
  'healthy',
  'dns-failure',
  'host-unreachable',
  'port-closed',
  'firewall-drop',
  'firewall-reset',
  'server-reset',
  'application-error',
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
  'dns-failure': 'The name does not resolve',
  'host-unreachable': 'The host cannot be reached',
  'port-closed': 'Nothing listens on the port',
  'firewall-drop': 'A firewall silently drops the traffic',
  'firewall-reset': 'A firewall or middlebox sends the reset',
  'server-reset': 'The server resets the connection without reading the request',
  'application-error': 'The server resets in response to the request',
  'idle-timeout': 'Idle connections are forgotten and then reset',
  'server-crash': 'The server crashed or restarted',
  'packet-loss': 'Packet loss on the path',
  'mtu-blackhole': 'Large packets vanish on the path (MTU black hole)',
  'connection-limit': 'A connection limit is hit',
};

export interface Finding {
  cause: CauseId;
  origin: Origin;
  phase: Phase | null;
  /** 0..1: how sure the evidence makes us. */
  confidence: number;
  /** Sentences that each point at probe data a person can check in the report. */
  evidence: string[];
  remedies: string[];
  /** Only for idle-timeout: the measured timeout. */
  idleTimeoutSeconds?: number;
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
