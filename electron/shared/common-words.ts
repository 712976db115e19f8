// Small wordings shared by probes, the diagnosis, the reports and the wizard, so each is written once.

const SUFFIX: Record<number, string> = { 1: 'st', 2: 'nd', 3: 'rd' };

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (SUFFIX[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** address:port as people write it, with IPv6 in brackets. */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** 1,280: figures as people read them. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A link between two hops of a path, as the path-MTU search places a limit on it. */
export interface LinkPlace {
  afterHop: number;
  beforeHop: number;
  address: string | null;
  nextAddress: string | null;
  exact: boolean;
}

/** "the link between hop 2 (198.18.2.1) and hop 3 (198.18.3.1)", or the span when silent hops widen it. */
export function linkWords(l: LinkPlace): string {
  const end = (hop: number, address: string | null) =>
    hop === 0 ? 'this machine' : `hop ${hop}${address ? ` (${address})` : ''}`;
  const span = l.exact ? 'the link' : 'the links';
  return `${span} between ${end(l.afterHop, l.address)} and ${end(l.beforeHop, l.nextAddress)}`;
}
