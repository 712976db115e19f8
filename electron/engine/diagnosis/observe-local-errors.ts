import type { FailureCode } from '../../shared/failure-info.js';
import type { Conversation } from '../net/conversation-types.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Observation } from './observation-types.js';

/** Failures that are the other end's answer (TLS) or the run's own stop: not this machine's doing. */
const NOT_LOCAL: FailureCode[] = ['cancelled', 'tls_handshake_failure', 'certificate_invalid'];

/**
 * Connections that failed on this machine before the network had a say: a socket error the TCP I/O gives
 * no outcome of its own (EINVAL for an IPv6 zone naming no interface, EADDRNOTAVAIL when local ports run
 * out, EMFILE, EPERM from a local rule, anything unknown). Such a connection measured nothing, so the
 * test it belonged to says nothing about the server: a run with one is never healthy. One observation
 * per probe, with the first error's message (it names the errno). The first connect is not repeated here:
 * the connect observation tells it.
 */
export function observeLocalErrors(f: DiagnosisFacts): Observation[] {
  const groups: [probe: string, what: string, connections: Conversation[]][] = [
    ['tcp-connect', 'TCP connect', f.tcp?.attempts.slice(1) ?? []],
    ['request', 'Request', present([f.request?.conversation, f.request?.control])],
    ['request-repeat', 'Repeated requests', f.repeats?.attempts.map((a) => a.conversation) ?? []],
    ['connection-rate', 'New-connection rate', f.rate?.attempts.map((a) => a.conversation) ?? []],
    [
      'concurrency',
      'Concurrency',
      [...(f.concurrency?.connections ?? []), ...(f.concurrency?.retest?.connections ?? [])],
    ],
    ['idle-timeout', 'Idle test', f.idle?.trials.map((t) => t.conversation) ?? []],
  ];
  return groups.flatMap(([probe, what, connections]): Observation[] => {
    const failed = connections.filter(isLocalError);
    const failure = failed[0]?.failure;
    if (!failure) return [];
    return [
      {
        kind: 'local-error',
        probe,
        code: failure.code,
        text: `${what}: ${failed.length} of ${connections.length} connections failed on this machine before reaching the network: ${failure.message}.`,
        figures: {
          code: failure.code,
          message: failure.message,
          failed: failed.length,
          connections: connections.length,
        },
        connections: failed.map((c) => c.id),
      },
    ];
  });
}

function isLocalError(c: Conversation): boolean {
  return c.outcome === 'failed' && c.failure !== null && !NOT_LOCAL.includes(c.failure.code);
}

function present(list: (Conversation | null | undefined)[]): Conversation[] {
  return list.filter((c): c is Conversation => c !== null && c !== undefined);
}
