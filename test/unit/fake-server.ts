import type { Conversation, ConversationRequest } from '../../electron/engine/net/conversation-types.js';
import type { TcpIo } from '../../electron/engine/net/engine-io.js';
import type { ProbeContext } from '../../electron/engine/runner/probe-types.js';
import { conversation, SERVER } from './fake-io.js';
import { probeContext } from './probe-context.js';

/** What a server does with one new connection, given what it holds at that moment. */
export type Admit = (state: { now: number; held: number }) => 'accept' | 'refuse' | 'reset' | 'silent';

export interface FakeServer {
  tcp: TcpIo;
  /** Every connection in the order it was opened, with its time on the run clock. */
  opened: { at: number; request: ConversationRequest; conversation: Conversation }[];
  /** The most connections that were open at the same moment (refused ones count for their instant). */
  maxOpen(): number;
}

/**
 * A server on a real clock for the load probes: accepted connections stay open for their holdMs (the
 * promise resolves then, as the Node I/O does), refused ones end at once. Unlike fakeIo's converse it
 * can count what is held at the same time, which is what a connection limit is about.
 */
export function fakeServer(admit: Admit, now: () => number = () => performance.now()): FakeServer {
  const ends: number[] = [];
  const opened: FakeServer['opened'] = [];
  let maxOpen = 0;
  const tcp: TcpIo = {
    converse(request) {
      const at = now();
      const held = ends.filter((end) => end > at).length;
      maxOpen = Math.max(maxOpen, held + 1);
      const verdict = admit({ now: at, held });
      const hold =
        verdict === 'accept' ? (request.holdMs ?? 0) : verdict === 'silent' ? request.connectTimeoutMs : 0;
      const over: Partial<Conversation> =
        verdict === 'accept'
          ? {}
          : verdict === 'refuse'
            ? { outcome: 'refused', phase: 'connect', connectMs: null }
            : verdict === 'reset'
              ? { outcome: 'reset', phase: 'idle' }
              : { outcome: 'timeout', phase: 'connect', connectMs: null };
      const c = conversation(request, { startedAt: at, endedAt: at + hold, ...over });
      ends.push(at + hold);
      opened.push({ at, request, conversation: c });
      return new Promise((resolve) => setTimeout(() => resolve(c), hold));
    },
  };
  return { tcp, opened, maxOpen: () => maxOpen };
}

/** A token bucket like nft's `limit rate over R/second burst B packets`: refusals past the rate. */
export function tokenBucket(ratePerSecond: number, burst: number): Admit {
  let tokens = burst;
  let last: number | null = null;
  return ({ now }) => {
    if (last !== null) tokens = Math.min(burst, tokens + ((now - last) * ratePerSecond) / 1000);
    last = now;
    if (tokens < 1) return 'refuse';
    tokens -= 1;
    return 'accept';
  };
}

/** The single connection that worked before a load test: plain HTTP to the lab server, held open. */
export const HELD_REQUEST: ConversationRequest = {
  address: SERVER,
  port: 80,
  family: 4,
  readUntil: 'hold',
  connectTimeoutMs: 1000,
  responseTimeoutMs: 1000,
};

/**
 * A load probe's context against fakeServer(admit): web.lab.test over HTTP, its DNS answer and one held
 * connection that worked; `data` adds or replaces what earlier probes found.
 */
export function loadProbeContext(
  admit: Admit,
  options: Record<string, unknown>,
  data: Record<string, unknown> = {},
): { ctx: ProbeContext; server: FakeServer } {
  const server = fakeServer(admit);
  const ctx = probeContext(
    {
      options,
      target: { scheme: 'http', port: 80, hostAscii: 'web.lab.test', ipVersion: null },
      io: { tcp: server.tcp },
      now: () => performance.now(),
    },
    {
      dns: { addresses: [{ address: SERVER, family: 4 }] },
      'tcp-connect': { attempts: [conversation(HELD_REQUEST)] },
      ...data,
    },
  );
  return { ctx, server };
}
