import { decodeHops, decodeRtts, type HopRead } from '../../shared/probe-data-decode.js';
import type { ProbeReport } from '../../shared/report-info.js';
import { esc } from './report-html-parts.js';
import { formatNumber } from './report-text.js';

const px = (n: number): string => formatNumber(n, 1);

/**
 * Bars of each hop's RTT; a hop that never answered gets a '*' where its bar would be. The hop the
 * reset-hop replay located is marked "resets here" in words, not only in colour.
 */
export function hopChart(hops: HopRead[], blamedHop: number | null, resetHop: number | null = null): string {
  const slot = 48;
  const top = resetHop !== null ? 36 : 22;
  const plot = 110;
  const width = Math.max(280, hops.length * slot + 40);
  const height = top + plot + 24;
  const base = top + plot;
  const max = Math.max(1, ...hops.map((h) => h.rttMs ?? 0));
  const parts = hops.map((hop, i) => {
    const x = 30 + i * slot;
    const mid = x + slot / 2;
    const label = `<text x="${px(mid)}" y="${base + 16}" text-anchor="middle">${esc(String(hop.ttl))}</text>`;
    const where = hop.address ?? 'no answer';
    const resets = hop.ttl === resetHop;
    const note = resets ? ', resets the connection' : '';
    const mark = (y: number) =>
      resets
        ? `<text class="resets" x="${px(mid)}" y="${px(y)}" text-anchor="middle">resets here</text>`
        : '';
    if (hop.rttMs === null) {
      const tip = `<title>hop ${esc(String(hop.ttl))}: ${esc(where)}, ${esc(formatNumber(hop.lossPercent))}% loss${note}</title>`;
      return `<g>${tip}<text class="silent" x="${px(mid)}" y="${base - 4}" text-anchor="middle">*</text>${mark(base - 24)}${label}</g>`;
    }
    const h = Math.max(2, (hop.rttMs / max) * plot);
    const cls = hop.ttl === blamedHop || resets ? 'bar blamed' : hop.lossPercent > 0 ? 'bar lossy' : 'bar';
    const tip = `<title>hop ${esc(String(hop.ttl))}: ${esc(where)}, ${esc(formatNumber(hop.rttMs))} ms, ${esc(formatNumber(hop.lossPercent))}% loss${note}</title>`;
    return (
      `<g>${tip}<rect class="${cls}" x="${px(x + 8)}" y="${px(base - h)}" width="${slot - 16}" height="${px(h)}" rx="2"/>` +
      `<text class="value" x="${px(mid)}" y="${px(base - h - 5)}" text-anchor="middle">${esc(formatNumber(hop.rttMs))}</text>${mark(base - h - 19)}${label}</g>`
    );
  });
  const axis = `<line class="axis" x1="26" y1="${base}" x2="${width - 6}" y2="${base}"/>`;
  const aria = `Round-trip time per hop for ${hops.length} hops${
    resetHop !== null && hops.some((h) => h.ttl === resetHop) ? `; hop ${resetHop} resets the connection` : ''
  }`;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(aria)}">${axis}${parts.join('')}</svg>`;
}

