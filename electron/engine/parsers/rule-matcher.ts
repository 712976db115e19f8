import { isIP } from 'node:net';
import type { FirewallHook, FirewallRule, PortRange } from './firewall-rule-types.js';
import {
  DEFAULT_LOCAL_PORTS,
  evaluateCriteria,
  type CriteriaVerdict,
  type PacketView,
} from './rule-criteria-eval.js';

export interface MatchTarget {
  addresses: string[];
  port: number;
  /** This machine's ephemeral port range; Linux's default when left out. */
  localPorts?: PortRange;
}

export type MatchDirection = 'outgoing' | 'incoming' | 'forwarded';
export type MatchEffect = 'drop' | 'reset' | 'reject' | 'limit';

export interface RuleMatchResult {
  rule: FirewallRule;
  direction: MatchDirection;
  /** 'exact' when every criterion is known to hold for this connection; 'partial' when some depend on state, load or unknowns. */
  certainty: 'exact' | 'partial';
  effect: MatchEffect;
  /** One sentence: "matches destination 198.18.4.2 and tcp dport 80; rejects with a TCP reset". */
  why: string;
}

const DIRECTIONS: Record<FirewallHook, PacketView['direction'][]> = {
  output: ['outgoing'],
  postrouting: ['outgoing'],
  input: ['incoming'],
  prerouting: ['incoming'],
  // A router's forward chain sees both the packets to the target and its answers.
  forward: ['outgoing', 'incoming'],
};
const BLOCKING = new Set(['drop', 'reject-tcp-reset', 'reject-icmp', 'reject']);
const EFFECT_ORDER: MatchEffect[] = ['reset', 'reject', 'drop', 'limit'];

function chainKey(rule: Pick<FirewallRule, 'source' | 'backend' | 'family' | 'table' | 'chain'>): string {
  return [rule.source, rule.backend ?? '', rule.family, rule.table, rule.chain].join('\u0000');
}

interface Step {
  rule: FirewallRule;
  verdict: CriteriaVerdict;
}

/**
 * The rules that would drop, reject or rate-limit TCP traffic between this machine and the target:
 * base chains are walked for each direction their hook sees, following jumps into user chains.
 */
export function matchRules(rules: FirewallRule[], target: MatchTarget): RuleMatchResult[] {
  const chains = new Map<string, FirewallRule[]>();
  for (const rule of rules) {
    const list = chains.get(chainKey(rule)) ?? [];
    list.push(rule);
    chains.set(chainKey(rule), list);
  }
  for (const list of chains.values())
    list.sort((a, b) => Number(a.policy) - Number(b.policy) || a.position - b.position);

  const found = new Map<FirewallRule, Map<MatchDirection, RuleMatchResult>>();
  const keep = (result: RuleMatchResult): void => {
    const byDirection = found.get(result.rule) ?? new Map<MatchDirection, RuleMatchResult>();
    const earlier = byDirection.get(result.direction);
    if (!earlier || (earlier.certainty === 'partial' && result.certainty === 'exact'))
      byDirection.set(result.direction, result);
    found.set(result.rule, byDirection);
  };

  for (const list of chains.values()) {
    const hook = list[0]?.hook;
    if (!hook) continue;
    for (const address of target.addresses) {
      const family = isIP(address);
      if (family !== 4 && family !== 6) continue;
      for (const direction of DIRECTIONS[hook]) {
        const view: PacketView = {
          direction,
          remote: address,
          remoteFamily: family,
          port: target.port,
          localPorts: target.localPorts ?? DEFAULT_LOCAL_PORTS,
        };
        const label: MatchDirection = hook === 'forward' ? 'forwarded' : direction;
        walk(list, view, label, [], { chains, keep, walked: new Map() });
      }
    }
  }

  const order = new Map(rules.map((rule, index) => [rule, index]));
  return [...found.values()]
    .flatMap((byDirection) => [...byDirection.values()])
    .sort(
      (a, b) =>
        Number(a.certainty === 'partial') - Number(b.certainty === 'partial') ||
        EFFECT_ORDER.indexOf(a.effect) - EFFECT_ORDER.indexOf(b.effect) ||
        (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0),
    );
}

/** What one walk (one base chain, one address, one direction) shares across the chains it enters. */
interface Walk {
  chains: Map<string, FirewallRule[]>;
  keep: (result: RuleMatchResult) => void;
  /**
   * The chains already walked: what they returned, and whether the path that reached them was certain.
   * Many rules jumping to the same chain, level after level, would otherwise walk it once per path: 10
   * jumps over 5 levels is 10^5 walks of the last chain (a listing of 60 rules took seconds, 70 minutes).
   * Walking it again only finds the same rules, which keep() already has; unless the earlier path was
   * uncertain and this one is certain, which can turn its results exact.
   */
  walked: Map<string, { accepted: boolean; certainPath: boolean }>;
}

/**
 * Walks one chain for one direction. Returns true once an accept certainly takes every packet of the
 * connection: the rules after it (and the policy) never see them. Blocking rules do not stop the walk,
 * so the ones behind the first are listed too: they are next in line once it is removed.
 */
