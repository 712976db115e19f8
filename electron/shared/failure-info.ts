/**
 * Named failures, after OONI's taxonomy: every error a probe meets is mapped to one of these, so the
 * diagnosis, the report and the UI never parse free-form error text.
 */
export const FAILURE_CODES = [
  'dns_nxdomain',
  'dns_no_answer',
  'dns_server_failure',
  'dns_timeout',
  'connection_refused',
  'connection_reset',
  'connection_closed',
  'generic_timeout',
  'host_unreachable',
  'network_unreachable',
  'operation_not_permitted',
  'address_not_available',
  'tls_handshake_failure',
  'certificate_invalid',
  'privileges_required',
  'tool_missing',
  'bad_input',
  'cancelled',
  'internal_error',
  'unknown_failure',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export interface FailureInfo {
  code: FailureCode;
  /** One line a person can read; never a stack trace. */
  message: string;
}
