import { BlockList, isIP } from 'node:net';
import type {
  AddressCriterion,
  FirewallRule,
  InterfaceCriterion,
  PortCriterion,
  PortRange,
  TcpFlagsCriterion,
} from './firewall-rule-types.js';

export type Tri = 'yes' | 'no' | 'unknown';

/** One side of the connection as a rule sees it: packets to the target, or its answers. */
export interface PacketView {
  direction: 'outgoing' | 'incoming';
  /** The target's address and port; this machine's side is never known exactly. */
  remote: string;
  remoteFamily: 4 | 6;
  port: number;
  /** Where the kernel picks this machine's port (net.ipv4.ip_local_port_range). */
  localPorts: PortRange;
}

export interface CriteriaVerdict {
  result: Tri;
  /** What the rule matched, for the one-sentence explanation: "destination 198.18.4.2". */
  met: string[];
  /** What decides whether the rule applies but cannot be known from here. */
  open: string[];
  /** False when a ct state or tcp flags test picks only some packets of the connection (the SYN, say). */
  allPackets: boolean;
}

/** Linux's default ephemeral port range. */
export const DEFAULT_LOCAL_PORTS: PortRange = { from: 32768, to: 60999 };

const ALL_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr'];
const NORMAL_PACKETS: Record<PacketView['direction'], Record<string, string[]>> = {
  outgoing: { SYN: ['syn'], ACK: ['ack'], 'PSH-ACK': ['psh', 'ack'], 'FIN-ACK': ['fin', 'ack'] },
  incoming: { 'SYN-ACK': ['syn', 'ack'], ACK: ['ack'], 'PSH-ACK': ['psh', 'ack'], 'FIN-ACK': ['fin', 'ack'] },
};
const RESET_PACKETS = [['rst'], ['rst', 'ack']];
/** The states a normal connection's packets have: the first one is new, all the others established. */
const STATES: Record<PacketView['direction'], string[]> = {
  outgoing: ['new', 'established'],
  incoming: ['established'],
};

function not(value: boolean, negated: boolean): boolean {
  return negated ? !value : value;
}

/**
 * Whether the address is in the criterion's items; null when an item is not one BlockList takes (an address
 * of the other family, a prefix longer than the address, a range that runs backwards): the parsers keep
 * such items out, but a rule that slips one through must not stop the whole walk.
 */
function addressContains(criterion: AddressCriterion, address: string): boolean | null {
  const list = new BlockList();
  const type = criterion.family === 4 ? 'ipv4' : 'ipv6';
  try {
    for (const item of criterion.items) {
      if (item.kind === 'prefix') list.addSubnet(item.address, item.prefixLength, type);
      else list.addRange(item.from, item.to, type);
    }
    return list.check(address, type);
  } catch {
    return null;
  }
}

function itemsText(criterion: AddressCriterion): string {
  if (criterion.set) return `@${criterion.set.name}`;
  const parts = criterion.items.map((i) =>
    i.kind === 'range' ? `${i.from}-${i.to}` : `${i.address}/${i.prefixLength}`,
  );
  return parts.length === 1 ? (parts[0] ?? '') : `{ ${parts.join(', ')} }`;
}

