import { CAUSE_TITLES, type Diagnosis, type SettleStep } from './cause-info.js';
import { cliSettleText } from './next-step-words.js';
import { median as medianOf } from './number-stats.js';
import { resetHopPlace, routers } from './reset-words.js';
import type { WatchCatch, WatchCheck, WatchCounts, WatchResult } from './watch-info.js';

// A watch in words: one wording for the CLI's live lines and summary, the wizard's Watch view, the
// Markdown export and the pcapng's comments.

/** Who sent a caught reset, in words. */
export function catchSender(c: WatchCatch): string {
  const v = c.verdict;
  // Only a FIN from nearer than the target is caught: the close, not a reset, is the news.
  if (c.how === 'fin')
    return `closed (FIN) by a device on the path${v?.hop != null ? ` (hop ${v.hop})` : ''}`;
  if (c.silence) return silenceWords(c.silence);
  if (v === null)
    return c.end?.how === 'reset-received'
      ? 'a reset came in, sender unknown (no capture)'
      : 'reset by one side or the other, unknown (no capture)';
  if (v.origin === 'server') return 'sent by the target';
  if (v.origin === 'path') return `sent by a device on the path${v.hop !== null ? ` (hop ${v.hop})` : ''}`;
  if (v.origin === 'local') return 'sent by this machine';
  return 'sender unknown';
}

/**
 * "no answer for 4.2 s (3 retransmissions), no reset: dropped on the way or at the target": nobody is
 * named, since a silence carries no packet to judge.
 */
export function silenceWords(s: NonNullable<WatchCatch['silence']>): string {
  const what = s.connecting ? 'its SYN' : 'its data';
  return `no answer to ${what} for ${watchSeconds(s.silentMs)} (${s.retransmits} retransmissions), no reset: dropped on the way or at the target, where is not seen`;
}

/** What a catch was, in one word: "reset", "close", "silence". */
export function catchKind(c: WatchCatch): string {
  return c.how === 'fin' ? 'close' : c.how;
}

/** "Resets caught", or what else was caught with them: a section's heading. */
export function caughtHeading(catches: WatchCatch[]): string {
  const kinds = new Set(catches.map((c) => c.how));
  if (!kinds.has('silence')) return 'Resets caught';
  return kinds.size === 1 ? 'Silences caught' : 'Resets and silences caught';
}

export function watchSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "firefox (pid 4242)", or "program unknown". */
export function catchOwner(c: WatchCatch): string {
  return c.owner
    ? `${c.owner.process}${c.owner.pid !== null ? ` (pid ${c.owner.pid})` : ''}`
    : 'program unknown';
}

/**
 * "connection #6 of 2 open, after 5.0 s idle, 1,234 bytes in, 310 out": what the connection had done
 * before its reset.
 */
export function catchBefore(c: WatchCatch): string {
  const place =
    c.order === null
      ? ''
      : `connection #${c.order}${c.concurrent !== null ? ` of ${c.concurrent} open` : ''}, `;
  const idle =
    c.idleMs === null
      ? ''
      : c.how === 'silence'
        ? // Estimated from the retransmission timer: under a second is within its error.
          c.idleMs < 1000
          ? "sent within a second of the target's last packet, "
          : `sent after about ${watchSeconds(c.idleMs)} idle, `
        : c.seenBy === 'capture'
          ? `after ${watchSeconds(c.idleMs)} idle, `
          : `after at most ${watchSeconds(c.idleMs)} idle, `;
  const out = c.bytesOut !== null ? `, ${c.bytesOut.toLocaleString('en-US')} out` : '';
  const opened = c.sawOpen || c.order !== null ? '' : ', opened before the watch';
  return `${place}${idle}${c.bytesIn.toLocaleString('en-US')} bytes in${out}${opened}`;
}

/** "(TTL 61, 3 routers away)" when the capture saw the reset's TTL. */
export function catchTtl(c: WatchCatch): string {
  const v = c.verdict;
  return v && v.ttl !== null && v.hopsAway !== null ? ` (TTL ${v.ttl}, ${routers(v.hopsAway)})` : '';
}

