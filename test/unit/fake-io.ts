import type { CapturedPacket, PacketCapture } from '../../electron/engine/net/capture-types.js';
import type { Conversation, ConversationRequest } from '../../electron/engine/net/conversation-types.js';
import {
  NetError,
  type EchoRequest,
  type EchoResult,
  type EngineIo,
  type ReplayRequest,
  type ReplayResult,
} from '../../electron/engine/net/engine-io.js';
import type { RunOptions } from '../../electron/engine/runner/run-environment.js';
import { STEP_IDS } from '../../electron/shared/step-info.js';

/** A recorded scenario: what each kind of I/O answers. Anything not given behaves like a healthy server. */
export interface Scenario {
  addresses?: string[];
  dnsFailure?: NetError;
  echo?: (request: EchoRequest) => Partial<EchoResult>;
  converse?: (request: ConversationRequest, index: number) => Partial<Conversation>;
  packets?: (conversations: Conversation[]) => CapturedPacket[];
  /** TTL-limited replays (raw sockets): present only when the scenario gives an answer for them. */
  replay?: (request: ReplayRequest) => ReplayResult;
}

export const SERVER = '198.18.4.2';
/** The lab client's address: where the fake connections come from. */
export const CLIENT = '198.18.1.2';

let made = 0;

export function conversation(request: ConversationRequest, over: Partial<Conversation> = {}): Conversation {
  const t = Math.random() * 10;
  return {
    id: `c${++made}`,
    address: request.address,
    port: request.port,
    localPort: 40000 + Math.floor(Math.random() * 20000),
    localAddress: CLIENT,
    startedAt: t,
    endedAt: t + 2,
    outcome: 'complete',
    phase: request.readUntil === 'http-response' ? 'transfer' : 'idle',
    failure: null,
    connectMs: 0.4,
    tlsMs: null,
    firstByteMs: request.send ? 1 : null,
    bytesSent: request.send?.length ?? 0,
    bytesReceived: request.readUntil === 'http-response' ? 120 : 0,
    tls: null,
    response:
      request.readUntil === 'http-response'
        ? { statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers: {} }
        : null,
    events: [
      { at: t, kind: 'connect-start' },
      { at: t + 0.4, kind: 'connected' },
    ],
    ...over,
  };
}

export function fakeIo(s: Scenario): { io: EngineIo; capture: PacketCapture | null; made: Conversation[] } {
  const made: Conversation[] = [];
  const io: EngineIo = {
    dns: {
      async lookup() {
        if (s.dnsFailure) throw s.dnsFailure;
        return (s.addresses ?? [SERVER]).map((address) => ({
          address,
          family: address.includes(':') ? 6 : 4,
        }));
      },
    },
    icmp: {
      method: 'fake',
      async echo(request) {
        const over = s.echo?.(request) ?? {};
        const destination = request.ttl === undefined || request.ttl >= 4;
        const base: EchoResult = destination
          ? { kind: 'reply', from: request.address, rttMs: 0.3 }
          : { kind: 'time-exceeded', from: `198.18.${request.ttl}.1`, rttMs: 0.1 * request.ttl! };
        return { ...base, ...over };
      },
      close() {},
    },
    tcp: {
      async converse(request) {
        const c = conversation(request, s.converse?.(request, made.length) ?? {});
        made.push(c);
        return c;
      },
    },
    replay: s.replay ? { replay: async (r) => s.replay!(r), close() {} } : null,
    system: {
      async run(file) {
        throw new NetError({ code: 'tool_missing', message: `${file} is not installed` });
      },
      async which() {
        return null;
      },
    },
  };
  const capture: PacketCapture | null = s.packets
    ? { note: 'fake', watch() {}, packets: () => s.packets!(made), close() {} }
    : null;
  return { io, capture, made };
}

export function options(over: Partial<RunOptions> = {}): RunOptions {
  return {
    target: 'http://web.lab.test/',
    errorText: null,
    logFile: null,
    idleMaxSeconds: null,
    concurrency: 4,
    rateMax: 40,
    timeoutSeconds: 1,
    waitSeconds: 30,
    repeat: 10,
    steps: [...STEP_IDS],
    ...over,
  };
}

export function rst(c: Conversation, ttl: number, flags = 'RA', at = c.endedAt - 0.1): CapturedPacket {
  return {
    at,
    family: 4,
    src: c.address,
    dst: CLIENT,
    ttl,
    ipId: 0,
    tcp: {
      srcPort: c.port,
      dstPort: c.localPort!,
      seq: 0,
      ack: 1,
      flags,
      window: 0,
      optionsLength: 0,
      payloadLength: 0,
    },
  };
}

export function synAck(c: Conversation, ttl: number): CapturedPacket {
  return {
    ...rst(c, ttl, 'SA', c.startedAt + 0.3),
    tcp: { ...rst(c, ttl).tcp!, flags: 'SA', window: 64240, optionsLength: 20 },
  };
}

/** A DNS lookup that waits until its run is cancelled: a run stays in progress until told. */
export const HANGING_DNS: EngineIo['dns'] = {
  lookup: (_host, signal) =>
    new Promise((_resolve, reject) => {
      const stop = () => reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
      if (signal.aborted) stop();
      signal.addEventListener('abort', stop, { once: true });
    }),
};

/** Fake I/O whose runs stay in progress until cancelled (HANGING_DNS). */
export function hangingIo(): EngineIo {
  return { ...fakeIo({}).io, dns: HANGING_DNS };
}
