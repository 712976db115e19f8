import type { SystemIo } from '../net/engine-io.js';
import {
  detectSecuritySoftware,
  macosProxies,
  parseGsettingsString,
  parsePsOutput,
  parseRegQueryValue,
  parseTasklistCsv,
  proxiesFromEnvironment,
  redactProxy,
  windowsProxies,
  type ProcessEntry,
  type ProxySetting,
  type ProxyTarget,
  type SecuritySoftware,
} from '../parsers/security-software-parser.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { dnsProbe } from './dns-probe.js';
import { rootHintFor, runTool } from './local-rules-reader.js';

export type { ProxySetting, SecuritySoftware } from '../parsers/security-software-parser.js';

export interface SecuritySoftwareData {
  /** Known endpoint security, IDS, VPN, TLS-inspection and application firewall agents that are running. */
  software: SecuritySoftware[];
  /** Proxies from the environment and the system settings, credentials redacted. */
  proxies: ProxySetting[];
  /** The proxy auto-configuration script's URL, when one is set. */
  pac: string | null;
  /** What could not be read (the process list, a proxy setting), one sentence each. */
  errors: string[];
}

/** Reads environment variables; tests pass their own. */
export type EnvironmentReader = () => Record<string, string | undefined>;

export interface SecuritySoftwareOptions {
  platform?: string;
  environment?: EnvironmentReader;
}

const INTERNET_SETTINGS = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';

const PROCESS_LISTS: Record<
  string,
  { tool: string; args: string[]; parse: (text: string) => ProcessEntry[] }
> = {
  linux: { tool: 'ps', args: ['-eo', 'pid,comm,args'], parse: (text) => parsePsOutput(text, true) },
  darwin: { tool: 'ps', args: ['-axo', 'pid,comm'], parse: (text) => parsePsOutput(text, false) },
  win32: { tool: 'tasklist.exe', args: ['/fo', 'csv', '/nh'], parse: parseTasklistCsv },
};

async function output(
  io: SystemIo,
  platform: string,
  tool: string,
  args: string[],
  signal: AbortSignal,
  errors: string[],
  quietCodes: number[] = [],
): Promise<string | null> {
  const out = await runTool(io, tool, args, signal, {
    acceptCodes: quietCodes,
    purpose: 'to answer',
    rootHint: rootHintFor(platform),
  });
  if (out.status.status === 'read') return out.stdout;
  if (out.status.status !== 'missing') errors.push(out.status.message ?? `${tool} gave no answer`);
  return null;
}

async function systemProxies(
  platform: string,
  io: SystemIo,
  signal: AbortSignal,
  target: ProxyTarget,
  errors: string[],
): Promise<{ proxies: ProxySetting[]; pac: string | null }> {
  if (platform === 'win32') {
    // reg exits 1 when a value is not set; that is an answer, not a failure.
    const read = async (name: string): Promise<string | null> => {
      const text = await output(
        io,
        platform,
        'reg.exe',
        ['query', INTERNET_SETTINGS, '/v', name],
        signal,
        errors,
        [1],
      );
      return text === null ? null : parseRegQueryValue(text, name);
    };
    const [enable, server, override, autoConfigUrl] = await Promise.all([
      read('ProxyEnable'),
      read('ProxyServer'),
      read('ProxyOverride'),
      read('AutoConfigURL'),
    ]);
    return windowsProxies({ enable, server, override, autoConfigUrl }, target);
  }
  if (platform === 'darwin') {
    const text = await output(io, platform, 'scutil', ['--proxy'], signal, errors);
    return text === null ? { proxies: [], pac: null } : macosProxies(text, target);
  }
  const text = await output(
    io,
    platform,
    'gsettings',
    ['get', 'org.gnome.system.proxy', 'mode'],
    signal,
    errors,
  );
  const mode = text === null ? null : parseGsettingsString(text);
  if (mode === null || mode === 'none') return { proxies: [], pac: null };
  if (mode === 'auto') {
    const url = await output(
      io,
      platform,
      'gsettings',
      ['get', 'org.gnome.system.proxy', 'autoconfig-url'],
      signal,
      errors,
    );
    const pac = url === null ? null : parseGsettingsString(url);
    return { proxies: [], pac: pac ? redactProxy(pac) : 'automatic (WPAD)' };
  }
  // Manual: GNOME applications (and those that ask libproxy) use it; whether this one does is not known.
  return { proxies: [{ source: 'gnome mode', value: mode, appliesToTarget: null }], pac: null };
}