function evaluateAddress(
  criterion: AddressCriterion,
  name: string,
  view: PacketView,
  remoteSide: boolean,
  out: CriteriaVerdict,
): Tri {
  if (criterion.family !== view.remoteFamily) return 'no';
  if (!remoteSide) {
    out.open.push(`this machine's address is ${criterion.negated ? 'not ' : ''}in ${itemsText(criterion)}`);
    return 'unknown';
  }
  if (criterion.set && !criterion.set.resolved) {
    out.open.push(
      `${name} ${view.remote} is ${criterion.negated ? 'not ' : ''}in set @${criterion.set.name}`,
    );
    return 'unknown';
  }
  const contained = addressContains(criterion, view.remote);
  if (contained === null) {
    out.open.push(`${name} ${view.remote} is ${criterion.negated ? 'not ' : ''}in ${itemsText(criterion)}`);
    return 'unknown';
  }
  // A dynamic set can gain the address later, so its absence now proves nothing.
  if (!contained && criterion.set?.dynamic) {
    out.open.push(`${view.remote} is ${criterion.negated ? 'not ' : ''}added to set @${criterion.set.name}`);
    return 'unknown';
  }
  if (!not(contained, criterion.negated)) return 'no';
  const single = criterion.items.length === 1 && criterion.items[0]?.kind === 'prefix' && !criterion.set;
  const exact =
    single &&
    criterion.items[0]?.kind === 'prefix' &&
    criterion.items[0].address === view.remote &&
    !criterion.negated;
  out.met.push(
    exact
      ? `${name} ${view.remote}`
      : `${name} ${view.remote} (${criterion.negated ? 'not in' : 'in'} ${itemsText(criterion)})`,
  );
  return 'yes';
}

function portsText(criterion: PortCriterion): string {
  if (criterion.set) return `@${criterion.set.name}`;
  const parts = criterion.items.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`));
  return parts.length === 1 ? (parts[0] ?? '') : `{ ${parts.join(', ')} }`;
}

function evaluatePort(
  criterion: PortCriterion,
  name: string,
  view: PacketView,
  remoteSide: boolean,
  out: CriteriaVerdict,
): Tri {
  if (criterion.set && !criterion.set.resolved) {
    out.open.push(`${name} is ${criterion.negated ? 'not ' : ''}in set @${criterion.set.name}`);
    return 'unknown';
  }
  if (remoteSide) {
    const contained = criterion.items.some((r) => view.port >= r.from && view.port <= r.to);
    if (!contained && criterion.set?.dynamic) {
      out.open.push(`port ${view.port} is added to set @${criterion.set.name}`);
      return 'unknown';
    }
    if (!not(contained, criterion.negated)) return 'no';
    const plain =
      !criterion.negated &&
      !criterion.set &&
      criterion.items.length === 1 &&
      criterion.items[0]?.from === criterion.items[0]?.to;
    out.met.push(
      plain
        ? `${name} ${view.port}`
        : `${name} ${view.port} (${criterion.negated ? 'not in' : 'in'} ${portsText(criterion)})`,
    );
    return 'yes';
  }
  // This machine's port is picked from the ephemeral range: a rule only certainly applies if it covers it all.
  const { from, to } = view.localPorts;
  const overlap = criterion.items.some((r) => r.from <= to && r.to >= from);
  const covers = criterion.items.some((r) => r.from <= from && r.to >= to);
  const hit = criterion.negated ? !overlap : covers;
  const miss = criterion.negated ? covers : !overlap;
  if (miss && !criterion.set?.dynamic) return 'no';
  if (hit) {
    out.met.push(
      `${name} ${criterion.negated ? '!= ' : ''}${portsText(criterion)} (this machine's ports ${from}-${to})`,
    );
    return 'yes';
  }
  out.open.push(`this machine's port is ${criterion.negated ? 'not ' : ''}in ${portsText(criterion)}`);
  return 'unknown';
}

function flagsMatch(criterion: TcpFlagsCriterion, packet: string[]): boolean {
  const mask = criterion.mask ?? ALL_FLAGS;
  const masked = packet.filter((flag) => mask.includes(flag));
  const hit =
    criterion.mode === 'any-bit'
      ? criterion.values.flat().some((flag) => packet.includes(flag))
      : criterion.values.some((value) => {
          const wanted = value.filter((flag) => mask.includes(flag));
          return wanted.length === masked.length && wanted.every((flag) => masked.includes(flag));
        });
  return not(hit, criterion.negated);
}

function evaluateFlags(criterion: TcpFlagsCriterion, view: PacketView, out: CriteriaVerdict): Tri {
  const packets = Object.entries(NORMAL_PACKETS[view.direction]);
  const hits = packets.filter(([, flags]) => flagsMatch(criterion, flags)).map(([name]) => name);
  if (hits.length < packets.length) out.allPackets = false;
  if (hits.length > 0) {
    out.met.push(`tcp flags of the ${hits.join(', ')} packets`);
    return 'yes';
  }
  if (RESET_PACKETS.some((flags) => flagsMatch(criterion, flags))) {
    out.open.push('the packet is a TCP reset');
    return 'unknown';
  }
  return 'no';
}