/** "+12.3 s  reset  curl (pid 7) :51234 ← 198.18.4.2:80  after 5.0 s idle, 1,234 bytes in  sent by the target (…)" */
export function catchLine(c: WatchCatch): string {
  const address = c.address.includes(':') ? `[${c.address}]` : c.address;
  return `+${watchSeconds(c.at)}  ${catchKind(c)}  ${catchOwner(c)} :${c.localPort} ← ${address}:${c.port}  ${catchBefore(c)}  ${catchSender(c)}${catchTtl(c)}`;
}

/** "12 checks: 11 answered (median 3 ms), 1 reset." */
export function checksLine(checks: WatchCheck[]): string {
  if (checks.length === 0) return 'No check finished.';
  const by = new Map<string, number>();
  for (const c of checks) by.set(c.outcome, (by.get(c.outcome) ?? 0) + 1);
  const answered = checks
    .filter((c) => c.outcome === 'complete')
    .map((c) => c.ms)
    .sort((a, b) => a - b);
  const parts = [...by].map(([outcome, n]) =>
    outcome === 'complete'
      ? `${n} answered (median ${answered[Math.floor(answered.length / 2)]} ms)`
      : `${n} ${outcome === 'closed' ? 'closed early' : outcome}`,
  );
  return `${checks.length} check${checks.length === 1 ? '' : 's'}: ${parts.join(', ')}${pingWords(checks)}.`;
}

/** "; pings beside them: 11 of 12 answered (median 0.4 ms), 1 lost", or nothing without pings. */
function pingWords(checks: WatchCheck[]): string {
  const pings = checks.flatMap((c) => (c.ping ? [c.ping] : []));
  if (pings.length === 0) return '';
  const rtts = pings.flatMap((p) => (p.rttMs === null ? [] : [p.rttMs]));
  const lost = pings.length - rtts.length;
  const median = rtts.length > 0 ? ` (median ${rttFigure(medianOf(rtts))} ms)` : '';
  return `; pings beside them: ${rtts.length} of ${pings.length} answered${median}${lost > 0 ? `, ${lost} lost` : ''}`;
}

/**
 * "Verdict over the 3 resets: Idle timeout (95%), sent by a device on the path, hop 2; idle timeout 3 s." or,
 * when the catches do not settle it, the candidates. Null without a verdict (fewer than two resets).
 */
export function watchVerdictLine(
  d: Diagnosis | null,
  counts: Pick<WatchCounts, 'resets' | 'silences' | 'pathCloses'>,
  /** How this face words a step to settle it (next-step-words.ts): the CLI's by default. */
  settleWords: (step: SettleStep) => string = cliSettleText,
): string | null {
  const lead = d?.findings[0];
  if (!d || !lead) return null;
  const { resets, silences, pathCloses } = counts;
  const noun = silences + pathCloses === 0 ? 'resets' : resets + pathCloses === 0 ? 'silences' : 'catches';
  const over = `Verdict over the ${resets + silences + pathCloses} ${noun}`;
  if (d.verdict === 'inconclusive') {
    const candidates = (lead.candidates ?? []).map((c) => CAUSE_TITLES[c] ?? c);
    return `${over}: inconclusive${candidates.length ? ` (${candidates.join(' or ')})` : ''}; ${lead.settle[0] ? settleWords(lead.settle[0]) : 'watch longer, or run a diagnosis while it happens.'}`;
  }
  const who =
    lead.origin === 'path'
      ? `from a device on the path${lead.hop !== undefined ? `, hop ${lead.hop}` : ''}`
      : lead.origin === 'server'
        ? 'from the server'
        : lead.origin === 'local'
          ? 'from this machine'
          : resets + pathCloses === 0
            ? 'the place of the drop not seen'
            : 'sender not seen';
  const idle = lead.idleTimeoutSeconds !== undefined ? `; idle timeout ${lead.idleTimeoutSeconds} s` : '';
  return `${over}: ${CAUSE_TITLES[lead.cause] ?? lead.cause} (${Math.round(lead.confidence * 100)}%), ${who}${idle}.`;
}

const STOPPED_WORDS: Record<WatchResult['stoppedBy'], string> = {
  time: 'time is up',
  count: 'enough resets caught',
  cancelled: 'stopped',
  interrupted: 'the engine stopped',
};

