import { ownValue } from './data-guards.js';
import type { ConnectionEndHow } from './probe-data-info.js';
import type { SignalVote } from './reset-data-info.js';

// The words for reset signals, replay outcomes and connection ends, shared by the exported reports and
// the wizard so both say the same. Reports may come from another version of the tool: a name this
// version does not know is shown as it is.

const SIGNAL_WORDS: Record<string, string> = {
  ttl: 'TTL (how many routers away)',
  'ip-id': 'IP ID sequence',
  options: 'TCP options',
  after: 'Traffic after the RST',
  seq: 'Sequence number',
  flags: 'RST flags',
  burst: 'Burst of resets',
  race: 'Arrival time (sooner than the server could answer)',
};

/** A reset signal's name in words: "TTL (how many routers away)". */
export function signalName(name: string): string {
  return ownValue(SIGNAL_WORDS, name) ?? name;
}

const VOTE_WORDS: Record<SignalVote, string> = {
  server: 'the server',
  path: 'a device on the path',
  neutral: 'neither (neutral)',
};

/** Whom a signal points to: "a device on the path". */
export function voteWords(vote: SignalVote): string {
  return VOTE_WORDS[vote];
}

const OUTCOME_WORDS: Record<string, string> = {
  reset: 'RST came back',
  'time-exceeded': 'ICMP time exceeded: expired before anything reset it',
  answered: 'answered by the server',
  silent: 'no answer',
  failed: 'could not be sent',
};

/** What a TTL-limited replay met, in words: "RST came back". */
export function outcomeWords(outcome: string): string {
  return ownValue(OUTCOME_WORDS, outcome) ?? outcome;
}

/** What a replay sent: the bytes that met the reset, or the harmless control. */
export function payloadWords(payload: string): string {
  return payload === 'trigger'
    ? 'the triggering bytes'
    : payload === 'control'
      ? 'control (harmless bytes)'
      : payload;
}

const END_WORDS: Record<string, string> = {
  reset: 'reset',
  fin: 'closed by the peer (FIN)',
  complete: 'complete',
  timeout: 'timed out',
  unreachable: 'unreachable',
  failed: 'failed',
  stopped: 'closed by Reset Doctor (no longer needed)',
} satisfies Record<ConnectionEndHow, string>;

/** How a connection ended, in words: "closed by the peer (FIN)". */
export function endWords(how: string): string {
  return ownValue(END_WORDS, how) ?? how;
}

/**
 * Where the hop search placed the device: "at hop 2 (198.18.2.1)", or where the RST's TTL could not say
 * which end of the segment sent it (IPv6, a forged TTL), "at or just after hop 1 (198.18.1.1)".
 */
export function resetHopPlace(hop: number, hopAddress: string | null, exact: boolean | undefined): string {
  const address = hopAddress ? ` (${hopAddress})` : '';
  return exact === false ? `at or just after hop ${hop}${address}` : `at hop ${hop}${address}`;
}

/** "3 routers away": how the TTL evidence is worded everywhere. */
export function routers(n: number): string {
  return `${n} router${n === 1 ? '' : 's'} away`;
}

/** What the faces call a reset's signals taken together; the word "confidence" is the verdict's alone. */
export const SIGNAL_STRENGTH = 'strength of the signals';

/** A reset's sender and its signals' votes, as the probe data has them (weight null in older reports). */
export interface WeighedReset {
  origin: string;
  signals: readonly { vote: string; weight: number | null }[];
}

/**
 * How strongly a reset's signals back the sender it names, in words and weights, never as a percentage:
 * "moderate (weight 3 for it, 0.5 against)". The faces show one percentage, the verdict's confidence; the
 * signals' share beside it ("100 %" under a 90 % verdict) read as a second, rival confidence. The word
 * follows the weight for the sender less the weight against it, on the scale the diagnosis weighs
 * observations with (strong 3, moderate 2: a TTL alone is strong). Null when no signal carries a weight.
 */
export function signalStrength(reset: WeighedReset): string | null {
  const weighed = reset.signals.filter((s) => s.weight !== null);
  if (weighed.length === 0) return null;
  if (reset.origin !== 'server' && reset.origin !== 'path') return 'none (the signals point to neither side)';
  const sum = (keep: (vote: string) => boolean) =>
    weighed.filter((s) => keep(s.vote)).reduce((n, s) => n + s.weight!, 0);
  const behind = sum((vote) => vote === reset.origin);
  const against = sum((vote) => vote !== reset.origin && vote !== 'neutral');
  const net = behind - against;
  const word = net >= 3 ? 'strong' : net >= 2 ? 'moderate' : net > 0 ? 'weak' : 'contested';
  const weight = (n: number) => String(Math.round(n * 10) / 10);
  return `${word} (weight ${weight(behind)} for it, ${against > 0 ? `${weight(against)} against` : 'none against'})`;
}
