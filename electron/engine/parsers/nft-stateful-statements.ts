import type { RuleAction, RuleMatchCriteria } from './firewall-rule-types.js';
import { expressionText, field, kindOf, statementText, type NftJson } from './nft-expression-text.js';

/** `limit rate [over] 10/second burst 5 packets`, or a named limit object's properties. */
export function readLimit(body: NftJson | undefined, key: string | null): RuleMatchCriteria['rateLimit'] {
  const rate = field(body, 'rate');
  const unit = field(body, 'rate_unit') ?? field(body, 'unit');
  const per = field(body, 'per');
  const burst = field(body, 'burst');
  return {
    over: field(body, 'inv') === true,
    rate: typeof rate === 'number' ? rate : null,
    unit: typeof unit === 'string' ? unit : 'packets',
    per: typeof per === 'string' ? per : 'second',
    burst: typeof burst === 'number' ? burst : null,
    key,
  };
}

export function readCtCount(body: NftJson, key: string | null): RuleMatchCriteria['connectionLimit'] {
  const val = field(body, 'val');
  return { over: field(body, 'inv') === true, count: typeof val === 'number' ? val : null, key };
}

/** `add @conns { ip daddr ct count over 10 }` and meters: limits kept per address or per port. */
export function readDynamicSet(name: string, body: NftJson, matches: RuleMatchCriteria): void {
  const key = expressionText(field(body, name === 'set' ? 'elem' : 'key'));
  const inner = field(body, 'stmt');
  const statements = Array.isArray(inner) ? inner : inner === undefined ? [] : [inner];
  for (const stmt of statements) {
    const kind = kindOf(stmt);
    if (kind?.[0] === 'ct count') matches.connectionLimit = readCtCount(kind[1], key);
    else if (kind?.[0] === 'limit') matches.rateLimit = readLimit(kind[1], key);
    else if (kind?.[0] !== 'counter') matches.unknown.push(statementText({ [name]: body }));
  }
}

/** A verdict map drops only some packets: unless its key is random, which ones is not known here. */
export function readVerdictMap(body: NftJson, matches: RuleMatchCriteria): RuleAction | null {
  const data = kindOf(field(body, 'data') ?? null);
  const entries = data?.[0] === 'set' && Array.isArray(data[1]) ? data[1] : null;
  const text = statementText({ vmap: body });
  if (!entries) {
    matches.unknown.push(text);
    return 'other';
  }
  const verdicts = entries.map((entry) =>
    Array.isArray(entry) ? (kindOf(entry[1] ?? null)?.[0] ?? '') : '',
  );
  const dropping = verdicts.filter((v) => v === 'drop' || v === 'reject').length;
  if (dropping === 0) return 'other';
  const numgen = kindOf(field(body, 'key') ?? null);
  const mod =
    numgen?.[0] === 'numgen' && field(numgen[1], 'mode') === 'random' ? field(numgen[1], 'mod') : undefined;
  if (typeof mod === 'number' && mod > 0) matches.random = { probability: dropping / mod };
  else matches.unknown.push(text);
  return verdicts.includes('drop') ? 'drop' : 'reject';
}

/** iptables-nft rules listed by nft: the extension's options are not in the JSON, only its name. */
export function readXtension(body: NftJson, matches: RuleMatchCriteria): RuleAction | 'log' | null {
  const type = field(body, 'type');
  const name = field(body, 'name');
  if (type === 'target') {
    if (name === 'REJECT') return 'reject';
    if (name === 'LOG' || name === 'NFLOG') return 'log';
    return 'other';
  }
  matches.unknown.push(statementText({ xt: body }));
  return null;
}
