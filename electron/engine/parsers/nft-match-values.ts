import { isIP } from 'node:net';
import {
  isPortNumber,
  isPrefixLength,
  type AddressItem,
  type PortRange,
  type SetReference,
} from './firewall-rule-types.js';
import { field, kindOf, type NftJson } from './nft-expression-text.js';

/** A named set of the listing, by name within one table. */
export interface NftSetInfo {
  elements: NftJson[];
  dynamic: boolean;
}
export type SetLookup = (name: string) => NftSetInfo | undefined;

export interface ResolvedValues<T> {
  items: T[];
  set: SetReference | null;
  /** False when some value could not be read (a service name, an unexpected shape). */
  complete: boolean;
}

/** Set elements may carry a timeout or a comment around the value. */
function unwrapElement(value: NftJson): NftJson {
  const kind = kindOf(value);
  if (kind && kind[0] === 'elem') return field(kind[1], 'val') ?? null;
  return value;
}

/** Reads a right-hand side that may be a value, an anonymous set `{...}` or a named set `@name`. */
export function resolveValues<T>(
  right: NftJson | undefined,
  sets: SetLookup,
  convert: (value: NftJson) => T[] | null,
): ResolvedValues<T> {
  if (typeof right === 'string' && right.startsWith('@')) {
    const name = right.slice(1);
    const info = sets(name);
    if (!info) return { items: [], set: { name, dynamic: false, resolved: false }, complete: true };
    const inner = resolveList(info.elements, convert);
    return {
      items: inner.items,
      set: { name, dynamic: info.dynamic, resolved: inner.complete },
      complete: true,
    };
  }
  const kind = kindOf(right ?? null);
  if (kind && kind[0] === 'set') {
    return { ...resolveList(Array.isArray(kind[1]) ? kind[1] : [kind[1]], convert), set: null };
  }
  const single = right === undefined ? null : convert(unwrapElement(right));
  return { items: single ?? [], set: null, complete: single !== null };
}

function resolveList<T>(
  elements: NftJson[],
  convert: (value: NftJson) => T[] | null,
): { items: T[]; complete: boolean } {
  const items: T[] = [];
  let complete = true;
  for (const element of elements) {
    const converted = convert(unwrapElement(element));
    if (converted) items.push(...converted);
    else complete = false;
  }
  return { items, complete };
}

export function toAddressItems(value: NftJson): AddressItem[] | null {
  if (typeof value === 'string') {
    const version = isIP(value);
    if (version === 0) return null;
    return [{ kind: 'prefix', address: value, prefixLength: version === 4 ? 32 : 128 }];
  }
  const kind = kindOf(value);
  if (!kind) return null;
  const [name, body] = kind;
  if (name === 'prefix') {
    const addr = field(body, 'addr');
    const len = field(body, 'len');
    const family = typeof addr === 'string' ? isIP(addr) : 0;
    if (
      typeof addr === 'string' &&
      (family === 4 || family === 6) &&
      typeof len === 'number' &&
      isPrefixLength(len, family)
    ) {
      return [{ kind: 'prefix', address: addr, prefixLength: len }];
    }
  }
  if (name === 'range' && Array.isArray(body)) {
    const [from, to] = body;
    if (typeof from === 'string' && typeof to === 'string' && isIP(from) !== 0 && isIP(to) !== 0) {
      return [{ kind: 'range', from, to }];
    }
  }
  return null;
}

function toPort(value: NftJson | undefined): number | null {
  const port =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return isPortNumber(port) ? port : null;
}

export function toPortRanges(value: NftJson): PortRange[] | null {
  const single = toPort(value);
  if (single !== null) return [{ from: single, to: single }];
  const kind = kindOf(value);
  if (kind && kind[0] === 'range' && Array.isArray(kind[1])) {
    const from = toPort(kind[1][0]);
    const to = toPort(kind[1][1]);
    if (from !== null && to !== null) return [{ from, to }];
  }
  return null;
}

/** Names as strings, as nft prints them: protocols, ct states, interface names. */
export function toNames(value: NftJson): string[] | null {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) {
    const names = value.map(toNames);
    return names.every((n) => n !== null) ? names.flat() : null;
  }
  return null;
}

/** TCP flag combinations: 'syn', ['syn', 'ack'] or {"|": ["syn", "ack"]} are all one combination. */
export function toFlagCombination(value: NftJson): string[] | null {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return value === 0 ? [] : null;
  if (Array.isArray(value)) {
    const parts = value.map(toFlagCombination);
    return parts.every((p) => p !== null) ? parts.flat() : null;
  }
  const kind = kindOf(value);
  if (kind && kind[0] === '|' && Array.isArray(kind[1])) return toFlagCombination(kind[1]);
  return null;
}

/** The values of the right-hand side a number is compared with; null when it is not a plain number shape. */
function numberPredicate(op: string, right: NftJson): ((v: number) => boolean) | null {
  if (typeof right === 'number') {
    switch (op) {
      case '==':
        return (v) => v === right;
      case '!=':
        return (v) => v !== right;
      case '<':
        return (v) => v < right;
      case '<=':
        return (v) => v <= right;
      case '>':
        return (v) => v > right;
      case '>=':
        return (v) => v >= right;
      default:
        return null;
    }
  }
  const ranges = resolveValues(right, () => undefined, toPortRanges);
  if (!ranges.complete || ranges.items.length === 0) return null;
  const member = (v: number): boolean => ranges.items.some((r) => v >= r.from && v <= r.to);
  if (op === '==' || op === 'in') return member;
  if (op === '!=') return (v) => !member(v);
  return null;
}

/** Share of `numgen random mod M offset O` values the comparison accepts. */
export function numgenShare(numgen: NftJson, op: string, right: NftJson): number | null {
  const mod = field(numgen, 'mod');
  const offset = field(numgen, 'offset');
  const start = typeof offset === 'number' ? offset : 0;
  if (typeof mod !== 'number' || mod <= 0 || mod > 1_000_000) return null;
  const accepts = numberPredicate(op, right);
  if (!accepts) return null;
  let hits = 0;
  for (let value = start; value < start + mod; value += 1) if (accepts(value)) hits += 1;
  return hits / mod;
}

/** Raw payload matches (`@ih,0,32 0x47455420`) are how nft looks for text in packets. */
export function payloadText(right: NftJson, bits: number): string | null {
  let hex: string;
  if (typeof right === 'number' && Number.isSafeInteger(right)) hex = right.toString(16);
  else if (typeof right === 'string' && /^0x[0-9a-f]+$/i.test(right)) hex = right.slice(2);
  else return null;
  if (bits % 8 !== 0) return null;
  hex = hex.padStart(bits / 4, '0');
  const text = Buffer.from(hex, 'hex').toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : null;
}
