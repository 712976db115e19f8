import { describe, expect, it } from 'vitest';
import type { ReplayRequest, ReplayResult } from '../net/engine-io.js';
import { parseTarget } from '../parsers/target-parser.js';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { resetHopProbe } from './reset-hop-probe.js';

const SERVER = '198.18.4.2';

/** A path of `hops` routers where a device after router `device` resets bytes containing `word`. */
function path(hops: number, device: number, word: string, rstTtl: (device: number) => number | null) {
  const sent: ReplayRequest[] = [];
  const replay = {
    async replay(r: ReplayRequest): Promise<ReplayResult> {
      sent.push(r);
      const text = Buffer.from(r.payload).toString('latin1');
      if (r.ttl > device && text.includes(word))
        return { outcome: 'reset', from: SERVER, rstTtl: rstTtl(device), ms: 0.3 };
      if (r.ttl <= hops)
        return { outcome: 'time-exceeded', from: `198.18.${r.ttl}.1`, rstTtl: null, ms: 0.1 };
      return { outcome: 'answered', from: SERVER, rstTtl: null, ms: 0.5 };
    },
    close() {},
  };
  return { replay, sent };
}

function context(
  target: string,
  replay: unknown,
  over: {
    phase?: string;
    origin?: string;
    outcome?: string;
    connection?: string;
    role?: string;
    closes?: object[];
  } = {},
) {
  return probeContext(
    {
      io: { replay },
      target: parseTarget(target),
      options: { timeoutSeconds: 1 },
    },
    {
      dns: { addresses: [{ address: SERVER, family: 4 }] },
      request: {
        conversation: {
          outcome: over.outcome ?? 'reset',
          phase: over.phase ?? 'request',
          startedAt: 0,
          endedAt: 5,
          events: [],
        },
      },
      'reset-origin': {
        reference: { hopsAway: 3, ttl: 61, source: 'syn-ack' },
        resets: [
          {
            connection: over.connection ?? 'request',
            role: over.role ?? 'request',
            origin: over.origin ?? 'path',
            hop: (over.origin ?? 'path') === 'path' ? 2 : null,
            confidence: 0.8,
            reason: 'TTL',
          },
        ],
        closes: over.closes ?? [],
      },
      traceroute: {
        destinationHop: 4,
        hops: [1, 2, 3, 4].map((ttl) => ({ ttl, address: `198.18.${ttl}.1` })),
      },
    },
  );
}

