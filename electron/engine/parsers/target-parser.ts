import { isIP } from 'node:net';
import { networkInterfaces, platform } from 'node:os';
import { domainToASCII } from 'node:url';
import type { TargetInfo, TargetScheme } from '../../shared/target-info.js';
import { InputError } from '../input-error.js';

export class TargetError extends InputError {
  override name = 'TargetError';
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Echoed input stays one short line: line breaks and control characters escaped, a long one cut. */
const ECHO_CHARS = 100;

function quoted(text: string): string {
  return JSON.stringify(text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS - 1)}…` : text);
}

const DEFAULT_PORTS: Record<'http' | 'https', number> = { http: 80, https: 443 };

/**
 * Parses what a person types as a target: a host, host:port, an IPv4 or bracketed IPv6 literal with an
 * optional port, or an http(s) URL. Throws TargetError with a one-line message a person can act on.
 */
export function parseTarget(raw: string): TargetInfo {
  const input = raw.trim();
  if (input === '') throw new TargetError('the target is empty: give a host, host:port or URL');
  // No host, port or URL holds one; echoed, they would steer the terminal the message is shown on.
  if (CONTROL.test(input))
    throw new TargetError(`${quoted(input)} contains control characters: give a host, host:port or URL`);
  if (/\s/.test(input))
    throw new TargetError(`${quoted(input)} contains spaces: give a host, host:port or URL`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return parseUrl(input);
  return parseHostPort(input);
}

function parseUrl(input: string): TargetInfo {
  const scheme = input.slice(0, input.indexOf(':')).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TargetError(`${quoted(`${scheme}://`)} is not supported: use http://, https:// or host:port`);
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TargetError(`${quoted(input)} is not a valid URL`);
  }
  if (url.username || url.password)
    throw new TargetError('leave user names and passwords out of the target URL');
  const bracketed = url.hostname.startsWith('[');
  const host = bracketed ? url.hostname.slice(1, -1) : url.hostname;
  // URL already punycodes the host; keep what the person typed for display.
  const typedHost = hostAsTyped(input, host, bracketed);
  const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port);
  return finish(input, scheme, typedHost, host, port, `${url.pathname}${url.search}` || '/');
}

function hostAsTyped(input: string, asciiHost: string, bracketed: boolean): string {
  if (bracketed) return asciiHost;
  const authority = input.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/, 1)[0] ?? '';
  const typed = authority.replace(/:\d*$/, '');
  return typed.toLowerCase() === asciiHost ? asciiHost : typed.normalize('NFC');
}

function parseHostPort(input: string): TargetInfo {
  let host: string;
  let portText: string | null = null;
  if (input.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
    if (!match?.[1]) throw new TargetError(`${quoted(input)} is not a valid [IPv6]:port`);
    host = match[1];
    if (isIP(host) !== 6) throw new TargetError(`${quoted(host)} is not a valid IPv6 address`);
    portText = match[2] ?? null;
  } else if (isIP(input) === 6) {
    host = input;
  } else {
    const colon = input.lastIndexOf(':');
    if (colon !== -1 && input.indexOf(':') !== colon) {
      throw new TargetError(
        `${quoted(input)} looks like an IPv6 address with a port: write it as [address]:port`,
      );
    }
    host = colon === -1 ? input : input.slice(0, colon);
    portText = colon === -1 ? null : input.slice(colon + 1);
  }
  const port = portText === null ? 443 : parsePort(portText);
  const scheme: TargetScheme = port === 443 ? 'https' : port === 80 ? 'http' : 'tcp';
  return finish(input, scheme, host, toAscii(host), port, '/');
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new TargetError(`${quoted(text)} is not a port number (1-65535)`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new TargetError(`port ${port} is out of range (1-65535)`);
  return port;
}

function toAscii(host: string): string {
  if (isIP(host)) return host;
  if (/^[\d.]+$/.test(host)) throw new TargetError(`${quoted(host)} is not a valid IPv4 address`);
  const ascii = domainToASCII(host.normalize('NFC'));
  if (ascii === '') throw new TargetError(`${quoted(host)} is not a valid host name`);
  return ascii.replace(/\.$/, '');
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function finish(
  input: string,
  scheme: TargetScheme,
  host: string,
  hostAscii: string,
  port: number,
  path: string,
): TargetInfo {
  const ipVersion = isIP(hostAscii);
  if (ipVersion === 0) checkName(host, hostAscii);
  else checkZone(hostAscii);
  return {
    input,
    scheme,
    host,
    hostAscii: ipVersion === 0 ? hostAscii.toLowerCase() : hostAscii,
    ipVersion: ipVersion === 0 ? null : (ipVersion as 4 | 6),
    port,
    path,
  };
}

function checkName(host: string, hostAscii: string): void {
  if (hostAscii.length > 253) throw new TargetError(`${quoted(host)} is too long for a host name`);
  const labels = hostAscii.toLowerCase().split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    throw new TargetError(`${quoted(host)} is not a valid host name`);
  }
}

/**
 * An IPv6 zone (fe80::1%eth0) must name an interface of this machine that has an IPv6 address: any
 * other zone makes every connection fail with EINVAL before a packet is sent. Names everywhere but
 * Windows, whose zones are interface numbers.
 */
function checkZone(address: string): void {
  const at = address.indexOf('%');
  if (at === -1) return;
  const zone = address.slice(at + 1);
  const ipv6 = Object.entries(networkInterfaces()).filter(([, addresses]) =>
    addresses?.some((a) => a.family === 'IPv6'),
  );
  const known =
    platform() === 'win32'
      ? ipv6.some(([, addresses]) =>
          addresses?.some((a) => a.family === 'IPv6' && String(a.scopeid) === zone),
        )
      : ipv6.some(([name]) => name === zone);
  if (!known) {
    throw new TargetError(
      `${quoted(address)}: this machine has no network interface "${zone}" with an IPv6 address (the part after % names the interface)`,
    );
  }
}

/**
 * A host alone, as `serve --host` takes it: an IPv4 or IPv6 address (brackets optional) or a host name,
 * checked as a target's host is. Returns it as it can be passed to listen().
 */
export function parseHost(raw: string): string {
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (host === '') throw new TargetError('the host is empty: give an address or a host name');
  if (CONTROL.test(host) || /\s/.test(host))
    throw new TargetError(`${quoted(raw)} is not an address or a host name`);
  if (isIP(host)) {
    checkZone(host);
    return host;
  }
  const ascii = toAscii(host);
  checkName(host, ascii);
  return ascii.toLowerCase();
}