/** "0.05", "2.5", "95": a round trip's milliseconds, as precise as they are small. */
export function rttFigure(ms: number): string {
  return ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** "Round trip 0.4–12 ms (the kernel's smoothed RTT of the open connections); 3 segments retransmitted." */
export function pathLine(r: Pick<WatchResult, 'timeline'>): string | null {
  const rtts = r.timeline.slices.flatMap((s) => (s.rttMs === null ? [] : [s.rttMs]));
  const retransmits = r.timeline.slices.reduce((n, s) => n + s.retransmits, 0);
  if (rtts.length === 0 && retransmits === 0) return null;
  const low = Math.min(...rtts);
  const high = Math.max(...rtts);
  const rtt =
    rtts.length === 0
      ? ''
      : `Round trip ${low === high ? rttFigure(low) : `${rttFigure(low)}–${rttFigure(high)}`} ms (the kernel's smoothed RTT of the open connections, the highest of each slice)`;
  const lost = `${retransmits} segment${retransmits === 1 ? '' : 's'} retransmitted to the target`;
  return rtt ? `${rtt}; ${lost}.` : `${lost[0]!.toUpperCase()}${lost.slice(1)}.`;
}

/** What the hop search after a reset from the path found, in one line; null when none ran. */
export function hopSearchLine(h: WatchResult['hopSearch']): string | null {
  if (!h) return null;
  const last = h.attempts.filter((a) => a.payload === 'trigger').at(-1)?.ttl ?? 1;
  const replayed = `The checks' ${h.triggerText}, replayed with TTL 1 to ${last}`;
  if ((h.verdict === 'located' || h.verdict === 'any-data') && h.hop !== null)
    return `${replayed}, is reset by a device ${resetHopPlace(h.hop, h.hopAddress, h.exact)}${h.verdict === 'any-data' ? '; harmless data is reset there too' : ', harmless data passes'}.`;
  if (h.verdict === 'server') return `${replayed}, is reset only where it reaches the server.`;
  return `${replayed}, was not reset: whatever resets reacts to the application's own bytes, not the checks'.`;
}

/** The end of a watch: the counts, the programs, what was left out, the checks, the patterns, what capture saw. */
export function summaryLines(
  r: WatchResult,
  settleWords: (step: SettleStep) => string = cliSettleText,
): string[] {
  const { counts } = r;
  const lines = [
    `Watched ${r.target.host}:${r.target.port} (${r.target.addresses.join(', ')}) until ${STOPPED_WORDS[r.stoppedBy]}: ${counts.connections} connections, ${counts.resets} reset, ${counts.closed} closed by the target${counts.pathCloses > 0 ? ` (${counts.pathCloses} of them by a device on the path)` : ''},${counts.silences > 0 ? ` ${counts.silences} left unanswered,` : ''} ${counts.open} still open.`,
  ];
  const programs = Object.entries(counts.programs);
  if (programs.length > 0)
    lines.push(
      `Programs: ${programs.map(([name, p]) => `${name} ${p.connections} connection${p.connections === 1 ? '' : 's'} (${p.resets} reset)`).join(', ')}.`,
    );
  if (r.ownersNote) lines.push(`The programs could not be named: ${r.ownersNote}.`);
  if (counts.evicted > 0)
    lines.push(`${counts.evicted} idle connections were no longer followed, to stay within memory.`);
  if (r.catchesDropped > 0) lines.push(`${r.catchesDropped} more resets were counted, not kept.`);
  if (counts.resets === 0 && counts.silences === 0)
    lines.push(
      counts.connections === 0
        ? 'No connection to the target was seen: run the application while watching.'
        : 'No reset came while watching: watch longer, or while the failure happens.',
    );
  if (r.checks.length > 0) lines.push(checksLine(r.checks));
  const path = pathLine(r);
  if (path) lines.push(path);
  const hop = hopSearchLine(r.hopSearch ?? null);
  if (hop) lines.push(hop);
  for (const p of r.patterns) lines.push(p.text);
  const verdict = watchVerdictLine(r.diagnosis, counts, settleWords);
  if (verdict) lines.push(verdict);
  lines.push(r.captureNote);
  return lines;
}