function isLoopback(address: string): boolean {
  return isIP(address) === 4 ? address.startsWith('127.') : address === '::1';
}

function evaluateInterface(criterion: InterfaceCriterion, view: PacketView, out: CriteriaVerdict): Tri {
  const label = `${criterion.direction === 'in' ? 'iifname' : 'oifname'} ${criterion.negated ? '!= ' : ''}${criterion.names.join(',')}`;
  // Only the loopback interface is certain: traffic to a loopback address uses it, any other does not.
  if (criterion.names.every((name) => name === 'lo')) {
    if (!not(isLoopback(view.remote), criterion.negated)) return 'no';
    out.met.push(label);
    return 'yes';
  }
  out.open.push(`the interface matches ${label}`);
  return 'unknown';
}

/** Whether a rule's criteria hold for the packets of one direction. */
export function evaluateCriteria(rule: FirewallRule, view: PacketView): CriteriaVerdict {
  const out: CriteriaVerdict = { result: 'yes', met: [], open: [], allPackets: true };
  const m = rule.matches;
  const tris: Tri[] = [];
  const familyVersion = rule.family === 'ip' ? 4 : rule.family === 'ip6' ? 6 : null;
  if (rule.family === 'arp') return { ...out, result: 'no' };
  if (
    (familyVersion ?? view.remoteFamily) !== view.remoteFamily ||
    (m.ipVersion ?? view.remoteFamily) !== view.remoteFamily
  ) {
    return { ...out, result: 'no' };
  }
  const outgoing = view.direction === 'outgoing';
  for (const c of m.destination) tris.push(evaluateAddress(c, 'destination', view, outgoing, out));
  for (const c of m.source) tris.push(evaluateAddress(c, 'source', view, !outgoing, out));
  for (const c of m.protocol) {
    const tcp = c.protocols.some((p) => p === 'tcp' || p === '6');
    tris.push(not(tcp, c.negated) ? 'yes' : 'no');
  }
  for (const c of m.destinationPort) tris.push(evaluatePort(c, 'tcp dport', view, outgoing, out));
  for (const c of m.sourcePort) tris.push(evaluatePort(c, 'tcp sport', view, !outgoing, out));
  for (const c of m.ctState) {
    const hits = STATES[view.direction].filter((state) => not(c.states.includes(state), c.negated));
    if (hits.length < STATES[view.direction].length) out.allPackets = false;
    if (hits.length > 0) out.met.push(`ct state ${hits.join(',')}`);
    else out.open.push(`conntrack marks the packet ${c.negated ? 'other than ' : ''}${c.states.join(',')}`);
    tris.push(hits.length > 0 ? 'yes' : 'unknown');
  }
  for (const c of m.tcpFlags) tris.push(evaluateFlags(c, view, out));
  for (const c of m.interfaces) tris.push(evaluateInterface(c, view, out));
  for (const c of m.strings) {
    out.open.push(
      c.text === null
        ? 'the payload matches a byte pattern'
        : `the payload contains ${JSON.stringify(c.text)}`,
    );
    tris.push('unknown');
  }
  for (const text of m.unknown) {
    out.open.push(`${text} matches`);
    tris.push('unknown');
  }
  // Limits and random draws decide per packet: they are explained with the effect, not here.
  if (m.connectionLimit || m.rateLimit) tris.push('unknown');
  if (m.random) tris.push(m.random.probability === 0 ? 'no' : m.random.probability === 1 ? 'yes' : 'unknown');
  if (m.connectionLimit || m.rateLimit || m.random) out.allPackets = false;
  out.result = tris.includes('no') ? 'no' : tris.includes('unknown') ? 'unknown' : 'yes';
  return out;
}
