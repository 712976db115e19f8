import { isRecord, numberOrNull } from './data-guards.js';

/**
 * One line of evidence a probe found: a log line, a firewall rule, a process, an agent. Shared by the
 * wizard and the exported reports, so both highlight the same lines.
 */
export interface EvidenceLine {
  tag: string;
  text: string;
  note: string | null;
  /** Shown in a monospace face: log lines and rules are quoted as they are. */
  quoted: boolean;
}

const MAX_LINES = 8;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/**
 * The lines or rules that matter in a probe's data, for the probes whose evidence is text (server
 * logs, firewall rules, local processes, security agents, the error the application printed). Data
 * that does not have the expected shape gives no lines; the probe's summary still shows.
 */
export function evidenceLines(probeId: string, data: unknown): EvidenceLine[] {
  if (!isRecord(data)) return [];
  const reader = READERS[probeId];
  return reader ? reader(data).slice(0, MAX_LINES) : [];
}

const READERS: Record<string, (data: Record<string, unknown>) => EvidenceLine[]> = {
  'log-scan': (data) => {
    const chosen = list(data.linesThatMatter).length ? list(data.linesThatMatter) : list(data.matches);
    return chosen.flatMap((m) => {
      const text = str(m.text);
      if (!text) return [];
      const where = [
        numberOrNull(m.lineNumber) !== null ? `line ${numberOrNull(m.lineNumber)}` : null,
        str(m.timestamp),
      ].filter(Boolean);
      return [
        {
          tag: str(m.category) ?? 'line',
          text,
          note: str(m.why) ?? (where.join(', ') || null),
          quoted: true,
        },
      ];
    });
  },
  'local-rules': (data) =>
    list(data.matches).flatMap((m) => {
      const rule = isRecord(m.rule) ? m.rule : {};
      const text = str(rule.text);
      if (!text) return [];
      const tag = [str(m.effect), str(m.certainty) === 'partial' ? 'maybe' : null].filter(Boolean).join(', ');
      return [{ tag: tag || 'rule', text, note: str(m.why), quoted: true }];
    }),
  'local-sockets': (data) =>
    list(data.processes).flatMap((p) => {
      const name = str(p.name) ?? 'unknown process';
      const states = isRecord(p.states)
        ? Object.entries(p.states)
            .map(([state, count]) => `${count} ${state}`)
            .join(', ')
        : '';
      const pid = numberOrNull(p.pid);
      return [
        {
          tag: 'process',
          text: pid !== null ? `${name} (pid ${pid})` : name,
          note: states || null,
          quoted: false,
        },
      ];
    }),
  'security-software': (data) => [
    ...list(data.software).flatMap((s) => {
      const name = str(s.name);
      return name
        ? [
            {
              tag: str(s.kind) ?? 'agent',
              text: [name, str(s.vendor)].filter(Boolean).join(' — '),
              note: str(s.why),
              quoted: false,
            },
          ]
        : [];
    }),
    ...list(data.proxies).flatMap((p) => {
      const value = str(p.value);
      if (!value) return [];
      const applies =
        p.appliesToTarget === true
          ? 'applies to the target'
          : p.appliesToTarget === false
            ? 'the target is exempt'
            : null;
      return [
        {
          tag: 'proxy',
          text: value,
          note: [str(p.source), applies].filter(Boolean).join(': ') || null,
          quoted: true,
        },
      ];
    }),
  ],
  'error-text': (data) => {
    const matched = str(data.matched);
    return matched
      ? [{ tag: str(data.client) ?? 'error', text: matched, note: str(data.explanation), quoted: true }]
      : [];
  },
};
