import '@testing-library/svelte/vitest';
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { decodeConnections, type HopRead } from '../../../electron/shared/probe-data-decode.js';
import { decodeResetHop, decodeResets } from '../../../electron/shared/reset-data-decode.js';
import ConnectionTimeline from './ConnectionTimeline.svelte';
import ResetHopResult from './ResetHopResult.svelte';
import TracerouteChart from './TracerouteChart.svelte';

/** An idle-timeout trial as the packet-capture probe reports it: 7 s of silence, then the request is reset. */
const IDLE_RESET = {
  id: 'c4',
  role: 'idle',
  connection: 'idle 7 s',
  address: '198.18.4.2',
  port: 80,
  localPort: 40112,
  outcome: 'reset',
  phase: 'request',
  endPhase: 'idle',
  bytesSent: 78,
  bytesReceived: 0,
  bytesCaptured: 0,
  end: { how: 'reset', at: 8000.7, afterMs: 7000.7, from: '198.18.4.2', ttl: 62, captured: true },
  afterWhat: 'reset on the next packet after 7.0 s idle: 78 bytes sent, nothing received',
  timeline: [
    { at: 1000, direction: 'sent', kind: 'syn', what: 'SYN' },
    { at: 1000.3, direction: 'received', kind: 'syn-ack', what: 'SYN-ACK', flags: 'SA', ttl: 61 },
    { at: 1000.4, direction: 'event', kind: 'event', what: 'connected' },
    { at: 1000.4, direction: 'idle', kind: 'idle', what: 'idle 7.0 s', ms: 7000 },
    { at: 8000.4, direction: 'sent', kind: 'request', what: 'request 78 bytes', bytes: 78 },
    { at: 8000.7, direction: 'received', kind: 'rst', what: 'RST', flags: 'R', ttl: 62 },
    { at: 8000.9, direction: 'event', kind: 'event', what: 'reset' },
  ],
};

const VERDICT = {
  connection: 'idle 7 s',
  connectionId: 'c4',
  origin: 'path',
  hop: 2,
  ttl: 62,
  reason: 'TTL 62 says it came from 2 routers away, nearer than the server',
  signals: [
    { name: 'ttl', vote: 'path', weight: 3, detail: 'TTL 62 (2 routers away), the server is 3 away' },
    { name: 'burst', vote: 'path', weight: 1, detail: 'three resets within 0.1 ms' },
    { name: 'quantum-spin', vote: 'neutral', weight: 0, detail: 'a signal this view does not know' },
  ],
  confidence: 1,
};

function draw(connection: unknown, resets: unknown[] = []) {
  const [view] = decodeConnections({ connections: [connection] })!;
  return render(ConnectionTimeline, {
    props: { connection: view!, resets: decodeResets({ resets }) ?? [], peer: '198.18.4.2:80' },
  });
}

describe('ConnectionTimeline', () => {
  it('draws a reset the path forged from the path’s own lane, not from the server’s', () => {
    const lanes = (origin: string) => {
      const { container, unmount } = draw(IDLE_RESET, [
        { ...VERDICT, origin, hop: origin === 'path' ? 2 : null },
      ]);
      const rst = container.querySelector('g.row.rst line')!;
      const names = [...container.querySelectorAll('.lane-name')].map((n) => n.textContent);
      const from = Number(rst.getAttribute('x1'));
      const table = [...container.querySelectorAll('tbody tr')].map((r) => r.children[1]!.textContent);
      unmount();
      return { names, from, table };
    };
    const path = lanes('path');
    expect(path.names).toEqual(['This machine', '198.18.4.2:80', 'Device at hop 2']);
    expect(path.from).toBeLessThan(490);
    expect(path.table).toContain('← Received from the path');
    const server = lanes('server');
    expect(server.names).toEqual(['This machine', '198.18.4.2:80']);
    expect(server.from).toBe(490);
    expect(server.table).not.toContain('← Received from the path');
  });

  it('draws the silence as its own row and says after what the connection was reset', () => {
    draw(IDLE_RESET, [VERDICT]);
    const picture = screen.getByRole('img');
    const label = picture.getAttribute('aria-label')!;
    expect(label).toContain(
      'Connected: handshake complete at +0.4 ms; Idle for 7 s from +0.4 ms; Request sent (78 bytes) sent at +7,000 ms; RST (reset) received at +7,001 ms, TTL 62',
    );
    expect(label).toContain(
      'After what: reset on the next packet after 7.0 s idle: 78 bytes sent, nothing received.',
    );
    expect(label).toMatch(/\(reset during idle\)/);
    const gap = picture.querySelector('g.idle');
    expect(gap?.querySelector('rect.gap')).not.toBeNull();
    expect(gap?.textContent).toBe('+0.4 ms⋯ Idle for 7 s: nothing sent or received ⋯');
    expect(screen.getByText('After what').closest('p')?.textContent).toContain(
      'reset on the next packet after 7.0 s idle',
    );
    const facts = within(screen.getByRole('list', { name: 'Connection “idle 7 s” in figures' }));
    expect(facts.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'request: 78 bytes sent',
      'response: 0 bytes received',
      'ended: reset (RST captured, TTL 62, from 198.18.4.2) at +7,001 ms',
      'phase: idle connection',
    ]);
  });

  it('puts the signals table under the reset it is joined to by id, with names it does not know shown as they are', () => {
    draw(IDLE_RESET, [VERDICT, { ...VERDICT, connection: 'idle 7 s', connectionId: 'c9', ttl: 99 }]);
    const tables = screen.getAllByRole('table', { name: /^Signals/ });
    expect(tables).toHaveLength(1);
    expect(tables[0]!.querySelector('caption')?.textContent).toBe(
      'Signals: who sent the reset on “idle 7 s” (TTL 62)',
    );
    const rows = within(tables[0]!).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.querySelector('th')?.textContent)).toEqual([
      'TTL (how many routers away)',
      'Burst of resets',
      'quantum-spin',
    ]);
    expect(rows[2]!.textContent).toContain('Neither (neutral)');
    // The signals' strength in words: the verdict's confidence is the one percentage the wizard shows.
    expect(screen.getByText('Strength of the signals: strong (weight 4 for it, none against).')).toBeTruthy();
  });

  it('keeps drawing an older report’s timeline: flags as letters, no after-what, an unnamed verdict', () => {
    draw(
      {
        connection: 'request',
        outcome: 'reset',
        phase: 'request',
        timeline: [
          { at: 5, direction: 'sent', what: 'SYN' },
          { at: 6, direction: 'received', what: 'SA', ttl: 61 },
          { at: 6.2, direction: 'sent', what: 'sent 80 bytes' },
          { at: 6.5, direction: 'received', what: 'RA', ttl: 61 },
        ],
      },
      [{ origin: 'server', ttl: 61 }],
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Timeline of connection “request” (reset during request): SYN sent at +0 ms; SYN-ACK received at +1 ms, TTL 61; ' +
        'Request sent (80 bytes) sent at +1.2 ms; RST (reset) received at +1.5 ms, TTL 61. The reset (TTL 61) came from the server.',
    );
    expect(screen.queryByText('After what')).toBeNull();
    expect(screen.queryByRole('table', { name: /^Signals/ })).toBeNull();
    expect(screen.getByText('The reset (TTL 61) came from the server.')).toBeTruthy();
  });
});

