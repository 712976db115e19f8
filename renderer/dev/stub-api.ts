/**
 * Dev and test only: a ResetDoctorApi that records every call, answers with canned results (each can be
 * replaced), and lets a test push RunEvents as the engine would.
 */
import type {
  ApiCalls,
  ApiChannel,
  AppInfo,
  ErrorTextCheck,
  ResetDoctorApi,
  TargetCheck,
} from '../../electron/shared/api-contract.js';
import type { RunEvent } from '../../electron/shared/run-event-info.js';
import { SAMPLE_RUN_ID, demoReport } from './sample-run.js';

type Handlers = {
  [C in ApiChannel]: (...args: ApiCalls[C]['args']) => ApiCalls[C]['result'] | Promise<ApiCalls[C]['result']>;
};

export interface RecordedCall {
  channel: ApiChannel;
  args: unknown[];
}

export const STUB_APP_INFO: AppInfo = {
  version: '0.1.0',
  mode: 'electron',
  platform: 'linux',
  privileged: false,
  privilegeNote:
    'Run with sudo, or grant the capability to a copy of node kept for Reset Doctor (sudo setcap cap_net_raw+ep on that copy, never on the system node: see the README).',
  canChooseFiles: true,
};

/** Roughly what the engine's target parser says: enough to drive the start page. */
export function stubTargetCheck(target: string): TargetCheck {
  const t = target.trim();
  if (!t) return { ok: false, message: 'Enter a host, host:port or URL' };
  if (/\s/.test(t)) return { ok: false, message: `“${t}” is not a host name: it contains spaces` };
  const url = /^(https?):\/\/([^/:]+)(?::(\d+))?/.exec(t);
  if (url)
    return {
      ok: true,
      message: `${url[1]!.toUpperCase()} service at ${url[2]}:${url[3] ?? (url[1] === 'https' ? 443 : 80)}, host name`,
    };
  const hostPort = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(t);
  if (!hostPort) return { ok: false, message: `“${t}” is not a host, host:port or URL` };
  const port = Number(hostPort[2] ?? 443);
  if (port < 1 || port > 65535) return { ok: false, message: `port ${port} is out of range (1-65535)` };
  return { ok: true, message: `TCP service at ${hostPort[1]}:${port}, host name` };
}

export function stubErrorParse(text: string): ErrorTextCheck {
  const target =
    /https?:\/\/[^\s'"]+/.exec(text)?.[0] ?? /\b[a-z0-9.-]+\.[a-z]{2,}:\d{1,5}\b/i.exec(text)?.[0] ?? null;
  const isReset = /reset|ECONNRESET|10054/i.test(text);
  const client = /^curl:/.test(text) ? 'curl' : /ECONNRESET/.test(text) ? 'Node.js' : null;
  return {
    target,
    client,
    isReset,
    explanation: isReset
      ? 'The peer (or a device pretending to be it) sent a TCP reset.'
      : 'This does not look like a connection reset.',
  };
}

export const SAMPLE_WATCH_ID = '7a1c2f4e-0b9d-4c3e-8f21-5d6e7f809a1b';

export class StubApi implements ResetDoctorApi {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  readonly handlers: Handlers = {
    'app:info': () => STUB_APP_INFO,
    'target:check': (target) => stubTargetCheck(target),
    'error:parse': (text) => stubErrorParse(text),
    'run:start': () => ({ runId: SAMPLE_RUN_ID }),
    'run:cancel': () => ({ cancelled: true }),
    'step:rerun': () => ({ started: true }),
    'report:get': () => demoReport(),
    'report:export': (_runId, format) => ({
      kind: 'content',
      fileName: `reset-doctor-api.example.com.${format}`,
      mime: format === 'html' ? 'text/html' : format === 'json' ? 'application/json' : 'text/markdown',
      content: format === 'json' ? JSON.stringify(demoReport()) : `report as ${format}`,
    }),
    'report:summary': (_runId, redact) => ({
      markdown: `# Reset Doctor report: api.example.com\n\n## In short\n\n- Verdict: **${redact ? 'redacted' : 'summary'}**\n`,
    }),
    'log:choose': () => ({ path: '/var/log/nginx/error.log' }),
    'run:latest': () => null,
    'watch:start': () => ({ runId: SAMPLE_WATCH_ID }),
    'watch:stop': () => ({ stopped: true }),
    'watch:get': () => null,
    'watch:export': (_runId, format) => ({
      kind: 'content',
      fileName: `reset-doctor-watch-api.example.com.${format}`,
      mime: format === 'json' ? 'application/json' : 'text/markdown',
      content: `watch as ${format}`,
    }),
    'history:list': () => ({ entries: [], problems: [] }),
    'history:get': () => null,
    'history:export': (_id, format) => ({
      kind: 'content',
      fileName: `reset-doctor-kept.${format}`,
      mime: format === 'json' ? 'application/json' : 'text/markdown',
      content: `kept run as ${format}`,
    }),
  };

  constructor(overrides: Partial<Handlers> = {}) {
    Object.assign(this.handlers, overrides);
  }

  invoke<C extends ApiChannel>(channel: C, ...args: ApiCalls[C]['args']): Promise<ApiCalls[C]['result']> {
    this.calls.push({ channel, args });
    const handler = this.handlers[channel] as (...a: ApiCalls[C]['args']) => ApiCalls[C]['result'];
    return Promise.resolve().then(() => handler(...args));
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...events: RunEvent[]): void {
    for (const event of events) for (const listener of [...this.listeners]) listener(event);
  }

  callsTo(channel: ApiChannel): unknown[][] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.args);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
