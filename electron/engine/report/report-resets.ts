import {
  decodeConnections,
  decodeHops,
  endedBadly,
  requestFirst,
  ticketConnection,
  type HopRead,
} from '../../shared/probe-data-decode.js';
import { probeDataOf, type Report } from '../../shared/report-info.js';
import {
  decodeResetHop,
  decodeResets,
  isResetOf,
  type ResetHopRead,
  type ResetRead,
  type SignalRead,
} from '../../shared/reset-data-decode.js';
import {
  outcomeWords,
  payloadWords,
  resetHopPlace,
  SIGNAL_STRENGTH,
  signalName,
  signalStrength,
  voteWords,
} from '../../shared/reset-words.js';
import { ORIGIN_WORDS } from './report-text.js';

// What the HTML and Markdown reports say about each reset: after what it came, who sent it and the
// signals that say so, and which hop the replay found. The probe data is read through the decoders the
// wizard uses (a report may come from another version of the tool): only what has its shape is told.

/** A connection that ended badly, in words. */
export interface EndingLine {
  connection: string;
  afterWhat: string;
  /** The verdict on its reset, when the reset was captured and judged. */
  reset: ResetLine | null;
}

export interface SignalLine {
  /** The signal's name in words; a name this version does not know is kept as it is. */
  name: string;
  /** Whom it points to, in words. */
  vote: string;
  path: boolean;
  weight: number | null;
  detail: string;
}

export interface ResetLine extends Omit<ResetRead, 'signals'> {
  signals: SignalLine[];
  /** How strongly the signals back the sender, in words (signalStrength); null without weights. */
  strength: string | null;
}

export interface AttemptLine {
  ttl: number;
  payload: string;
  outcome: string;
  /** A RST came back: the bytes reached whatever resets them. */
  reset: boolean;
  from: string | null;
  rstTtl: number | null;
}

export interface ResetHopLine extends Omit<ResetHopRead, 'attempts' | 'controlOutcome'> {
  /** In words, null when no control exchange was made. */
  controlOutcome: string | null;
  attempts: AttemptLine[];
}

export interface ResetStory {
  /** Connections that ended badly, the request first. */
  endings: EndingLine[];
  /** Verdicts whose connection is not among the endings (or that name none). */
  otherResets: ResetLine[];
  hop: ResetHopLine | null;
}

/** Lines and signal tables beyond these go to the JSON report: a ticket wants the pattern, not 60 copies. */
const MAX_ENDINGS = 10;
const MAX_SIGNAL_TABLES = 3;

// The report's tables give the reason for time exceeded in brackets, the wizard after a colon.
function replayOutcome(outcome: string): string {
  return outcome === 'time-exceeded'
    ? 'ICMP time exceeded (expired before anything reset it)'
    : outcomeWords(outcome);
}

function signalLine(s: SignalRead): SignalLine {
  return {
    name: signalName(s.name),
    vote: voteWords(s.vote),
    path: s.vote === 'path',
    weight: s.weight,
    detail: s.detail,
  };
}

function hopLine(hop: ResetHopRead | null): ResetHopLine | null {
  if (!hop) return null;
  const { attempts, controlOutcome, ...facts } = hop;
  return {
    ...facts,
    controlOutcome: controlOutcome ? replayOutcome(controlOutcome) : null,
    attempts: attempts.map((a) => ({
      ttl: a.ttl,
      payload: payloadWords(a.payload),
      outcome: replayOutcome(a.outcome),
      reset: a.outcome === 'reset',
      from: a.from,
      rstTtl: a.rstTtl,
    })),
  };
}

/** After what each connection ended, who sent each reset, and the hop that resets; null when none of it is known. */
export function resetStory(report: Report): ResetStory | null {
  const resets: ResetLine[] = (decodeResets(probeDataOf(report, 'reset-origin')) ?? []).map((r) => ({
    ...r,
    signals: r.signals.map(signalLine),
    strength: signalStrength(r),
  }));
  const endings = (decodeConnections(probeDataOf(report, 'packet-capture')) ?? [])
    .sort(requestFirst)
    .flatMap((c): EndingLine[] =>
      c.afterWhat && endedBadly(c)
        ? [
            {
              connection: c.connection,
              afterWhat: c.afterWhat,
              reset: resets.find((r) => isResetOf(r, c)) ?? null,
            },
          ]
        : [],
    );
  const otherResets = resets.filter((r) => !endings.some((e) => e.reset === r));
  const hop = hopLine(decodeResetHop(probeDataOf(report, 'reset-hop')));
  if (endings.length === 0 && otherResets.length === 0 && !hop) return null;
  return { endings, otherResets, hop };
}

/**
 * "sent by a device on the network path (hop 4), TTL 61, strength of the signals: strong (weight 3 for it,
 * none against)" (or "Sent by…"): the signals' strength in words, so the verdict's confidence stays the
 * report's one percentage.
 */
export function senderWords(reset: ResetLine, capital = false): string {
  const who =
    reset.origin === 'unknown'
      ? `${capital ? 'S' : 's'}ender not determined`
      : `${capital ? 'S' : 's'}ent by ${ORIGIN_WORDS[reset.origin]}${reset.origin === 'path' && reset.hop !== null ? ` (hop ${reset.hop})` : ''}`;
  const ttl = reset.ttl !== null ? `, TTL ${reset.ttl}` : '';
  const strength =
    reset.strength !== null && reset.origin !== 'unknown' ? `, ${SIGNAL_STRENGTH}: ${reset.strength}` : '';
  return `${who}${ttl}${strength}`;
}

