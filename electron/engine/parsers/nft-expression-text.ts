/** A value of `nft -j` output (see libnftables-json(5)). */
export type NftJson = null | boolean | number | string | NftJson[] | { [key: string]: NftJson };
export type NftObject = { [key: string]: NftJson };

export function isObject(value: NftJson | undefined): value is NftObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** libnftables writes every expression and statement as an object with one key naming its kind. */
export function kindOf(value: NftJson | undefined): [string, NftJson] | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return null;
  return [key, value[key] ?? null];
}

export function field(value: NftJson | undefined, key: string): NftJson | undefined {
  return isObject(value) ? value[key] : undefined;
}

const BINARY_OPS = new Set(['&', '|', '^', '<<', '>>']);

/** An expression in nft syntax, as `nft list ruleset` would print it (close enough for a person). */
export function expressionText(expr: NftJson | undefined): string {
  if (expr === undefined || expr === null) return '';
  if (typeof expr === 'string') return /^[\w.:/@*-]+$/.test(expr) ? expr : JSON.stringify(expr);
  if (typeof expr === 'number' || typeof expr === 'boolean') return String(expr);
  if (Array.isArray(expr)) return expr.map(expressionText).join(',');
  const kind = kindOf(expr);
  if (!kind) return JSON.stringify(expr);
  const [name, body] = kind;
  if (BINARY_OPS.has(name) && Array.isArray(body)) {
    return body
      .map((part) =>
        Array.isArray(part) ? `(${part.map(expressionText).join(' | ')})` : expressionText(part),
      )
      .join(` ${name} `);
  }
  switch (name) {
    case 'payload': {
      const base = field(body, 'base');
      if (typeof base === 'string')
        return `@${base},${expressionText(field(body, 'offset'))},${expressionText(field(body, 'len'))}`;
      return `${expressionText(field(body, 'protocol'))} ${expressionText(field(body, 'field'))}`;
    }
    case 'meta':
      return `meta ${expressionText(field(body, 'key'))}`;
    case 'ct': {
      const dir = field(body, 'dir');
      return `ct ${typeof dir === 'string' ? `${dir} ` : ''}${expressionText(field(body, 'key'))}`;
    }
    case 'numgen':
      return `numgen ${expressionText(field(body, 'mode'))} mod ${expressionText(field(body, 'mod'))}${offsetText(body)}`;
    case 'prefix':
      return `${expressionText(field(body, 'addr'))}/${expressionText(field(body, 'len'))}`;
    case 'range':
      return Array.isArray(body) ? body.map(expressionText).join('-') : '';
    case 'set':
      return `{ ${(Array.isArray(body) ? body : [body]).map(setElementText).join(', ')} }`;
    case 'concat':
      return Array.isArray(body) ? body.map(expressionText).join(' . ') : '';
    case 'elem':
      return expressionText(field(body, 'val'));
    case 'fib':
      return `fib ${expressionText(field(body, 'flags'))} ${expressionText(field(body, 'result'))}`;
    default:
      return body === null ? name : `${name} ${JSON.stringify(body)}`;
  }
}

function offsetText(body: NftJson): string {
  const offset = field(body, 'offset');
  return typeof offset === 'number' && offset !== 0 ? ` offset ${offset}` : '';
}

function setElementText(element: NftJson): string {
  // Map entries come as [key, value] pairs.
  if (Array.isArray(element) && element.length === 2) {
    return `${expressionText(element[0])} : ${statementText(element[1] ?? null)}`;
  }
  return expressionText(element);
}

/** Keys nft prints without the `meta` keyword. */
const BARE_META = new Set([
  'iif',
  'oif',
  'iifname',
  'oifname',
  'skuid',
  'skgid',
  'mark',
  'cgroup',
  'nftrace',
]);

