import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { TargetInfo, TargetScheme } from '../../shared/target-info.js';

export class TargetError extends Error {
  override name = 'TargetError';
}

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
  if (ipVersion === 0) {
    if (hostAscii.length > 253) throw new TargetError(`${quoted(host)} is too long for a host name`);
    const labels = hostAscii.toLowerCase().split('.');
    if (!labels.every((label) => LABEL.test(label))) {
      throw new TargetError(`${quoted(host)} is not a valid host name`);
    }
  }
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
