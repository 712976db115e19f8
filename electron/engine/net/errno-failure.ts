import type { FailureCode, FailureInfo } from '../../shared/failure-info.js';

const BY_ERRNO: Record<string, FailureCode> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  ETIMEDOUT: 'generic_timeout',
  EHOSTUNREACH: 'host_unreachable',
  EHOSTDOWN: 'host_unreachable',
  ENETUNREACH: 'network_unreachable',
  ENETDOWN: 'network_unreachable',
  EPERM: 'operation_not_permitted',
  EACCES: 'operation_not_permitted',
  EADDRNOTAVAIL: 'address_not_available',
  ENOTFOUND: 'dns_nxdomain',
  ENODATA: 'dns_no_answer',
  EAI_AGAIN: 'dns_server_failure',
  ESERVFAIL: 'dns_server_failure',
  ECONNREFUSED_DNS: 'dns_server_failure',
  ENOENT: 'tool_missing',
  ABORT_ERR: 'cancelled',
};

const MESSAGES: Partial<Record<FailureCode, string>> = {
  connection_refused: 'connection refused (the SYN was answered with a reset)',
  connection_reset: 'connection reset by peer',
  generic_timeout: 'no answer before the timeout',
  host_unreachable: 'host unreachable (an ICMP unreachable came back)',
  network_unreachable: 'network unreachable (no route)',
  operation_not_permitted: 'operation not permitted (a local firewall rule refused to send)',
  address_not_available: 'address not available on this machine',
  cancelled: 'cancelled',
};

const LOCAL_CODES: FailureCode[] = ['operation_not_permitted', 'address_not_available'];

/** Maps a Node.js system error to the failure taxonomy, with a one-line message. */
export function failureFromError(error: unknown): FailureInfo {
  const err = error as NodeJS.ErrnoException | undefined;
  const errno = typeof err?.code === 'string' ? err.code : '';
  if (err?.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' };
  if (errno.startsWith('ERR_SSL') || errno === 'EPROTO' || /SSL|TLS/i.test(err?.message ?? '')) {
    return { code: 'tls_handshake_failure', message: `TLS handshake failed: ${firstLine(err?.message)}` };
  }
  const code = BY_ERRNO[errno] ?? 'unknown_failure';
  const words = MESSAGES[code];
  // What this machine refused is named by its errno too, so it can be looked up: EPERM, EADDRNOTAVAIL.
  if (words) return { code, message: LOCAL_CODES.includes(code) && errno ? `${words} (${errno})` : words };
  const message = firstLine(err?.message);
  return { code, message: errno && !message.includes(errno) ? `${errno}: ${message}` : message };
}

export function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n', 1)[0]!.trim();
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory, not a regular file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EROFS: 'a read-only file system',
  ENOSPC: 'no space left on the device',
  EIO: 'input/output error',
};

/** A file system error in a few words ("no such file"), for a one-line message that names the file. */
export function fileErrorWords(error: unknown): string {
  const err = error as NodeJS.ErrnoException | undefined;
  const code = typeof err?.code === 'string' ? err.code : null;
  if (code !== null) return FILE_ERRORS[code] ?? code;
  return firstLine(err?.message);
}