function matchText(body: NftJson): string {
  const op = field(body, 'op');
  const leftExpr = field(body, 'left');
  const rightExpr = field(body, 'right');
  const leftKind = kindOf(leftExpr ?? null);
  let left = expressionText(leftExpr);
  let right = expressionText(rightExpr);
  const metaKey = leftKind?.[0] === 'meta' ? field(leftKind[1], 'key') : undefined;
  if (typeof metaKey === 'string' && BARE_META.has(metaKey)) left = metaKey;
  if (typeof metaKey === 'string' && /^[io]if(name)?$/.test(metaKey) && typeof rightExpr === 'string')
    right = JSON.stringify(rightExpr);
  // Raw payload matches compare bytes: nft shows them in hex.
  if (
    leftKind?.[0] === 'payload' &&
    field(leftKind[1], 'base') !== undefined &&
    typeof rightExpr === 'number'
  ) {
    right = `0x${rightExpr.toString(16)}`;
  }
  // nft leaves out '==' and the implicit 'in' of flag tests when it prints a rule, except after a mask.
  const binary = leftKind !== null && BINARY_OPS.has(leftKind[0]);
  if ((op === '==' && !binary) || op === 'in') return `${left} ${right}`;
  return `${left} ${typeof op === 'string' ? op : '=='} ${right}`;
}

function limitText(body: NftJson): string {
  if (typeof body === 'string') return `limit name ${JSON.stringify(body)}`;
  const over = field(body, 'inv') === true ? 'over ' : '';
  const unit = field(body, 'rate_unit');
  const rate = `${expressionText(field(body, 'rate'))}${typeof unit === 'string' && unit !== 'packets' ? ` ${unit}` : ''}`;
  const per = field(body, 'per');
  const burst = field(body, 'burst');
  const burstUnit = field(body, 'burst_unit');
  const burstText =
    typeof burst === 'number' && burst > 0
      ? ` burst ${burst} ${typeof burstUnit === 'string' && typeof unit === 'string' && unit !== 'packets' ? burstUnit : 'packets'}`
      : '';
  return `limit rate ${over}${rate}/${typeof per === 'string' ? per : 'second'}${burstText}`;
}

function rejectText(body: NftJson): string {
  const type = field(body, 'type');
  if (typeof type !== 'string') return 'reject';
  const code = field(body, 'expr');
  return `reject with ${type}${typeof code === 'string' ? ` ${code}` : ''}`;
}

function nestedStatements(body: NftJson): string {
  const stmts = field(body, 'stmt');
  return Array.isArray(stmts) ? stmts.map(statementText).join(' ') : '';
}

/** One statement of a rule in nft syntax. */
export function statementText(stmt: NftJson): string {
  const kind = kindOf(stmt);
  if (!kind) return expressionText(stmt);
  const [name, body] = kind;
  switch (name) {
    case 'match':
      return matchText(body);
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return name;
    case 'jump':
    case 'goto':
      return `${name} ${expressionText(field(body, 'target'))}`;
    case 'reject':
      return rejectText(body);
    case 'counter':
      return typeof body === 'string' ? `counter name ${JSON.stringify(body)}` : 'counter';
    case 'log': {
      const prefix = field(body, 'prefix');
      return typeof prefix === 'string' ? `log prefix ${JSON.stringify(prefix)}` : 'log';
    }
    case 'limit':
      return limitText(body);
    case 'ct count':
      return `ct count ${field(body, 'inv') === true ? 'over ' : ''}${expressionText(field(body, 'val'))}`;
    case 'set':
      return `${expressionText(field(body, 'op'))} ${expressionText(field(body, 'set'))} { ${expressionText(field(body, 'elem'))} ${nestedStatements(body)} }`;
    case 'meter':
      return `meter ${expressionText(field(body, 'name'))} { ${expressionText(field(body, 'key'))} ${statementText(field(body, 'stmt') ?? null)} }`;
    case 'vmap':
      return `${expressionText(field(body, 'key'))} vmap ${expressionText(field(body, 'data'))}`;
    case 'xt':
      return `xt ${expressionText(field(body, 'type'))} ${expressionText(field(body, 'name'))}`;
    case 'mangle':
      return `${expressionText(field(body, 'key'))} set ${expressionText(field(body, 'value'))}`;
    default:
      return body === null ? name : `${name} ${JSON.stringify(body)}`;
  }
}