const HOPS: HopRead[] = [1, 2, 3, 4].map((ttl) => ({
  ttl,
  address: ttl === 3 ? null : `198.18.${ttl}.1`,
  rttMs: ttl === 3 ? null : ttl * 0.2,
  lossPercent: ttl === 3 ? 100 : 0,
}));

const REPLAY = {
  connection: 'request',
  trigger: 'http-request',
  triggerText: 'GET /blocked HTTP/1.1 (Host web.lab.test)',
  attempts: [
    { ttl: 1, payload: 'trigger', outcome: 'time-exceeded', from: '198.18.1.1', rstTtl: null, ms: 0.3 },
    { ttl: 2, payload: 'trigger', outcome: 'time-exceeded', from: '198.18.2.1', rstTtl: null, ms: 0.5 },
    { ttl: 3, payload: 'trigger', outcome: 'reset', from: '198.18.4.2', rstTtl: 62, ms: 0.7 },
    { ttl: 4, payload: 'control', outcome: 'answered', from: '198.18.4.2', rstTtl: null, ms: 0.9 },
  ],
  lastPassingTtl: 2,
  firstResetTtl: 3,
  controlOutcome: 'answered',
  hop: 3,
  hopAddress: null,
  verdict: 'located',
  reason: 'The request is reset from TTL 3 on: hop 3 resets it',
};

describe('Reset hop', () => {
  it('marks the resetting hop on the traceroute in words, even a hop that does not answer', () => {
    render(TracerouteChart, { props: { hops: HOPS, resetHop: 3 } });
    const picture = screen.getByRole('img');
    expect(picture.getAttribute('aria-label')).toContain(
      'hop 3: no answer (*); hop 4: 198.18.4.1, 0.8 ms, no loss. Hop 3 resets the connection: replays of the triggering bytes were reset from this TTL on.',
    );
    expect(picture.querySelector('.blamed-mark')?.textContent).toBe('▼ resets here');
    expect(screen.getByText(/Marked “resets here”: hop 3/)).toBeTruthy();
    expect(screen.getAllByRole('row')[3]!.textContent).toContain('3 (resets here)');
  });

  it('lists each replay by TTL under the finding, the first reset marked', () => {
    render(ResetHopResult, { props: { result: decodeResetHop(REPLAY)!, hops: HOPS } });
    expect(screen.getByText('The request is reset from TTL 3 on: hop 3 resets it')).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Replays of the triggering bytes, TTL by TTL' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      [
        '1',
        'the triggering bytes',
        'ICMP time exceeded: expired before anything reset it',
        '198.18.1.1',
        '',
        '0.3 ms',
      ],
      [
        '2',
        'the triggering bytes',
        'ICMP time exceeded: expired before anything reset it',
        '198.18.2.1',
        '',
        '0.5 ms',
      ],
      ['3', 'the triggering bytes', 'RST came back', '198.18.4.2', '62', '0.7 ms'],
      ['4', 'control (harmless bytes)', 'answered by the server', '198.18.4.2', '', '0.9 ms'],
    ]);
    expect(rows[2]!.classList.contains('first-reset')).toBe(true);
    expect(screen.getAllByRole('img')).toHaveLength(1);
  });

  it('draws no traceroute when no hop was located, and still lists what the replays met', () => {
    render(ResetHopResult, {
      props: {
        result: decodeResetHop({
          ...REPLAY,
          hop: null,
          firstResetTtl: null,
          verdict: 'not-reproduced',
          reason: 'No replay was reset',
          attempts: REPLAY.attempts.map((a) => ({ ...a, outcome: 'silent', rstTtl: null })),
        })!,
        hops: HOPS,
      },
    });
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.queryByText('Device sits')).toBeNull();
    expect(within(screen.getByRole('table')).getAllByText('no answer')).toHaveLength(4);
  });
});
