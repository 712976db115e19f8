import { describe, expect, it } from 'vitest';
import type { Finding } from './cause-info.js';
import { resetReport } from '../engine/report/report-resets-fixture.js';
import { sampleReport } from '../engine/report/report-fixture.js';
import { besideVerdict, blamedAddressWords, hopAddressOf, leadFinding } from './verdict-words.js';

const finding = (over: Partial<Finding>): Finding => ({
  cause: 'firewall-reset',
  origin: 'path',
  phase: 'request',
  confidence: 0.9,
  evidence: [],
  against: [],
  remedies: [],
  settle: [],
  ...over,
});

const traceroute = {
  id: 'traceroute',
  status: 'complete',
  summary: '198.18.4.2 reached in 4 hops',
  assessment: 'ok' as const,
  data: {
    hops: [1, 2, 3, 4].map((ttl) => ({ ttl, address: `198.18.${ttl}.1`, rttMs: 0.2, lossPercent: 0 })),
  },
};

describe('besideVerdict', () => {
  it('a traceroute across the hop the verdict blames names it, and is not OK', () => {
    expect(besideVerdict(traceroute, finding({ hop: 3 }))).toEqual({
      summary: '198.18.4.2 reached in 4 hops; hop 3 (198.18.3.1) is the one the verdict blames',
      assessment: 'warn',
    });
  });

  it('reads as reported beside a verdict that blames no hop, and for every other probe', () => {
    const as = { summary: traceroute.summary, assessment: 'ok' };
    expect(besideVerdict(traceroute, finding({ origin: 'server' }))).toEqual(as);
    expect(besideVerdict(traceroute, finding({}))).toEqual(as);
    expect(besideVerdict(traceroute, null)).toEqual(as);
    expect(besideVerdict({ ...traceroute, id: 'ping' }, finding({ hop: 3 }))).toEqual(as);
  });
});

describe('leadFinding', () => {
  it("is the most confident finding with the verdict's cause", () => {
    const weak = finding({ confidence: 0.2 });
    const strong = finding({ confidence: 0.8 });
    const findings = [finding({ cause: 'server-reset', confidence: 0.95 }), weak, strong];
    expect(leadFinding({ verdict: 'firewall-reset', findings })).toBe(strong);
    expect(leadFinding({ verdict: 'idle-timeout', findings })).toBeNull();
  });
});

describe('hopAddressOf and blamedAddressWords', () => {
  it("names the blamed hop by the replays' address, else the traceroute's, and says nothing for the server", () => {
    const replayed = resetReport();
    const lead = leadFinding(replayed.diagnosis)!;
    expect(lead).toMatchObject({ origin: 'path', hop: 4 });
    expect(hopAddressOf(replayed, 4)).toBe('198.51.100.1');
    expect(blamedAddressWords(replayed, lead)).toBe(', address 198.51.100.1');
    // Without the replays, the traceroute's hop 4.
    const traced = sampleReport();
    const hops = traced.steps.flatMap((s) => s.probes).find((p) => p.id === 'traceroute')!.data as {
      hops: { ttl: number; address: string | null }[];
    };
    expect(hopAddressOf(traced, 4)).toBe(hops.hops.find((h) => h.ttl === 4)!.address);
    expect(blamedAddressWords(traced, { ...lead, origin: 'server', hop: undefined })).toBe('');
    expect(hopAddressOf(traced, 99)).toBeNull();
  });
});