/** RTT of each ping in order; a lost packet breaks the line and is marked with a red cross. */
export function pingSparkline(rtts: (number | null)[]): string {
  const width = 420;
  const height = 110;
  const left = 44;
  const right = 12;
  const top = 12;
  const plot = 60;
  const replies = rtts.filter((v): v is number => v !== null);
  const min = replies.length > 0 ? Math.min(...replies) : 0;
  const max = replies.length > 0 ? Math.max(...replies) : 1;
  const x = (i: number): number =>
    left + (rtts.length === 1 ? 0 : (i / (rtts.length - 1)) * (width - left - right));
  // Equal RTTs have no range to scale: draw them as a flat line in the middle.
  const y = (v: number): number =>
    max === min ? top + plot / 2 : top + plot - ((v - min) / (max - min)) * plot;
  const segments: string[] = [];
  let current: string[] = [];
  const marks: string[] = [];
  rtts.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
      const cx = x(i);
      const cy = top + plot + 14;
      marks.push(
        `<g><title>ping ${i + 1}: lost</title><path class="lost" d="M${px(cx - 5)} ${px(cy - 5)}L${px(cx + 5)} ${px(cy + 5)}M${px(cx + 5)} ${px(cy - 5)}L${px(cx - 5)} ${px(cy + 5)}"/></g>`,
      );
      return;
    }
    current.push(`${px(x(i))},${px(y(v))}`);
    marks.push(
      `<circle class="dot" cx="${px(x(i))}" cy="${px(y(v))}" r="3"><title>ping ${i + 1}: ${esc(formatNumber(v))} ms</title></circle>`,
    );
  });
  if (current.length > 0) segments.push(current.join(' '));
  const lines = segments.map((points) => `<polyline class="line" points="${points}"/>`).join('');
  const lost = rtts.length - replies.length;
  const scale =
    replies.length === 0
      ? ''
      : max === min
        ? `<text x="${left - 6}" y="${top + plot / 2 + 4}" text-anchor="end">${esc(formatNumber(max))}</text>`
        : `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${esc(formatNumber(max))}</text>` +
          `<text x="${left - 6}" y="${top + plot + 4}" text-anchor="end">${esc(formatNumber(min))}</text>`;
  const legend = `<text x="${left}" y="${height - 4}">ms, ${rtts.length} pings in order</text>${
    lost > 0
      ? `<text class="lost-label" x="${width - right}" y="${height - 4}" text-anchor="end">× = lost (${lost})</text>`
      : ''
  }`;
  const aria = `Ping round-trip times: ${replies.length} replies, ${lost} lost`;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(aria)}">${lines}${marks.join('')}${scale}${legend}</svg>`;
}

/**
 * Pictures for the probes whose data has the shape the decoders check (a report may come from another
 * version of the tool); empty for all others.
 */
export function probeCharts(
  probes: ProbeReport[],
  blamedHop: number | null,
  resetHop: number | null = null,
): string {
  return probes
    .map((p) => {
      if (p.id === 'traceroute') {
        const hops = decodeHops(p.data);
        if (!hops) return '';
        const legend = `Bars: round-trip time in ms for each hop (TTL). * = no reply. Amber: the hop lost probes.${
          blamedHop === null ? '' : ' Red: the hop the diagnosis blames.'
        }${resetHop === null ? '' : ` Marked “resets here”: hop ${resetHop}, where replaying the triggering bytes with increasing TTL places the device that resets them.`}`;
        return figure(
          `${p.title}: round-trip time per hop`,
          `${hopChart(hops, blamedHop, resetHop)}<p class="legend">${esc(legend)}</p>${hopTable(hops, blamedHop, resetHop)}`,
        );
      }
      if (p.id === 'ping') {
        const rtts = decodeRtts(p.data);
        if (!rtts) return '';
        return figure(`${p.title}: round-trip time of each ping`, pingSparkline(rtts));
      }
      return '';
    })
    .join('');
}

function figure(caption: string, body: string): string {
  return `<figure class="chart"><figcaption>${esc(caption)}</figcaption>${body}</figure>`;
}

function hopTable(hops: HopRead[], blamedHop: number | null, resetHop: number | null): string {
  const rows = hops.map((h) => {
    const note =
      (h.ttl === blamedHop ? ' <span class="badge s-fail">✕ blamed</span>' : '') +
      (h.ttl === resetHop ? ' <span class="badge s-fail">✕ resets here</span>' : '');
    return (
      `<tr><td class="num">${esc(String(h.ttl))}</td><td class="mono">${esc(h.address ?? '* (no reply)')}${note}</td>` +
      `<td class="num">${h.rttMs === null ? '*' : `${esc(formatNumber(h.rttMs))} ms`}</td>` +
      `<td class="num">${esc(formatNumber(h.lossPercent))}%</td></tr>`
    );
  });
  return (
    '<table class="hops"><thead><tr><th>Hop</th><th>Address</th><th>RTT</th><th>Loss</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}
