import {
  addImpliedProtocol,
  emptyCriteria,
  type RuleAction,
  type RuleMatchCriteria,
} from './firewall-rule-types.js';
import { field, kindOf, statementText, type NftJson } from './nft-expression-text.js';
import {
  numgenShare,
  payloadText,
  resolveValues,
  toAddressItems,
  toFlagCombination,
  toNames,
  toPortRanges,
  type SetLookup,
} from './nft-match-values.js';
import {
  readCtCount,
  readDynamicSet,
  readLimit,
  readVerdictMap,
  readXtension,
} from './nft-stateful-statements.js';

export interface NftRuleContext {
  sets: SetLookup;
  /** Named limit objects (`limit name "x"`), by name. */
  limits: (name: string) => NftJson | undefined;
}

export interface NftRuleMeaning {
  matches: RuleMatchCriteria;
  action: RuleAction;
  jumpTarget: string | null;
  rejectWith: string | null;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th']);
const L4_HEADERS = new Set([
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  'icmp',
  'icmpv6',
  'igmp',
  'esp',
  'ah',
  'comp',
]);
/** Statements that only count, log or change packets: they never narrow what a rule matches. */
const PASSIVE = new Set([
  'counter',
  'log',
  'mangle',
  'notrack',
  'ct helper',
  'ct timeout',
  'ct expectation',
  'secmark',
]);
const OTHER_VERDICTS = new Set([
  'continue',
  'queue',
  'snat',
  'dnat',
  'masquerade',
  'redirect',
  'dup',
  'fwd',
  'tproxy',
  'synproxy',
  'flow',
]);

/** Turns the statements of one rule into what it looks at and what it does. */
export function readNftStatements(statements: NftJson[], ctx: NftRuleContext): NftRuleMeaning {
  const matches = emptyCriteria();
  const meaning: NftRuleMeaning = { matches, action: 'other', jumpTarget: null, rejectWith: null };
  let verdict: RuleAction | null = null;
  let logs = false;
  let counts = false;
  for (const stmt of statements) {
    const kind = kindOf(stmt);
    if (!kind) {
      matches.unknown.push(statementText(stmt));
      continue;
    }
    const [name, body] = kind;
    if (name === 'match') readMatch(body, matches, ctx);
    else if (name === 'accept' || name === 'drop' || name === 'return') verdict = name;
    else if (name === 'jump' || name === 'goto') {
      verdict = name;
      const target = field(body, 'target');
      meaning.jumpTarget = typeof target === 'string' ? target : null;
    } else if (name === 'reject') {
      const type = field(body, 'type');
      verdict =
        type === 'tcp reset' ? 'reject-tcp-reset' : typeof type === 'string' ? 'reject-icmp' : 'reject';
      meaning.rejectWith = typeof type === 'string' ? statementText(stmt).replace(/^reject with /, '') : null;
    } else if (name === 'limit')
      matches.rateLimit = readLimit(typeof body === 'string' ? ctx.limits(body) : body, null);
    else if (name === 'ct count') matches.connectionLimit = readCtCount(body, null);
    else if (name === 'set' || name === 'meter') readDynamicSet(name, body, matches);
    else if (name === 'vmap') verdict = readVerdictMap(body, matches) ?? verdict;
    else if (name === 'xt') {
      const action = readXtension(body, matches);
      if (action === 'log') logs = true;
      else if (action) verdict = action;
    } else if (name === 'counter') counts = true;
    else if (name === 'log') logs = true;
    else if (OTHER_VERDICTS.has(name)) verdict = 'other';
    else if (!PASSIVE.has(name)) matches.unknown.push(statementText(stmt));
  }
  meaning.action = verdict ?? (logs ? 'log' : counts ? 'counter-only' : 'other');
  return meaning;
}

function readMatch(body: NftJson, matches: RuleMatchCriteria, ctx: NftRuleContext): void {
  const op = field(body, 'op');
  const left = field(body, 'left') ?? null;
  const right = field(body, 'right') ?? null;
  const text = statementText({ match: body });
  if (typeof op !== 'string') {
    matches.unknown.push(text);
    return;
  }
  const negated = op === '!=';
  const plain = op === '==' || op === '!=' || op === 'in';
  const [leftKind, leftBody] = kindOf(left) ?? ['', null];
  const protocol = field(leftBody, 'protocol');
  const key = field(leftBody, 'key') ?? field(leftBody, 'field');

  if (leftKind === 'payload' && typeof protocol === 'string' && typeof key === 'string' && plain) {
    if (readPayload(protocol, key, op, right, matches, ctx)) return;
  } else if (leftKind === 'payload' && typeof field(leftBody, 'base') === 'string' && op === '==') {
    // Raw payload bytes are how nft looks for text in packets; which packets carry it is not known here.
    const len = field(leftBody, 'len');
    matches.strings.push({ text: typeof len === 'number' ? payloadText(right, len) : null, algorithm: null });
    return;
  } else if (leftKind === '&' && Array.isArray(leftBody) && plain && isTcpFlags(leftBody[0])) {
    if (readTcpFlags(negated, 'equals', toFlagCombination(leftBody[1] ?? null), right, matches)) return;
  } else if (leftKind === 'meta' && typeof key === 'string' && plain) {
    if (readMeta(key, negated, right, matches)) return;
  } else if (leftKind === 'ct' && key === 'state' && field(leftBody, 'dir') === undefined && plain) {
    const states = resolveValues(right, () => undefined, toNames);
    if (states.complete) {
      matches.ctState.push({ negated, states: states.items });
      return;
    }
  } else if (leftKind === 'numgen' && field(leftBody, 'mode') === 'random') {
    const share = numgenShare(leftBody, op, right);
    if (share !== null) {
      matches.random = { probability: share };
      return;
    }
  }
  matches.unknown.push(text);
}

function isTcpFlags(expr: NftJson | undefined): boolean {
  const kind = kindOf(expr ?? null);
  return (
    kind !== null &&
    kind[0] === 'payload' &&
    field(kind[1], 'protocol') === 'tcp' &&
    field(kind[1], 'field') === 'flags'
  );
}

/** Returns false when the payload field is one the matcher cannot evaluate. */
function readPayload(
  protocol: string,
  name: string,
  op: string,
  right: NftJson,
  matches: RuleMatchCriteria,
  ctx: NftRuleContext,
): boolean {
  const negated = op === '!=';
  if (protocol === 'ip' || protocol === 'ip6') {
    const family: 4 | 6 = protocol === 'ip' ? 4 : 6;
    // In an inet table, matching an ip6 field also means the rule only sees IPv6 packets.
    matches.ipVersion = family;
    if (name === 'daddr' || name === 'saddr') {
      const values = resolveValues(right, ctx.sets, toAddressItems);
      if (!values.complete) return false;
      const criterion = { family, negated, items: values.items, set: values.set };
      (name === 'daddr' ? matches.destination : matches.source).push(criterion);
      return true;
    }
    if ((protocol === 'ip' && name === 'protocol') || (protocol === 'ip6' && name === 'nexthdr')) {
      return readProtocol(negated, right, matches);
    }
    return false;
  }
  if (PORT_PROTOCOLS.has(protocol) && (name === 'dport' || name === 'sport')) {
    if (protocol !== 'th') addImpliedProtocol(matches, protocol);
    const values = resolveValues(right, ctx.sets, toPortRanges);
    if (!values.complete) return false;
    const criterion = { negated, items: values.items, set: values.set };
    (name === 'dport' ? matches.destinationPort : matches.sourcePort).push(criterion);
    return true;
  }
  if (protocol === 'tcp' && name === 'flags') {
    return readTcpFlags(negated, op === 'in' ? 'any-bit' : 'equals', null, right, matches);
  }
  // Any other field of a layer-4 header still tells the protocol, which is often enough to rule it out.
  if (L4_HEADERS.has(protocol)) addImpliedProtocol(matches, protocol);
  return false;
}

function readTcpFlags(
  negated: boolean,
  mode: 'equals' | 'any-bit',
  mask: string[] | null,
  right: NftJson,
  matches: RuleMatchCriteria,
): boolean {
  const kind = kindOf(right);
  const list = kind && kind[0] === 'set' && Array.isArray(kind[1]) ? kind[1] : [right];
  const values = list.map(toFlagCombination);
  if (!values.every((v): v is string[] => v !== null)) return false;
  // `tcp flags syn` (op in) tests bits; `tcp flags == syn` and masked forms compare whole values.
  const effectiveMode = mask !== null || kind?.[0] === 'set' ? 'equals' : mode;
  addImpliedProtocol(matches, 'tcp');
  matches.tcpFlags.push({ negated, mask, mode: effectiveMode, values });
  return true;
}

function readProtocol(negated: boolean, right: NftJson, matches: RuleMatchCriteria): boolean {
  const values = resolveValues(right, () => undefined, toNames);
  if (!values.complete) return false;
  matches.protocol.push({ negated, protocols: values.items });
  return true;
}

function readMeta(key: string, negated: boolean, right: NftJson, matches: RuleMatchCriteria): boolean {
  if (key === 'l4proto') return readProtocol(negated, right, matches);
  if (key === 'nfproto' || key === 'protocol') {
    const version = right === 'ipv4' || right === 'ip' ? 4 : right === 'ipv6' || right === 'ip6' ? 6 : null;
    if (version === null) return false;
    matches.ipVersion = negated ? (version === 4 ? 6 : 4) : version;
    return true;
  }
  if (key === 'iif' || key === 'iifname' || key === 'oif' || key === 'oifname') {
    const names = resolveValues(right, () => undefined, toNames);
    if (!names.complete) return false;
    matches.interfaces.push({ direction: key.startsWith('i') ? 'in' : 'out', negated, names: names.items });
    return true;
  }
  return false;
}
