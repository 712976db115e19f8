import type { Finding, Origin, Phase } from '../../shared/cause-info.js';
import type { Report } from '../../shared/report-info.js';
import { leadFinding } from '../../shared/verdict-words.js';
// The run's options in words: defined beside the options (the wizard compares kept runs by them too).
export { optionLines } from '../../shared/run-options-info.js';

// Wording shared by the Markdown and HTML reports, so a ticket and the file attached to it say the same.

export const ORIGIN_WORDS: Record<Origin, string> = {
  local: 'this computer or its local network',
  path: 'a device on the network path',
  server: 'the server',
  unknown: 'not determined',
};

export const PHASE_WORDS: Record<Phase, string> = {
  dns: 'name resolution',
  route: 'routing',
  connect: 'TCP connect',
  tls: 'TLS handshake',
  request: 'sending the request',
  response: 'waiting for the response',
  transfer: 'data transfer',
  idle: 'idle connection',
};

/** The finding that backs the verdict (leadFinding, which the wizard reads too). */
export function verdictFinding(report: Report): Finding | null {
  return leadFinding(report.diagnosis);
}

/** Findings other than the one shown as the verdict, most confident first. */
export function otherFindings(report: Report): Finding[] {
  const main = verdictFinding(report);
  return report.diagnosis.findings.filter((f) => f !== main).sort((a, b) => b.confidence - a.confidence);
}

export { findingFigures } from '../../shared/finding-words.js';

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

export function originText(finding: Finding): string {
  const words = ORIGIN_WORDS[finding.origin];
  return finding.origin === 'path' && finding.hop !== undefined ? `${words} (hop ${finding.hop})` : words;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return ms === 0 ? '0 ms' : '< 1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** Wall-clock time of the run; null when the stamps do not parse, so callers can leave it out. */
export function runDurationMs(report: Report): number | null {
  const ms = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function formatNumber(value: number, digits = 1): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

// Fixed UTC wording rather than the locale's: the reader and the machine may be in different zones.
export function readableTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$|Z$/, ' UTC');
}
