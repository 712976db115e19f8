export type TargetScheme = 'http' | 'https' | 'tcp';

/** A target as the person typed it, parsed and validated. */
export interface TargetInfo {
  input: string;
  scheme: TargetScheme;
  /** Host as typed (Unicode for internationalized names), without IPv6 brackets. */
  host: string;
  /** Host in the form DNS and sockets use (punycode A-labels). */
  hostAscii: string;
  /** 4 or 6 when the host is an IP literal, otherwise null. */
  ipVersion: 4 | 6 | null;
  port: number;
  /** Request path for http(s); '/' otherwise. */
  path: string;
}
