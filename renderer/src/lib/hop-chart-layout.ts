import type { HopRead } from '../../../electron/shared/probe-data-decode.js';

// Where the traceroute picture puts each bar and each word. Kept out of the component so the layout can
// be checked without a browser: no mark overlaps another mark or a bar's figure, nothing leaves the
// picture, and every answering hop's address is written under its bar.

export const SLOT = 46;
const LEFT = 14;
/** The band above the bars that holds the marks ("▼ blamed", "resets here"): two rows of 12 px. */
const MARK_ROW = 12;
const MARK_BAND = 2 * MARK_ROW + 8;
const PLOT = 112;
/** Estimated advance of one character at the marks' and addresses' 10 px (SVG text is not measured on a server). */
export const CHAR_PX = 6;
/** Addresses are slanted so that one per 46 px slot fits; longer ones are cut (the table has them whole). */
const ADDRESS_CHARS = 22;
const SLANT_DEG = 40;

export interface HopBar {
  hop: HopRead;
  x: number;
  mid: number;
  /** Bar height, 0 for a hop that did not answer. */
  h: number;
  kind: 'blamed' | 'silent' | 'lossy' | 'plain';
}

export interface HopMark {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

export interface HopAddress {
  text: string;
  x: number;
  y: number;
  /** The slant, for the text's rotate() about (x, y). */
  deg: number;
}

export interface HopChartLayout {
  width: number;
  height: number;
  top: number;
  base: number;
  bars: HopBar[];
  marks: HopMark[];
  addresses: HopAddress[];
}

function cut(address: string): string {
  return address.length <= ADDRESS_CHARS ? address : `${address.slice(0, ADDRESS_CHARS - 1)}…`;
}

export function hopChartLayout(
  hops: HopRead[],
  blamedHop: number | null,
  resetHop: number | null,
): HopChartLayout {
  // The tallest bar's figure (11 px text, 6 px over the bar) must clear the band's lower row.
  const top = MARK_BAND + 6 + 11;
  const base = top + PLOT;
  const maxRtt = Math.max(0.001, ...hops.map((h) => h.rttMs ?? 0));
  const rad = (SLANT_DEG * Math.PI) / 180;
  const shown = hops.map((h) => (h.address ? cut(h.address) : ''));
  const longest = Math.max(0, ...shown.map((a) => a.length)) * CHAR_PX;
  // The slanted addresses reach right and down from under each bar: the picture grows to hold them.
  const reach = Math.max(0, longest * Math.cos(rad) - SLOT / 2);
  const width = Math.max(300, LEFT * 2 + hops.length * SLOT + reach);
  const addressTop = base + 40;
  const height = addressTop + longest * Math.sin(rad) + 10;

  const bars: HopBar[] = hops.map((hop, i) => {
    const x = LEFT + i * SLOT;
    const h = hop.rttMs === null ? 0 : Math.max(3, (hop.rttMs / maxRtt) * PLOT);
    const kind: HopBar['kind'] =
      hop.ttl === blamedHop || hop.ttl === resetHop
        ? 'blamed'
        : hop.rttMs === null
          ? 'silent'
          : hop.lossPercent > 0
            ? 'lossy'
            : 'plain';
    return { hop, x, mid: x + SLOT / 2, h, kind };
  });

  // One mark per marked hop, in the band above every bar: a bar's figure never reaches it. Two hops
  // marked (the diagnosis blames one, the replay found another) take a row each, so they cannot overlap.
  const marked = bars.filter((b) => b.hop.ttl === blamedHop || b.hop.ttl === resetHop);
  const marks = marked.map((bar, row): HopMark => {
    const words = [
      ...(bar.hop.ttl === blamedHop ? ['blamed'] : []),
      ...(bar.hop.ttl === resetHop ? ['resets here'] : []),
    ].join(', ');
    // The ▼ stands right over its bar, the words run away from it: rightwards, or leftwards near the
    // picture's right edge.
    const rightwards = bar.mid - 5 + (words.length + 2) * CHAR_PX <= width - 2;
    return rightwards
      ? { text: `▼ ${words}`, x: bar.mid - 5, y: MARK_ROW + row * MARK_ROW, anchor: 'start' }
      : { text: `${words} ▼`, x: bar.mid + 5, y: MARK_ROW + row * MARK_ROW, anchor: 'end' };
  });

  const addresses = bars.flatMap((bar, i): HopAddress[] =>
    shown[i] ? [{ text: shown[i]!, x: bar.mid - 6, y: addressTop, deg: SLANT_DEG }] : [],
  );
  return { width, height, top, base, bars, marks, addresses };
}