describe('reset-hop probe', () => {
  it.each([1, 2, 3])('places a keyword resetter in router %i forward path at that hop', async (device) => {
    const { replay, sent } = path(3, device, 'forbidden', (d) => 64 - (d - 1));
    const { data } = completed(await resetHopProbe.run(context('http://web.lab.test/forbidden', replay)));
    expect(data.verdict).toBe('located');
    expect(data.hop).toBe(device);
    expect(data.firstResetTtl).toBe(device + 1);
    expect(data.hopAddress).toBe(`198.18.${device}.1`);
    expect(data.controlOutcome).not.toBe('reset');
    // Stops at the first reset: no TTL beyond it is tried with the trigger.
    expect(sent.filter((r) => Buffer.from(r.payload).includes('forbidden')).map((r) => r.ttl)).toEqual(
      Array.from({ length: device + 1 }, (_, i) => i + 1),
    );
    expect(data.reason).toContain(`between hop ${device} (198.18.${device}.1) and hop ${device + 1}`);
  });

  it('trusts the RST TTL when it names the far end (a device at the next router ingress)', async () => {
    const { replay } = path(3, 1, 'forbidden', () => 63);
    const { data } = completed(await resetHopProbe.run(context('http://web.lab.test/forbidden', replay)));
    expect(data.hop).toBe(2);
  });

  it('without a RST TTL (IPv6) blames the last hop that forwarded the bytes', async () => {
    const { replay } = path(3, 2, 'forbidden', () => null);
    const outcome = completed(await resetHopProbe.run(context('http://web.lab.test/forbidden', replay)));
    const { data } = outcome;
    expect(outcome.summary).toContain('at or just after hop 2 (198.18.2.1)');
    expect(data.hop).toBe(2);
    expect(data.exact).toBe(false);
    expect(data.reason).toContain('no usable TTL');
  });

  it('says "any data" when the harmless control is reset at the same TTL', async () => {
    const { replay } = path(3, 2, '', (d) => 64 - (d - 1));
    const { data } = completed(await resetHopProbe.run(context('http://web.lab.test/x', replay)));
    expect(data.verdict).toBe('any-data');
    expect(data.controlOutcome).toBe('reset');
  });

  it('replays the ClientHello with its SNI for a reset during TLS, and a ClientHello without SNI as control', async () => {
    const { replay, sent } = path(3, 2, 'blocked.lab.test', (d) => 64 - (d - 1));
    const ctx = context('https://blocked.lab.test/', replay, { phase: 'tls' });
    const { data } = completed(await resetHopProbe.run(ctx));
    expect(data.trigger).toBe('tls-client-hello');
    expect(data.triggerText).toContain('SNI blocked.lab.test');
    expect(data.hop).toBe(2);
    expect(Buffer.from(sent.at(-1)!.payload).includes('blocked.lab.test')).toBe(false);
    expect(Buffer.from(sent.at(-1)!.payload)[0]).toBe(0x16);
  });

  it('reports not-reproduced when the replayed bytes reach the server untouched', async () => {
    const { replay } = path(3, 2, 'never-there', () => 63);
    const { data } = completed(await resetHopProbe.run(context('http://web.lab.test/x', replay)));
    expect(data.verdict).toBe('not-reproduced');
    expect(data.hop).toBeNull();
    expect(data.attempts.at(-1)!.outcome).toBe('answered');
  });

  it("not reproduced, beside a reset the capture placed at hop 2: the hop is said to come from the reset's TTL", async () => {
    const { replay } = path(3, 2, 'never-there', () => 63);
    const outcome = completed(await resetHopProbe.run(context('http://web.lab.test/x', replay)));
    expect(outcome.summary).toBe(
      'The reset did not happen again when the bytes were replayed: hop 2 comes from the TTL of the reset on “request” (see "Who sent the reset"), not from these replays',
    );
  });

  it('a request that was not reset, beside a reset from hop 2 on another connection: skipped, saying where hop 2 comes from', async () => {
    const { replay } = path(3, 2, 'x', () => 63);
    const ctx = context('http://web.lab.test/x', replay, {
      outcome: 'complete',
      connection: 'idle #1',
      role: 'idle',
    });
    const outcome = await resetHopProbe.run(ctx);
    expect(outcome.status === 'skipped' && outcome.reason).toBe(
      'the request itself was not reset here, so there are no bytes to replay; hop 2 comes from the TTL of the reset on “idle #1” (see "Who sent the reset")',
    );
    const alone = await resetHopProbe.run(
      context('http://web.lab.test/x', replay, { outcome: 'complete', origin: 'server' }),
    );
    expect(alone.status === 'skipped' && alone.reason).toBe(
      'the request was not reset: there is no reset to locate',
    );
    // A request cut off by a FIN from hop 2: its TTL named the hop.
    const fin = { connection: 'request', role: 'request', origin: 'path', hop: 2 };
    const cut = await resetHopProbe.run(
      context('http://web.lab.test/x', replay, { outcome: 'closed', origin: 'server', closes: [fin] }),
    );
    expect(cut.status === 'skipped' && cut.reason).toBe(
      'the request itself was not reset here, so there are no bytes to replay; hop 2 comes from the TTL of the FIN that closed “request” (see "Who sent the reset")',
    );
  });

  it.each([
    ['connect', 'SYN'],
    ['transfer', 'during transfer'],
  ])('skips a reset during %s', async (phase, words) => {
    const { replay } = path(3, 2, 'x', () => 63);
    const outcome = await resetHopProbe.run(context('http://web.lab.test/x', replay, { phase }));
    expect(outcome.status).toBe('skipped');
    expect(outcome.status === 'skipped' && outcome.reason).toContain(words);
  });

  it('skips when the server itself sent the reset, and without raw sockets', async () => {
    const { replay } = path(3, 2, 'x', () => 63);
    const server = await resetHopProbe.run(context('http://web.lab.test/x', replay, { origin: 'server' }));
    expect(server.status === 'skipped' && server.reason).toContain('server itself');
    const none = await resetHopProbe.run(context('http://web.lab.test/x', null));
    expect(none.status === 'skipped' && none.reason).toContain('raw sockets');
    // Skip reasons are shown as plain text: a backtick would show as itself.
    expect(none.status === 'skipped' && none.reason).not.toContain('`');
  });
});