function walk(
  list: FirewallRule[],
  view: PacketView,
  direction: MatchDirection,
  path: Step[],
  session: Walk,
): boolean {
  const { chains, keep, walked } = session;
  for (const rule of list) {
    if (rule.policy) {
      if (rule.action === 'drop' && (rule.hook === 'input' || rule.hook === 'output'))
        keep(policyResult(rule, direction));
      continue;
    }
    const verdict = evaluateCriteria(rule, view);
    if (verdict.result === 'no') continue;
    const certain = verdict.result === 'yes' && verdict.allPackets;
    if ((rule.action === 'jump' || rule.action === 'goto') && rule.jumpTarget) {
      const key = chainKey({ ...rule, chain: rule.jumpTarget });
      const next = chains.get(key);
      // A loop in jumps would be refused by the kernel; the path check only guards against odd input.
      if (next && !path.some((step) => step.rule.chain === rule.jumpTarget)) {
        const steps = [...path, { rule, verdict }];
        const certainPath = steps.every((step) => step.verdict.result === 'yes');
        const earlier = walked.get(key);
        let accepted = earlier?.accepted ?? false;
        if (!earlier || (certainPath && !earlier.certainPath)) {
          accepted = walk(next, view, direction, steps, session);
          walked.set(key, { accepted, certainPath });
        }
        if (accepted && certain) return true;
      }
      continue;
    }
    if (rule.action === 'accept' && certain) return true;
    if (rule.action === 'return' && certain) return false;
    if (BLOCKING.has(rule.action)) keep(ruleResult(rule, verdict, direction, path));
  }
  return false;
}

function effectOf(rule: FirewallRule): MatchEffect {
  if (rule.matches.connectionLimit || rule.matches.rateLimit) return 'limit';
  if (rule.action === 'reject-tcp-reset') return 'reset';
  return rule.action === 'drop' ? 'drop' : 'reject';
}

function verbOf(rule: FirewallRule): string {
  const random = rule.matches.random;
  const share =
    random === null
      ? 'the packets'
      : random.probability === null
        ? 'some packets at random'
        : `about ${+(random.probability * 100).toFixed(2)}% of the packets at random`;
  if (rule.action === 'reject-tcp-reset') return `rejects ${random ? `${share} ` : ''}with a TCP reset`;
  if (rule.action === 'drop') return `drops ${share}`;
  if (!rule.rejectWith) return `rejects ${share}`;
  return `rejects ${random ? `${share} ` : ''}with ${rule.rejectWith}`;
}

/** How limits narrow the verdict, e.g. "above 10/second". */
function qualifierOf(rule: FirewallRule): string {
  const { connectionLimit, rateLimit } = rule.matches;
  const parts: string[] = [];
  if (connectionLimit) {
    const count = connectionLimit.count ?? 'a set number of';
    const per = connectionLimit.key ? ` per ${connectionLimit.key}` : '';
    parts.push(
      `${connectionLimit.over ? 'once there are more than' : 'while there are at most'} ${count} connections${per}`,
    );
  }
  if (rateLimit) {
    const unit = rateLimit.unit === 'packets' ? '' : ` ${rateLimit.unit}`;
    const rate = rateLimit.rate === null ? 'a set rate' : `${rateLimit.rate}${unit}/${rateLimit.per}`;
    const per = rateLimit.key ? ` per ${rateLimit.key}` : '';
    parts.push(`${rateLimit.over ? 'above' : 'up to'} ${rate}${per}`);
  }
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function ruleResult(
  rule: FirewallRule,
  verdict: CriteriaVerdict,
  direction: MatchDirection,
  path: Step[],
): RuleMatchResult {
  const steps = [...path, { rule, verdict }];
  const met = steps.flatMap((step) => step.verdict.met);
  const open = steps.flatMap((step) => step.verdict.open);
  const known = steps.every((step) => step.verdict.result === 'yes');
  // A forward rule only touches this connection when it runs in a container or VM on this machine, or routes through it.
  const certainty = known && direction !== 'forwarded' ? 'exact' : 'partial';
  let why = `${met.length > 0 ? `matches ${[...new Set(met)].join(' and ')}` : 'matches any address and port'}; ${verbOf(rule)}${qualifierOf(rule)}`;
  if (open.length > 0) why += `, if ${[...new Set(open)].join(' and ')}`;
  if (path.length > 0)
    why += ` (reached by ${path.map((step) => `${step.rule.action} from ${step.rule.chain}`).join(', ')})`;
  if (direction === 'forwarded') why += ', for traffic this machine forwards (containers, VMs, routing)';
  return { rule, direction, certainty, effect: effectOf(rule), why };
}

function policyResult(rule: FirewallRule, direction: MatchDirection): RuleMatchResult {
  return {
    rule,
    direction,
    certainty: 'partial',
    effect: 'drop',
    why: `the ${rule.chain} chain's policy is drop; drops the packets no earlier rule accepts`,
  };
}
