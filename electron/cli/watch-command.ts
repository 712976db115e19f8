import { printable } from '../shared/printable-text.js';
import { routers } from '../engine/forensics/reset-origin.js';
import { runWatch, type WatchRequest, type WatchResult } from '../engine/watch/run-watch.js';
import type { WatchCatch } from '../engine/watch/watch-tracker.js';

/**
 * `reset-doctor watch`: one line per reset as it is caught, then the counts and the patterns. Exit 0 when
 * no reset came, 1 when some did, 130 when cancelled (what was caught is still printed).
 */
export async function watch(command: { request: WatchRequest; json: boolean }): Promise<number> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nStopping: keeping what was caught (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const out = (line: string) => process.stdout.write(`${printable(line)}\n`);
  const result = await runWatch(command.request, {
    signal: controller.signal,
    onCatch: (caught) => {
      if (!command.json) out(catchLine(caught));
    },
  });
  if (command.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else for (const line of summaryLines(result)) out(line);
  if (result.stoppedBy === 'cancelled') return 130;
  return result.counts.resets > 0 ? 1 : 0;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "+12.3 s  reset  :51234 ← 198.18.4.2:80  after 5.0 s idle, 1,234 bytes in  sent by the server (…)" */
export function catchLine(c: WatchCatch): string {
  const v = c.verdict;
  const who =
    v.origin === 'server'
      ? 'sent by the target'
      : v.origin === 'path'
        ? `sent by a device on the path${v.hop !== null ? `, hop ${v.hop}` : ''}`
        : v.origin === 'local'
          ? 'sent by this machine'
          : 'sender unknown';
  const ttl = v.ttl !== null && v.hopsAway !== null ? ` (TTL ${v.ttl}, ${routers(v.hopsAway)})` : '';
  const opened = c.sawOpen ? '' : ', opened before the watch';
  const owner = c.owner
    ? `${c.owner.process}${c.owner.pid !== null ? ` (pid ${c.owner.pid})` : ''}`
    : 'program unknown';
  return `+${seconds(c.at)}  reset  ${owner} :${c.localPort} ← ${c.address}:${c.port}  after ${seconds(c.idleMs)} idle, ${c.bytesIn.toLocaleString('en-US')} bytes in${opened}  ${who}${ttl}`;
}

export function summaryLines(r: WatchResult): string[] {
  const { counts } = r;
  const how = { time: 'time is up', count: 'enough resets caught', cancelled: 'stopped' }[r.stoppedBy];
  const lines = [
    '',
    `Watched ${r.target.host}:${r.target.port} (${r.target.addresses.join(', ')}) until ${how}: ${counts.connections} connections, ${counts.resets} reset, ${counts.closed} closed by the target, ${counts.open} still open.`,
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
  if (counts.resets === 0)
    lines.push(
      counts.connections === 0
        ? 'No connection to the target was seen: run the application while watching.'
        : 'No reset came while watching: watch longer, or while the failure happens.',
    );
  for (const p of r.patterns) lines.push(p.text);
  lines.push(r.captureNote);
  return lines;
}