/** Connections that ended alike (same sentence, same sender): one line tells them all. */
export interface EndingGroup {
  /** "request, concurrency #1, concurrency #2 and 3 more". */
  names: string;
  count: number;
  afterWhat: string;
  sender: string | null;
}

export function endingGroups(story: ResetStory): EndingGroup[] {
  const groups = new Map<string, EndingLine[]>();
  for (const e of story.endings) {
    const key = JSON.stringify([e.afterWhat, e.reset ? senderWords(e.reset) : null]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const shown = group.slice(0, 3).map((e) => e.connection);
    const more = group.length - shown.length;
    return {
      names: `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      count: group.length,
      afterWhat: first.afterWhat,
      sender: first.reset ? senderWords(first.reset) : null,
    };
  });
}

/** Resets whose verdict and signals read the same: one table tells them all. */
export interface SignalGroup {
  resets: ResetLine[];
  /** "Signals of the resets on “request”, “concurrency #1” and 4 more (TTL 61)". */
  title: string;
}

/** The resets that have signals, grouped where every word of the table would repeat, in the endings' order. */
export function signalGroups(story: ResetStory): SignalGroup[] {
  const resets = [...story.endings.flatMap((e) => (e.reset ? [e.reset] : [])), ...story.otherResets].filter(
    (r) => r.signals.length > 0,
  );
  const groups = new Map<string, ResetLine[]>();
  for (const r of resets) {
    const key = JSON.stringify([r.origin, r.hop, r.ttl, r.reason, r.confidence, r.signals]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => ({ resets: group, title: signalsTitle(group) }));
}

function signalsTitle(group: ResetLine[]): string {
  const names = group.flatMap((r) => (r.connection ? [`“${r.connection}”`] : []));
  const shown = names.slice(0, 2);
  const more = group.length - shown.length;
  const on = shown.length === 0 ? '' : ` on ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const ttl = group[0]!.ttl !== null ? ` (TTL ${group[0]!.ttl})` : '';
  return `Signals of the reset${group.length > 1 ? 's' : ''}${on}${ttl}`;
}

/** What a report shows of the story: a ticket wants the pattern, the rest is in the JSON report. */
export interface ResetsShown {
  /** A line for each group of endings, then for each other reset; past MAX_ENDINGS, one "and N more". */
  lines: string[];
  tables: SignalGroup[];
  /** Says where the signals of the resets beyond MAX_SIGNAL_TABLES tables are; null when all are shown. */
  untold: string | null;
}

/** The lines and tables both reports show; `ending` and `other` write one line in the report's own markup. */
export function resetsShown(
  story: ResetStory,
  ending: (e: EndingGroup) => string,
  other: (r: ResetLine) => string,
): ResetsShown {
  const lines = [...endingGroups(story).map(ending), ...story.otherResets.map(other)];
  const shown = lines.slice(0, MAX_ENDINGS);
  if (lines.length > shown.length)
    shown.push(
      `and ${lines.length - shown.length} more (in the JSON report: packet-capture and reset-origin)`,
    );
  const groups = signalGroups(story);
  const untold = groups.slice(MAX_SIGNAL_TABLES).reduce((n, g) => n + g.resets.length, 0);
  return {
    lines: shown,
    tables: groups.slice(0, MAX_SIGNAL_TABLES),
    untold:
      untold > 0 ? `The signals of ${untold} more resets are in the JSON report (probe reset-origin).` : null,
  };
}

/** The reset-hop facts as label/value pairs. */
export function hopFacts(hop: ResetHopLine): [string, string][] {
  const facts: [string, string][] = [['Replayed', `${hop.triggerText} (from “${hop.connection}”)`]];
  facts.push([
    'First reset at',
    hop.firstResetTtl === null
      ? 'no replay was reset'
      : `TTL ${hop.firstResetTtl}${hop.lastPassingTtl !== null ? ` (TTL ${hop.lastPassingTtl} still passed)` : ''}`,
  ]);
  facts.push([
    'Device sits',
    hop.hop === null ? 'not located' : resetHopPlace(hop.hop, hop.hopAddress, hop.exact),
  ]);
  facts.push(['Control exchange', hop.controlOutcome ?? 'not made']);
  facts.push(['Finding', hop.reason]);
  return facts;
}

/** The two ends of the connection a ticket names, "198.18.1.2:51234" to "198.18.4.2:80", and its label. */
export interface TicketEnds {
  from: string;
  to: string | null;
  connection: string;
}

/** The ends of the connection a support desk looks up (ticketConnection); null in reports without them. */
export function ticketEnds(report: Report): TicketEnds | null {
  const c = ticketConnection(decodeConnections(probeDataOf(report, 'packet-capture')) ?? []);
  return c?.local ? { from: c.local, to: c.peer, connection: c.connection } : null;
}

/** The traceroute's hops in TTL order; null when it did not run (or its data has another shape). */
export function tracerouteHops(report: Report): HopRead[] | null {
  const hops = decodeHops(probeDataOf(report, 'traceroute'));
  return hops && hops.length > 0 ? [...hops].sort((a, b) => a.ttl - b.ttl) : null;
}
