import type { StepId } from '../../shared/step-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { EngineIo } from '../net/engine-io.js';
import type { PacketCapture } from '../net/capture-types.js';

export interface RunOptions {
  /** What the person typed: host, host:port, [v6]:port or URL. */
  target: string;
  errorText: string | null;
  logFile: string | null;
  /** Longest idle gap to test, in seconds; null keeps the idle test off. */
  idleMaxSeconds: number | null;
  /** Parallel connections for the concurrency probe; 0 disables it. */
  concurrency: number;
  /** How long to wait for any one network answer (connect, reply, response), in seconds. */
  timeoutSeconds: number;
  /** The steps to run; the others are reported as skipped. */
  steps: StepId[];
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
