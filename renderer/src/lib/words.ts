import type { Origin, Phase } from '../../../electron/shared/cause-info.js';
import type { Assessment, ProbeStatus, StepStatus } from '../../../electron/shared/step-info.js';

/** The icon a status shows beside its word (never color alone). */
export type IconName = 'pending' | 'running' | 'check' | 'warn' | 'cross' | 'skip' | 'error';

export interface StatusLook {
  word: string;
  icon: IconName;
  /** The color family: a CSS class suffix (tone-ok, tone-warn, …). */
  tone: 'neutral' | 'active' | 'ok' | 'warn' | 'fail';
}

export const STEP_STATUS_LOOK: Record<StepStatus, StatusLook> = {
  pending: { word: 'Pending', icon: 'pending', tone: 'neutral' },
  running: { word: 'Running', icon: 'running', tone: 'active' },
  pass: { word: 'Passed', icon: 'check', tone: 'ok' },
  warn: { word: 'Warning', icon: 'warn', tone: 'warn' },
  fail: { word: 'Failed', icon: 'cross', tone: 'fail' },
  skipped: { word: 'Skipped', icon: 'skip', tone: 'neutral' },
  error: { word: 'Error', icon: 'error', tone: 'fail' },
};

export const PROBE_STATUS_LOOK: Record<ProbeStatus, StatusLook> = {
  pending: { word: 'Pending', icon: 'pending', tone: 'neutral' },
  running: { word: 'Running', icon: 'running', tone: 'active' },
  complete: { word: 'Complete', icon: 'check', tone: 'neutral' },
  skipped: { word: 'Skipped', icon: 'skip', tone: 'neutral' },
  failed: { word: 'Could not run', icon: 'error', tone: 'fail' },
};

export const ASSESSMENT_LOOK: Record<Assessment, StatusLook> = {
  ok: { word: 'OK', icon: 'check', tone: 'ok' },
  warn: { word: 'Warning', icon: 'warn', tone: 'warn' },
  fail: { word: 'Problem', icon: 'cross', tone: 'fail' },
};

export function originWords(origin: Origin, hop?: number | null): string {
  switch (origin) {
    case 'local':
      return 'this machine';
    case 'path':
      return hop ? `a device on the path (hop ${hop})` : 'a device on the path';
    case 'server':
      return 'the server';
    case 'unknown':
      return 'unknown';
  }
}

export const PHASE_WORDS: Record<Phase, string> = {
  dns: 'name lookup (DNS)',
  route: 'routing to the host',
  connect: 'connecting (TCP handshake)',
  tls: 'TLS handshake',
  request: 'sending the request',
  response: 'reading the response',
  transfer: 'data transfer',
  idle: 'idle connection',
};

const numberFormats = new Map<number, Intl.NumberFormat>();

/** A number for people: at most `decimals` decimals, no trailing zeros. */
export function formatNumber(value: number, decimals = 1): string {
  let format = numberFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, useGrouping: true });
    numberFormats.set(decimals, format);
  }
  return format.format(value);
}

/** Milliseconds with the precision that matters at their size: 0.052, 4.8, 312. */
export function formatMs(value: number): string {
  const abs = Math.abs(value);
  const decimals = abs < 1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return `${formatNumber(value, decimals)} ms`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? formatMs(ms) : `${formatNumber(ms / 1000, 2)} s`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/**
 * One line for a person from whatever an API call threw: no stack, no "Error invoking remote method"
 * wrapper Electron adds around errors from the main process.
 */
export function errorLine(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  const line = raw.split('\n', 1)[0] ?? '';
  const text = line
    .replace(/^Error invoking remote method '[^']*':\s*/, '')
    .replace(/^(?:[A-Z][A-Za-z]*)?Error:\s*/, '')
    .trim();
  return text || 'Something went wrong.';
}
