import { SocketAddress, isIP, isIPv4 } from 'node:net';

/**
 * Finds IP and MAC addresses in free text and replaces each with a placeholder. Regular expressions
 * only find candidates (runs of hex digits, dots and colons); Node's own address parser decides what
 * is an address, so `[2001:db8::1]:80` is one address with a port, not two half-matches.
 *
 * The rules, where text is ambiguous:
 * - A dotted quad is an address wherever it stands ("version 1.2.3.4" too: hiding a version costs less
 *   than leaking an address), except right after `§`, "section" or "sec." (RFC 9293 §3.10.7.1) or glued
 *   to a word (`v1.2.3.4`). Three parts (semver 3.10.7), times (10:11:12.345) and dates are never one.
 * - `a.b.c.d:port` keeps its port; `[v6]:port`, `v6%zone` and `addr/prefix` keep the brackets, the zone
 *   and the prefix length. An unbracketed `2001:db8::1:80` is a valid address on its own and is read so.
 * - The same address is the same placeholder in any spelling: case, compressed or full IPv6, and a
 *   v4-mapped `::ffff:1.2.3.4` is its IPv4 address (dual-stack sockets report it that way).
 * - MAC addresses (`00:1a:2b:3c:4d:5e`, `00-1A-2B-3C-4D-5E`) become `<mac-n>`: they name a machine.
 */
export class AddressRedactor {
  private readonly tokens = new Map<string, string>();
  private readonly counts = { ip: 0, mac: 0 };

  redact(text: string): string {
    let out = '';
    let last = 0;
    for (const match of text.matchAll(RUN)) {
      const at = match.index;
      if (match[0].length > MAX_RUN || !/[:.]/.test(match[0])) continue;
      const found = this.read(text, at, match[0]);
      if (!found) continue;
      out += text.slice(last, at + found.start) + found.token;
      last = at + found.end;
    }
    out += text.slice(last);
    return out.replace(MAC_DASHED, (mac) => this.token('mac', mac.toLowerCase().replaceAll('-', ':')));
  }

  /** The placeholder for one address found in `run` (at `at` in `text`), or null if there is none. */
  private read(text: string, at: number, run: string): { start: number; end: number; token: string } | null {
    // No address starts with a dot, or with one colon (ip:1.2.3.4, "Address.....192.0.2.1").
    let start = 0;
    while (run[start] === '.') start++;
    if (run[start] === ':' && run[start + 1] !== ':') start++;
    // Glued to a word: v1.2.3.4, sha256:…, std::….
    if (start === 0 && WORD.test(text[at - 1] ?? '')) return null;
    const after = text[at + run.length] ?? '';
    if (WORD.test(after) && !SEPARATOR.test(run.at(-1)!)) return null;
    // Sentence punctuation after an address ("… from 192.0.2.1.", "192.0.2.1: refused") is not part of it.
    for (let end = run.length; end > start; end--) {
      const candidate = run.slice(start, end);
      if (end < run.length && !SEPARATOR.test(run[end]!)) break;
      const address = this.address(candidate, text, at + start, end === run.length);
      if (address) return { start, end: end + address.zoneLength, token: address.token + address.rest };
    }
    return null;
  }

  private address(
    candidate: string,
    text: string,
    at: number,
    wholeRun: boolean,
  ): { token: string; rest: string; zoneLength: number } | null {
    if (MAC_COLONS.test(candidate))
      return { token: this.token('mac', candidate.toLowerCase()), rest: '', zoneLength: 0 };
    let address = candidate;
    let lead = '';
    let rest = '';
    if (isIP(address) === 0) {
      // a.b.c.d:port, or a v6 ending in a dotted quad followed by :port; else a dotted quad after a word
      // made of hex letters and a colon ("cafe:192.0.2.1", "add:192.0.2.1:80").
      const port = /^(.+):(\d{1,5})$/.exec(candidate);
      const tail = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})((?::\d{1,5})?)$/.exec(candidate);
      if (port && isIP(port[1]!) !== 0) [address, rest] = [port[1]!, `:${port[2]}`];
      else if (tail && isIPv4(tail[2]!)) [lead, address, rest] = [tail[1]!, tail[2]!, tail[3]!];
      else return null;
    }
    if (!lead && isIPv4(address) && SECTION_BEFORE.test(text.slice(Math.max(0, at - 12), at))) return null;
    let zoneLength = 0;
    if (wholeRun && !rest && address.includes(':')) {
      ZONE.lastIndex = at + candidate.length;
      const zone = ZONE.exec(text);
      if (zone && isIP(address + zone[0]) === 6) {
        zoneLength = zone[0].length;
        rest = zone[0];
      }
    }
    const key = canonical(address);
    if (key === null) return null;
    return { token: lead + this.token('ip', key), rest, zoneLength };
  }

  private token(kind: 'ip' | 'mac', key: string): string {
    const id = `${kind} ${key}`;
    let token = this.tokens.get(id);
    if (!token) {
      token = `<${kind}-${++this.counts[kind]}>`;
      this.tokens.set(id, token);
    }
    return token;
  }
}

/** One spelling per address: Node's own formatting for IPv6, the IPv4 address for v4-mapped ones. */
export function canonical(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  if (family === 4) return address;
  try {
    const text = new SocketAddress({ address, family: 'ipv6' }).address;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    return mapped && isIPv4(mapped[1]!) ? mapped[1]! : text;
  } catch {
    return null;
  }
}

// Maximal runs of what an address is made of (linear on any input). The longest address, an IPv6 one
// ending in a dotted quad, is 45 characters; with a port and an ellipsis after it, 54.
const RUN = /[0-9a-f:.]+/gi;
const MAX_RUN = 64;
const SEPARATOR = /^[:.]$/;
const WORD = /^[\p{L}\p{N}_]$/u;
const ZONE = /%[0-9a-z_-]+(?:\.[0-9a-z_-]+)*/iy;
const SECTION_BEFORE = /(?:§|\bsection|\bsec\.)\s*$/i;
const MAC_COLONS = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const MAC_DASHED = /(?<![\p{L}\p{N}_-])[0-9a-f]{2}(?:-[0-9a-f]{2}){5}(?![\p{L}\p{N}_-])/giu;
