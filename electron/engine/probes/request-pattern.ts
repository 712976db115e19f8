import type { IntermittencyPattern } from '../../shared/cause-info.js';
import { ordinal } from '../../shared/common-words.js';

/** How often a repeated request failed, and how the failures fall. */
export interface RequestPattern {
  failed: number;
  total: number;
  /** Null when nothing failed. */
  pattern: IntermittencyPattern | null;
  /** every-nth: N. */
  period: number | null;
}

/**
 * Reads the failures of requests sent one after another (in the order the server saw them) and of a
 * few sent at once. Every Nth is claimed only when the failures fit that period exactly over at least
 * two whole periods: a balancer with one bad backend out of N looks like this, chance rarely does.
 */
export function requestPattern(sequential: boolean[], parallel: boolean[]): RequestPattern {
  const total = sequential.length + parallel.length;
  const failed = [...sequential, ...parallel].filter(Boolean).length;
  const base = { failed, total, period: null };
  if (failed === 0) return { ...base, pattern: null };
  if (failed === total) return { ...base, pattern: 'always' };
  const seqFailed = sequential.flatMap((f, i) => (f ? [i] : []));
  if (seqFailed.length === 0) return { ...base, pattern: 'under-concurrency' };
  if (seqFailed.length >= 2) {
    for (let n = 2; n * 2 <= sequential.length; n++) {
      const phase = seqFailed[0]! % n;
      if (sequential.every((f, i) => f === (i % n === phase)))
        return { ...base, pattern: 'every-nth', period: n };
    }
  }
  return { ...base, pattern: 'random' };
}

export function patternWords(p: RequestPattern): string {
  switch (p.pattern) {
    case null:
      return `all ${p.total} requests answered`;
    case 'always':
      return `all ${p.total} requests failed`;
    case 'every-nth':
      return `${p.failed} of ${p.total} requests failed, every ${ordinal(p.period!)} one`;
    case 'under-concurrency':
      return `${p.failed} of ${p.total} requests failed, only those sent at the same time as others`;
    default:
      return `${p.failed} of ${p.total} requests failed, with no regular pattern`;
  }
}
