import type { CauseId } from '../../shared/cause-info.js';

/** Concrete remedies from the checklist's solutions, per cause; findings may add specific ones first. */
export const REMEDIES: Record<CauseId, string[]> = {
  healthy: [
    'If the reset is intermittent, run the diagnosis again when it happens, with the idle test on (--idle-max in the CLI) to test connections that sit idle.',
    'Make the client retry idempotent requests with exponential backoff and jitter, so a rare reset does not fail the operation.',
  ],
  'dns-failure': [
    'Check the name for typos and that the record exists: `dig NAME` or `nslookup NAME` against the resolver the application uses.',
    "If the resolver fails or times out, check /etc/resolv.conf (or the OS DNS settings) and the DNS server's health.",
  ],
  'host-unreachable': [
    'Check the route: the router that answers "unreachable" (or the last hop that answers) is where the path ends.',
    'Confirm the host is up and its address is right; ask the network team about routes and VPN/tunnel state.',
  ],
  'port-closed': [
    'Start the service, or point the client at the port it really listens on (`ss -ltnp` on the server).',
    'If the service restarts often, add a health check and monitoring, and make clients retry with backoff.',
  ],
  'firewall-drop': [
    'Find the firewall rule that drops the traffic (the hop where answers stop, or the local rule named) and allow the port.',
    'Set client connect timeouts short enough (a few seconds) that a silent drop fails fast instead of hanging.',
  ],
  'firewall-reset': [
    'Ask the owner of the device that sends the reset (the hop named) to allow this traffic; IDS/IPS and DPI rules often match on content or SNI.',
    'If the rule is on this machine, change it or add an exception for the application.',
  ],
  'server-reset': [
    'Look at the server: TCP wrappers, an accept filter, a proxy with no healthy upstream, or a listen backlog overflow reset fresh connections.',
    "Check the server's logs at the time of the reset and its connection limits; make clients retry with backoff.",
  ],
  'application-error': [
    "Read the server application's logs at the time of the reset: the request is what makes it abort the connection.",
    'Fix the handler that fails (an exception that aborts the socket, a request-size limit, a protocol mismatch); add monitoring and alerts on resets.',
  ],
  'idle-timeout': [
    'Find which side forgets idle connections (the idle test says: the server closes them by itself, a middlebox only resets the next packet), then keep connections from idling that long, with a margin.',
    "Against a firewall, NAT or load balancer: TCP keep-alive more often than its timeout (SO_KEEPALIVE with a short TCP_KEEPIDLE, or net.ipv4.tcp_keepalive_time for sockets that enable it), or raise the device's idle timeout.",
    "Against the server's own idle timeout, and as a second guard against a middlebox: set the client pool's idle timeout below it (Node http.Agent `timeout`, Go http.Transport `IdleConnTimeout`, Java HttpClient `jdk.httpclient.keepalive.timeout`, nginx upstream `keepalive_timeout`; Python urllib3 has none, so use retries). TCP keep-alive does not reset a server's idle timer.",
    'Make clients retry an idempotent request once when a reused connection is reset.',
  ],
  'server-crash': [
    'Find why the server process died: its logs, `journalctl -u SERVICE`, the kernel log for the OOM killer or segfaults.',
    'Run more than one instance behind a load balancer with health checks, and make clients retry idempotent requests with backoff.',
    'Add monitoring that alerts on restarts and on connection resets.',
  ],
  'packet-loss': [
    "Find where the loss starts (the first hop whose loss carries on to the destination) and report it to that network's owner.",
    'Use retries with backoff and sensible timeouts; check cables, Wi-Fi signal, duplex settings and congested links.',
  ],
  'mtu-blackhole': [
    'Allow ICMP "fragmentation needed" (IPv4 type 3 code 4, IPv6 "packet too big") through the firewalls on the path.',
    'Clamp the TCP MSS on the tunnel or router (`iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`), or lower the interface MTU.',
  ],
  'connection-limit': [
    'Reuse connections: a connection pool with a bounded size instead of one connection per request.',
    'Raise the limit on the server or firewall (max connections, connlimit, listen backlog), or spread the load over more servers with a load balancer.',
  ],
};
