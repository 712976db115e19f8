/**
 * Where a rule was read: the nft JSON listing, the text of iptables-save / ip6tables-save, the Windows
 * Firewall (Get-NetFirewallRule or netsh advfirewall) or macOS's pf (pfctl -sr).
 */
export type FirewallSource = 'nftables' | 'iptables' | 'ip6tables' | 'windows-firewall' | 'pf';

export type FirewallHook = 'input' | 'output' | 'forward' | 'prerouting' | 'postrouting';

export type RuleAction =
  | 'accept'
  | 'drop'
  | 'reject-tcp-reset'
  | 'reject-icmp'
  | 'reject'
  | 'jump'
  | 'goto'
  | 'return'
  | 'log'
  | 'counter-only'
  | 'other';

export type AddressItem =
  { kind: 'prefix'; address: string; prefixLength: number } | { kind: 'range'; from: string; to: string };

/** A named set: its content is what the kernel held when listed, and dynamic sets change on their own. */
export interface SetReference {
  name: string;
  dynamic: boolean;
  /** False when the set was not in the listing (or is an ipset), so its content is unknown. */
  resolved: boolean;
}

export interface AddressCriterion {
  family: 4 | 6;
  negated: boolean;
  items: AddressItem[];
  set: SetReference | null;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface PortCriterion {
  negated: boolean;
  items: PortRange[];
  set: SetReference | null;
}

export interface ProtocolCriterion {
  negated: boolean;
  /** Lower-case names as nft prints them ('tcp', 'udp', 'icmp'), or numbers as text. */
  protocols: string[];
}

export interface CtStateCriterion {
  negated: boolean;
  /** Lower case: 'new', 'established', 'related', 'invalid', 'untracked'. */
  states: string[];
}

export interface ConnectionLimit {
  /** True: matches once the count is above `count` (ct count over / --connlimit-above). */
  over: boolean;
  count: number | null;
  /** What connections are grouped by, e.g. 'ip daddr'; null for the whole rule. */
  key: string | null;
}

export interface RateLimit {
  /** True: matches the packets above the rate (limit rate over / --hashlimit-above). */
  over: boolean;
  rate: number | null;
  /** 'packets', 'bytes', 'kbytes', 'mbytes'. */
  unit: string;
  per: string;
  burst: number | null;
  key: string | null;
}

export interface RandomCriterion {
  /** Share of packets the rule matches (0..1); null when the listing hides it. */
  probability: number | null;
}

export interface TcpFlagsCriterion {
  negated: boolean;
  /** Flags looked at; null means all of them. */
  mask: string[] | null;
  /** 'equals': the masked flags equal one of `values`; 'any-bit': any flag of `values` is set. */
  mode: 'equals' | 'any-bit';
  values: string[][];
}

export interface StringCriterion {
  /** The text searched in the payload, when it is known and printable. */
  text: string | null;
  algorithm: string | null;
}

export interface InterfaceCriterion {
  direction: 'in' | 'out';
  negated: boolean;
  names: string[];
}

/**
 * What a rule looks at. All the lists are AND-ed, as in the rule itself. Anything the parsers cannot
 * express here goes to `unknown`, so the matcher reports the rule as partial instead of guessing.
 */
export interface RuleMatchCriteria {
  /** Only IPv4 or only IPv6 packets (ip / ip6 tables, meta nfproto, ip6 payload in inet tables). */
  ipVersion: 4 | 6 | null;
  destination: AddressCriterion[];
  source: AddressCriterion[];
  protocol: ProtocolCriterion[];
  destinationPort: PortCriterion[];
  sourcePort: PortCriterion[];
  ctState: CtStateCriterion[];
  connectionLimit: ConnectionLimit | null;
  rateLimit: RateLimit | null;
  random: RandomCriterion | null;
  tcpFlags: TcpFlagsCriterion[];
  strings: StringCriterion[];
  interfaces: InterfaceCriterion[];
  /** Human-readable text of each expression that could not be evaluated. */
  unknown: string[];
}

/** Which kernel tables hold a rule: nf_tables (nft and iptables-nft) or the legacy x_tables. */
export type FirewallBackend = 'nf_tables' | 'legacy';

export interface FirewallRule {
  source: FirewallSource;
  /** Null when an iptables-save listing did not say; the same chain name in two backends is two chains. */
  backend: FirewallBackend | null;
  /** nft family: 'ip', 'ip6', 'inet', 'bridge', 'netdev', 'arp'. */
  family: string;
  table: string;
  chain: string;
  /** Null for user chains, reached only through jump or goto. */
  hook: FirewallHook | null;
  /** The rule in nft syntax. */
  text: string;
  matches: RuleMatchCriteria;
  action: RuleAction;
  /** The chain of a jump or goto. */
  jumpTarget: string | null;
  /** How a reject answers, e.g. 'tcp reset' or 'icmp host-unreachable'. */
  rejectWith: string | null;
  /** True for a base chain's policy: the verdict for packets no rule decided. */
  policy: boolean;
  /** Order in the chain, from 0; the policy comes after the last rule. */
  position: number;
  /** The line as iptables-save printed it; null for nftables. Windows: the rule as the tool listed it; pf: the line of pfctl -sr. */
  original: string | null;
  /** The rule's own name where the firewall has one: a Windows rule's display name, a pf label. */
  name?: string;
}

export function emptyCriteria(): RuleMatchCriteria {
  return {
    ipVersion: null,
    destination: [],
    source: [],
    protocol: [],
    destinationPort: [],
    sourcePort: [],
    ctState: [],
    connectionLimit: null,
    rateLimit: null,
    random: null,
    tcpFlags: [],
    strings: [],
    interfaces: [],
    unknown: [],
  };
}

/** Records the protocol a header match implies (`tcp dport` only matches TCP), once. */
export function addImpliedProtocol(matches: RuleMatchCriteria, protocol: string): void {
  const known = matches.protocol.some(
    (p) => !p.negated && p.protocols.length === 1 && p.protocols[0] === protocol,
  );
  if (!known) matches.protocol.push({ negated: false, protocols: [protocol] });
}

/**
 * A port as a listing writes one: an integer 0..65535 (0 for the open end of ":1023"). Anything else in a
 * port field (65536, 99999) is a criterion the matcher cannot evaluate, not a port.
 */
export function isPortNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 65535;
}

/** A prefix length the family allows: 0..32 for IPv4, 0..128 for IPv6. */
export function isPrefixLength(value: number, family: 4 | 6): boolean {
  return Number.isInteger(value) && value >= 0 && value <= (family === 4 ? 32 : 128);
}

/** Counts the rules a person wrote, leaving out the chain policies the parsers add. */
export function countRules(rules: readonly FirewallRule[]): number {
  return rules.filter((rule) => !rule.policy).length;
}
