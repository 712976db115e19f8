/**
 * Fuzz: the matcher over rules built field by field (what any parser could hand it: address items of the
 * other family, ranges that run backwards, jumps into missing or looping chains, limits and flags of every
 * kind) and any target. It must never throw, and every result must be one of the rules, in shape. The
 * rules the parsers produce from mutated listings go through it in each parser's own fuzz spec.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzParams } from '../../../test/unit/fuzz-arbitraries.js';
import { checkMatches, matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import {
  emptyCriteria,
  type AddressCriterion,
  type FirewallRule,
  type PortCriterion,
  type RuleMatchCriteria,
} from './firewall-rule-types.js';
import { DEFAULT_LOCAL_PORTS, evaluateCriteria } from './rule-criteria-eval.js';

const CHAINS = ['INPUT', 'OUTPUT', 'FORWARD', 'user_a', 'user_b'];
const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('198.18.4.2', '::1', '127.0.0.1'));
const set = fc.option(
  fc.record({ name: fc.constantFrom('s', 'blocked'), dynamic: fc.boolean(), resolved: fc.boolean() }),
);
const port = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 80, 443, 32768, 60999, 65535));

const addressCriterion: fc.Arbitrary<AddressCriterion> = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  negated: fc.boolean(),
  items: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('prefix' as const),
        address,
        prefixLength: fc.integer({ min: 0, max: 128 }),
      }),
      fc.record({ kind: fc.constant('range' as const), from: address, to: address }),
    ),
    { maxLength: 3 },
  ),
  set,
});

const portCriterion: fc.Arbitrary<PortCriterion> = fc.record({
  negated: fc.boolean(),
  items: fc.array(fc.record({ from: port, to: port }), { maxLength: 3 }),
  set,
});

const flags = fc.subarray(['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr']);

const criteria: fc.Arbitrary<RuleMatchCriteria> = fc
  .record({
    ipVersion: fc.constantFrom(null, 4 as const, 6 as const),
    destination: fc.array(addressCriterion, { maxLength: 2 }),
    source: fc.array(addressCriterion, { maxLength: 2 }),
    protocol: fc.array(
      fc.record({ negated: fc.boolean(), protocols: fc.subarray(['tcp', 'udp', '6', 'icmp']) }),
      { maxLength: 2 },
    ),
    destinationPort: fc.array(portCriterion, { maxLength: 2 }),
    sourcePort: fc.array(portCriterion, { maxLength: 2 }),
    ctState: fc.array(
      fc.record({ negated: fc.boolean(), states: fc.subarray(['new', 'established', 'related', 'invalid']) }),
      { maxLength: 2 },
    ),
    connectionLimit: fc.option(
      fc.record({ over: fc.boolean(), count: fc.option(fc.nat()), key: fc.option(fc.string()) }),
    ),
    rateLimit: fc.option(
      fc.record({
        over: fc.boolean(),
        rate: fc.option(fc.double()),
        unit: fc.constantFrom('packets', 'bytes', 'kbytes'),
        per: fc.constantFrom('second', 'minute'),
        burst: fc.option(fc.nat()),
        key: fc.option(fc.string()),
      }),
    ),
    random: fc.option(fc.record({ probability: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) })),
    tcpFlags: fc.array(
      fc.record({
        negated: fc.boolean(),
        mask: fc.option(flags),
        mode: fc.constantFrom('equals' as const, 'any-bit' as const),
        values: fc.array(flags, { maxLength: 3 }),
      }),
      { maxLength: 2 },
    ),
    strings: fc.array(fc.record({ text: fc.option(fc.string()), algorithm: fc.option(fc.string()) }), {
      maxLength: 1,
    }),
    interfaces: fc.array(
      fc.record({
        direction: fc.constantFrom('in' as const, 'out' as const),
        negated: fc.boolean(),
        names: fc.subarray(['lo', 'eth0']),
      }),
      { maxLength: 1 },
    ),
    unknown: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
  })
  .map((c) => ({ ...emptyCriteria(), ...c }));

const rule: fc.Arbitrary<FirewallRule> = fc.record({
  source: fc.constantFrom('nftables' as const, 'iptables' as const, 'pf' as const),
  backend: fc.constantFrom(null, 'nf_tables' as const),
  family: fc.constantFrom('ip', 'ip6', 'inet', 'bridge', 'arp'),
  table: fc.constant('filter'),
  chain: fc.constantFrom(...CHAINS),
  hook: fc.constantFrom(null, 'input' as const, 'output' as const, 'forward' as const),
  text: fc.string({ maxLength: 20 }),
  matches: criteria,
  action: fc.constantFrom(
    'accept' as const,
    'drop' as const,
    'reject-tcp-reset' as const,
    'reject-icmp' as const,
    'reject' as const,
    'jump' as const,
    'goto' as const,
    'return' as const,
  ),
  jumpTarget: fc.option(fc.constantFrom(...CHAINS)),
  rejectWith: fc.option(fc.constantFrom('tcp reset', 'icmp port-unreachable')),
  policy: fc.boolean(),
  position: fc.nat({ max: 20 }),
  original: fc.constant(null),
});

describe('matchRules (fuzz)', () => {
  it('reads any rules against any target without throwing, every result one of the rules', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), matchTarget, (rules, target) => {
        checkMatches(rules, target);
      }),
      fuzzParams(500),
    );
  });

  it('walks rule sets full of jumps in bounded time', () => {
    // Rules that match everything and jump between eight chains: the many paths into a chain must not each
    // walk it again (checkMatches bounds the time).
    const chains = ['OUTPUT', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7'];
    // Mostly jumps to a later chain (the kernel refuses loops), so paths converge level after level.
    const jump = fc
      .record({
        from: fc.nat({ max: chains.length - 1 }),
        to: fc.nat({ max: chains.length - 1 }),
        action: fc.oneof(
          { weight: 8, arbitrary: fc.constant('jump' as const) },
          { weight: 1, arbitrary: fc.constantFrom('goto' as const, 'drop' as const, 'return' as const) },
        ),
      })
      .map(({ from, to, action }) => ({
        chain: chains[Math.min(from, to)] ?? 'OUTPUT',
        jumpTarget: chains[Math.max(from, to)] ?? 'C7',
        action,
      }));
    fc.assert(
      fc.property(fc.array(jump, { minLength: 40, maxLength: 120 }), (jumps) => {
        const rules: FirewallRule[] = jumps.map((j, position) => ({
          source: 'iptables',
          backend: null,
          family: 'ip',
          table: 'filter',
          hook: j.chain === 'OUTPUT' ? 'output' : null,
          text: '',
          matches: emptyCriteria(),
          rejectWith: null,
          policy: false,
          position,
          original: null,
          ...j,
        }));
        checkMatches(rules, { addresses: ['198.18.4.2'], port: 80 });
      }),
      fuzzParams(100),
    );
  });

  it('evaluates any criteria for any view', () => {
    fc.assert(
      fc.property(rule, address, port, fc.boolean(), (r, remote, p, outgoing) => {
        const family = remote.includes(':') ? 6 : 4;
        evaluateCriteria(r, {
          direction: outgoing ? 'outgoing' : 'incoming',
          remote,
          remoteFamily: family,
          port: p,
          localPorts: DEFAULT_LOCAL_PORTS,
        });
      }),
      fuzzParams(500),
    );
  });
});
