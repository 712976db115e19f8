import '@testing-library/svelte/vitest';
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../electron/shared/cause-info.js';
import type { ProbeState } from '../lib/run-state.svelte.js';
import ProbeItem from './ProbeItem.svelte';

const traceroute: ProbeState = {
  id: 'traceroute',
  title: 'Traceroute',
  status: 'complete',
  summary: '198.18.4.2 reached in 4 hops',
  assessment: 'ok',
  skipReason: null,
  enables: null,
  failure: null,
  data: {
    hops: [1, 2, 3, 4].map((ttl) => ({ ttl, address: `198.18.${ttl}.1`, rttMs: 0.2, lossPercent: 0 })),
  },
  durationMs: 58,
  progressMessage: null,
  progressFraction: null,
  partials: [],
};

const blamesHop3: Finding = {
  cause: 'firewall-reset',
  origin: 'path',
  phase: 'request',
  hop: 3,
  confidence: 0.9,
  evidence: [],
  against: [],
  remedies: [],
  settle: [],
};

describe('ProbeItem', () => {
  it('a traceroute across the hop the verdict blames names that hop and is not shown OK', () => {
    const { container } = render(ProbeItem, { probe: traceroute, lead: blamesHop3 });
    expect(container.querySelector('.summary')?.textContent).toBe(
      '198.18.4.2 reached in 4 hops; hop 3 (198.18.3.1) is the one the verdict blames',
    );
    expect(container.querySelector('.head')?.textContent).not.toContain('OK');
    expect(container.querySelector('.head')?.textContent).toContain('Warning');
  });

  it('before the verdict, the traceroute reads as it measured', () => {
    const { container } = render(ProbeItem, { probe: traceroute });
    expect(container.querySelector('.summary')?.textContent).toBe('198.18.4.2 reached in 4 hops');
    expect(container.querySelector('.head')?.textContent).toContain('OK');
  });
});
