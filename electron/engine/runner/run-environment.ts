import type { RunOptionsInfo } from '../../shared/report-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { EngineIo } from '../net/engine-io.js';
import type { PacketCapture } from '../net/capture-types.js';

/** What a run was asked to do; the report keeps all of it but the target (which it records parsed). */
export interface RunOptions extends RunOptionsInfo {
  /** What the person typed: host, host:port, [v6]:port or URL. */
  target: string;
}

export interface Privileges {
  /** Raw sockets can be opened: ICMP through net-ping, packet capture. */
  raw: boolean;
  /** What a person reads: how the privilege came, or how to grant it. */
  note: string;
}

/** Everything a probe may use. Tests build one with fake I/O to replay a scenario. */
export interface RunEnvironment {
  options: RunOptions;
  target: TargetInfo;
  privileges: Privileges;
  io: EngineIo;
  /** Started by the runner when raw sockets are allowed; null otherwise. */
  capture: PacketCapture | null;
  /** Milliseconds since the run started, sub-millisecond precision; shared by probes and capture. */
  now(): number;
}
