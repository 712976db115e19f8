import { platform } from 'node:os';
import type { Report } from '../shared/report-info.js';
import { REPORT_SCHEMA_ID } from '../shared/report-info.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { diagnose } from './diagnosis/diagnose.js';
import type { EngineIo } from './net/engine-io.js';
import type { PacketCapture } from './net/capture-types.js';
import { createNetPingIo } from './net/net-ping-io.js';
import { nodeDnsIo } from './net/node-dns-io.js';
import { canOpenRawSockets, startPacketCapture } from './net/node-packet-capture.js';
import { nodeSystemIo } from './net/node-system-io.js';
import { createNodeTcpIo } from './net/node-tcp-io.js';
import { createSystemPingIo } from './net/system-ping-io.js';
import { parseTarget } from './parsers/target-parser.js';
import { runChecklist } from './runner/run-checklist.js';
import type { Privileges, RunEnvironment, RunOptions } from './runner/run-environment.js';
import type { StepDefinition } from './runner/step-types.js';
import { CHECKLIST } from './steps/checklist.js';
import { TOOL_NAME, TOOL_VERSION } from './tool-version.js';

export interface DiagnosisRun {
  options: RunOptions;
  emit: (event: RunEvent) => void;
  signal: AbortSignal;
  /** Tests pass recorded I/O here; by default the real network is used. */
  io?: EngineIo;
  capture?: PacketCapture | null;
  privileges?: Privileges;
  steps?: StepDefinition[];
  runId?: string;
}

/** Runs the whole checklist for one target and returns the report. Throws TargetError for a bad target. */
export async function runDiagnosis(run: DiagnosisRun): Promise<Report> {
  const target = parseTarget(run.options.target);
  const clockStart = process.hrtime.bigint();
  const now = () => Number(process.hrtime.bigint() - clockStart) / 1e6;
  const startedAt = new Date().toISOString();
  const privileges = run.privileges ?? detectPrivileges();
  const io = run.io ?? (await realIo(privileges, now));
  const capture = run.capture !== undefined ? run.capture : privileges.raw ? startPacketCapture(now) : null;
  const env: RunEnvironment = { options: run.options, target, privileges, io, capture, now };
  try {
    const result = await runChecklist({
      env,
      steps: run.steps ?? CHECKLIST,
      emit: run.emit,
      signal: run.signal,
      ...(run.runId ? { runId: run.runId } : {}),
    });
    const addresses = result.steps.flatMap((s) => s.probes).find((p) => p.id === 'dns')?.data as {
      addresses?: { address: string }[];
    } | null;
    const report: Report = {
      schema: REPORT_SCHEMA_ID,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      target: {
        input: target.input,
        scheme: target.scheme,
        host: target.host,
        port: target.port,
        addresses: addresses?.addresses?.map((a) => a.address) ?? [],
      },
      startedAt,
      finishedAt: new Date().toISOString(),
      cancelled: result.cancelled,
      environment: {
        platform: platform(),
        privileged: privileges.raw,
        privilegeNote: privileges.note,
        nodeVersion: process.version,
      },
      options: {
        errorText: run.options.errorText,
        logFile: run.options.logFile,
        idleMaxSeconds: run.options.idleMaxSeconds,
        concurrency: run.options.concurrency,
        timeoutSeconds: run.options.timeoutSeconds,
        steps: run.options.steps,
      },
      steps: result.steps,
      diagnosis: diagnose(result.results, target),
    };
    run.emit({ type: 'run-finished', runId: result.runId, report });
    return report;
  } finally {
    capture?.close();
    io.icmp?.close();
  }
}

export function detectPrivileges(): Privileges {
  if (canOpenRawSockets()) {
    return {
      raw: true,
      note: process.getuid?.() === 0 ? 'Running as root.' : 'Raw sockets allowed (CAP_NET_RAW).',
    };
  }
  const how =
    platform() === 'win32'
      ? 'Run Reset Doctor as Administrator for ICMP through raw sockets and packet capture.'
      : 'Run with sudo, or grant the capability once: sudo setcap cap_net_raw+ep "$(command -v node)".';
  return { raw: false, note: how };
}

async function realIo(privileges: Privileges, now: () => number): Promise<EngineIo> {
  let icmp = null;
  if (privileges.raw) icmp = createNetPingIo();
  else {
    const ping = await nodeSystemIo.which('ping');
    if (ping) icmp = createSystemPingIo(nodeSystemIo, ping);
  }
  return { dns: nodeDnsIo, icmp, tcp: createNodeTcpIo(now), system: nodeSystemIo };
}
