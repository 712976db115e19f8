import type { QueuedRequest, Session } from 'net-ping';
import raw from 'raw-socket';

const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;
const ICMPV6_ECHO_REQUEST = 128;
// ICMPv6 error header (8) + the invoking packet's IPv6 header (40), then our echo request.
const INVOKING_ECHO_OFFSET = 48;

type SessionInternals = Session & {
  ttl: number | null;
  sessionId: number;
  reqs: Record<number, QueuedRequest & { type?: number; code?: number }>;
  setTTL(ttl: number): void;
  fromBuffer(buffer: Buffer): (QueuedRequest & { type?: number; code?: number }) | null | undefined;
};

/**
 * net-ping 1.2.4 has two IPv6 bugs that break traceroute: it sets the hop limit with IP_TTL at the
 * IPv6 level (a different option there), and it looks for its identifier at the wrong offset in
 * ICMPv6 errors, so "time exceeded" never matches its request. Both are patched on the session.
 */
export function fixIpv6Session(session: Session): void {
  const s = session as SessionInternals;
  s.setTTL = function setTTL(ttl: number) {
    if (s.ttl === ttl) return;
    s.getSocket().setOption(raw.SocketLevel.IPPROTO_IPV6 ?? IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl);
    s.ttl = ttl;
  };
  const original = s.fromBuffer.bind(s);
  s.fromBuffer = (buffer: Buffer) => {
    const type = buffer[0]!;
    if (type < 1 || type > 4) return original(buffer);
    if (buffer.length < INVOKING_ECHO_OFFSET + 8) return undefined;
    const echo = buffer.subarray(INVOKING_ECHO_OFFSET);
    if (echo[0] !== ICMPV6_ECHO_REQUEST || echo.readUInt16BE(4) !== s.sessionId) return undefined;
    const req = s.reqs[echo.readUInt16BE(6)];
    if (!req) return null;
    req.type = type;
    req.code = buffer[1]!;
    return req;
  };
}
