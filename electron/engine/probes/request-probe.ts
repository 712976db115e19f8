import type { Conversation, SocketState } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase, exchangeFor, headRequest } from './conversation-helpers.js';
import { pathMtuProbe } from './path-mtu-probe.js';
import { anySignal, ms, NO_ADDRESS, targetAddress } from './probe-helpers.js';

export interface RequestData {
  protocol: 'http' | 'https' | 'tcp';
  requestLine: string | null;
  conversation: Conversation;
  /** How long an acknowledged request may wait for its answer (--wait). */
  waitSeconds: number;
  /**
   * A HEAD of the same URL, sent when the request stalled on a path whose MTU is below the local one:
   * a small answer that arrives while the large one does not points at the size, not the server.
   */
  control: Conversation | null;
}

/**
 * A reset or close that comes this long after the request, with nothing received, is a cut-off (a
 * timer ran out somewhere) rather than an answer to the request's bytes: handlers that reject a request
 * do so within milliseconds, timeouts are set in seconds.
 */
export const CUTOFF_MIN_MS = 1000;

/**
 * The request the application makes, once, waiting as long as a slow server needs: up to --wait while
 * the socket says the server acknowledged it, but only until it is clear the bytes are dropped
 * (retransmitted, never acknowledged). Side effects: one connection and one request to the target.
 */
export const requestProbe: ProbeDefinition<RequestData> = {
  id: 'request',
  title: 'Reproduce the request',
  async run(ctx) {
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const { target, options } = ctx.env;
    const exchange = exchangeFor(target);
    const waitSeconds = options.waitSeconds;
    const stop = new AbortController();
    const signal = anySignal(ctx.signal, stop.signal);
    const live = liveWait(ctx, waitSeconds);
    const main = ctx.env.io.tcp.converse(
      {
        ...conversationBase(ctx, address),
        ...exchange,
        answerWaitMs: waitSeconds * 1000,
        stopWaiting: stop.signal,
        onSocketState: live.state,
      },
      ctx.signal,
    );
    const control = sizeControl(ctx, address, main, stop, signal);
    const conversation = await main.finally(live.stop);
    stop.abort();
    const data: RequestData = {
      protocol: target.scheme,
      requestLine: exchange.send ? exchange.send.split('\r\n', 1)[0]! : null,
      conversation,
      waitSeconds,
      control: await control,
    };
    return { status: 'complete', summary: summarize(data), assessment: assess(conversation), data };
  },
};

/** Progress once a second while the answer is awaited, so a person sees a slow server being waited for. */
function liveWait(ctx: ProbeContext, waitSeconds: number) {
  let acked = false;
  let seconds = 0;
  const timer = setInterval(() => {
    seconds++;
    const why = acked ? ': the server acknowledged the request and is processing it' : '';
    ctx.progress(
      `waiting for the answer, ${seconds} s of at most ${waitSeconds} s${why}`,
      seconds / waitSeconds,
    );
  }, 1000);
  return {
    state: (s: SocketState) => {
      acked ||= s.unacked === 0;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * On a path narrower than the local MTU, a request whose answer does not come may be stuck on its
 * full-size segments rather than on a slow server: after --timeout without an answer, ask for the head
 * alone. If that small answer comes, waiting longer for the large one tells nothing more.
 */
async function sizeControl(
  ctx: ProbeContext,
  address: { address: string; family: 4 | 6 },
  main: Promise<Conversation>,
  stop: AbortController,
  signal: AbortSignal,
): Promise<Conversation | null> {
  const mtu = ctx.results.data(pathMtuProbe);
  const narrow = mtu?.verdict === 'blackhole' || mtu?.verdict === 'pmtud-works';
  if (!narrow || ctx.env.target.scheme === 'tcp') return null;
  const timeoutMs = ctx.env.options.timeoutSeconds * 1000;
  const done = await Promise.race([
    main.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
  ]);
  if (done || signal.aborted) return null;
  const control = await ctx.env.io.tcp.converse(
    {
      ...conversationBase(ctx, address),
      send: headRequest(ctx.env.target),
      readUntil: 'http-response',
      // The first bytes of the head are the answer; a HEAD has no body to wait for.
      maxResponseBytes: 1,
    },
    signal,
  );
  if (control.outcome === 'complete') stop.abort();
  return control;
}

function assess(c: Conversation): 'ok' | 'warn' | 'fail' {
  if (c.outcome !== 'complete') return 'fail';
  if ((c.response?.statusCode ?? 0) >= 500 || (c.tls && !c.tls.authorized)) return 'warn';
  return 'ok';
}

/** Seconds from the request going out to the end of the connection. */
export function afterSendMs(c: Conversation): number {
  const sent = c.events.find((e) => e.kind === 'sent')?.at ?? c.startedAt;
  return c.endedAt - sent;
}

function summarize({ protocol, conversation: c, waitSeconds, control }: RequestData): string {
  const tls = c.tls
    ? ` over ${c.tls.protocol} (${c.tls.cipher})${c.tls.certificateError ? `, certificate problem: ${c.tls.certificateError}` : ''}`
    : '';
  const after = `${(afterSendMs(c) / 1000).toFixed(1)} s after the request went out`;
  switch (c.outcome) {
    case 'complete':
      if (protocol === 'tcp')
        return `Connection held open${c.bytesReceived ? `, ${c.bytesReceived} bytes of banner` : ''}, no reset${tls}`;
      return `${c.response?.statusLine ?? 'response'} after ${ms(c.firstByteMs ?? 0)}, ${c.bytesReceived} bytes${tls}`;
    case 'reset':
      return `Connection reset during ${c.phase}, ${after}, with ${c.bytesSent} bytes sent and ${c.bytesReceived} received${tls}`;
    case 'refused':
      return 'The connection was refused (reset answering the SYN)';
    case 'closed':
      return `The server closed the connection during ${c.phase}, ${after} (${c.bytesReceived} bytes received)`;
    case 'timeout': {
      const why = silenceWords(c, waitSeconds, control);
      return `No answer during ${c.phase} (${c.bytesSent} bytes sent, ${c.bytesReceived} received): ${why}${tls}`;
    }
    default:
      return `${c.failure?.message ?? 'failed'} during ${c.phase}`;
  }
}

function silenceWords(c: Conversation, waitSeconds: number, control: Conversation | null): string {
  if (control?.outcome === 'complete')
    return `the head of the same URL came back at once, so the large answer is stuck on the path`;
  const state = c.socketState;
  if (state && state.unacked > 0 && state.retransmits > 0)
    return `the request was never acknowledged (${state.retransmits} retransmissions): its packets are dropped`;
  if (c.events.some((e) => e.kind === 'acked'))
    return `the server acknowledged the request, and nothing came in ${waitSeconds} s`;
  return c.failure?.message ?? 'timed out';
}
