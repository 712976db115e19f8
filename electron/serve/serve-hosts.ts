import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** 0.0.0.0 listens on every IPv4 address of the machine, :: on every address. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/**
 * The Host header values the server answers: the names a browser can have used to reach it. A page
 * elsewhere that points its own name at this machine (DNS rebinding) carries that name, and is
 * refused. Bound to a wildcard, that is every address of the machine's interfaces (read per request:
 * addresses come and go); bound to one address, that one. Loopback names always, for a browser on
 * the machine itself or at the end of an SSH tunnel.
 */
export function allowedHosts(bind: string, port: number, interfaces?: Interfaces): Set<string> {
  const names = new Set([bind, ...LOOPBACK_NAMES]);
  if (isWildcard(bind)) {
    for (const info of Object.values(interfaces ?? ownInterfaces()).flat()) {
      if (info && (bind === '::' || info.family === 'IPv4')) names.add(info.address);
    }
  }
  const hosts = new Set<string>();
  for (const name of names) {
    const host = bracket(name).toLowerCase();
    hosts.add(`${host}:${port}`);
    // A browser leaves the scheme's default port out of the Host header.
    if (port === 80) hosts.add(host);
  }
  return hosts;
}

function ownInterfaces(): Interfaces {
  try {
    return networkInterfaces();
  } catch {
    // Some systems refuse to list them (uv_interface_addresses): then only loopback names are known.
    return {};
  }
}

export function bracket(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