function listNames(software: SecuritySoftware[]): string {
  return software.map((s) => `${s.name} (${s.kind})`).join(', ');
}

function summaryOf(data: SecuritySoftwareData, host: string): string {
  const parts: string[] = [];
  if (data.software.length > 0)
    parts.push(
      `${data.software.length} agent${data.software.length === 1 ? '' : 's'} that can reset connections: ${listNames(data.software)}`,
    );
  const applying = data.proxies.filter((p) => p.appliesToTarget === true && !isBypassList(p));
  const maybe = data.proxies.filter((p) => p.appliesToTarget === null && !isBypassList(p));
  if (applying.length > 0)
    parts.push(`${applying.map((p) => p.source).join(', ')} sends traffic to ${host} through a proxy`);
  if (maybe.length > 0) parts.push(`${maybe.map((p) => p.source).join(', ')} may send it through a proxy`);
  if (data.pac !== null) parts.push(`a proxy auto-configuration script is set (${data.pac})`);
  if (parts.length === 0) {
    const bypassed = data.proxies.filter((p) => !isBypassList(p));
    parts.push(
      bypassed.length > 0
        ? `No security agent found; the proxies set (${bypassed.map((p) => p.source).join(', ')}) do not apply to ${host}`
        : 'No known security agent, VPN or proxy between the application and the target',
    );
  }
  if (data.errors.length > 0) parts.push(`not read: ${data.errors.join('; ')}`);
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isBypassList(p: ProxySetting): boolean {
  return /NO_PROXY$|ProxyOverride$|ExceptionsList$/i.test(p.source);
}

export function createSecuritySoftwareProbe(
  options: SecuritySoftwareOptions = {},
): ProbeDefinition<SecuritySoftwareData> {
  return {
    id: 'security-software',
    title: 'Security software and proxies',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      const list = PROCESS_LISTS[platform];
      if (!list)
        return {
          status: 'skipped',
          reason: `Looking for security software on ${platform} is not supported.`,
        };
      const io = ctx.env.io.system;
      const errors: string[] = [];
      const target: ProxyTarget = {
        host: ctx.env.target.hostAscii,
        scheme: ctx.env.target.scheme,
        port: ctx.env.target.port,
        addresses: (ctx.results.data(dnsProbe)?.addresses ?? []).map((a) => a.address),
      };
      ctx.progress('Reading the process list and the proxy settings', null);
      const [processText, system] = await Promise.all([
        output(io, platform, list.tool, list.args, ctx.signal, errors),
        systemProxies(platform, io, ctx.signal, target, errors),
      ]);
      const software = processText === null ? [] : detectSecuritySoftware(list.parse(processText));
      if (processText === null && !errors.some((e) => e.startsWith(list.tool)))
        errors.push(`${list.tool} is not installed: the running security software is unknown`);
      const environment = (options.environment ?? (() => process.env))();
      const data: SecuritySoftwareData = {
        software,
        proxies: [...proxiesFromEnvironment(environment, target), ...system.proxies],
        pac: system.pac,
        errors,
      };
      const between =
        software.length > 0 ||
        data.pac !== null ||
        data.proxies.some((p) => !isBypassList(p) && p.appliesToTarget !== false);
      return {
        status: 'complete',
        summary: summaryOf(data, target.host),
        assessment: between ? 'warn' : 'ok',
        data,
      };
    },
  };
}

/** Names the security agents, VPNs and proxies that stand between the application and the target. */
export const securitySoftwareProbe: ProbeDefinition<SecuritySoftwareData> = createSecuritySoftwareProbe();
