import { platform } from 'node:os';
import type { Report, StepReport } from '../shared/report-info.js';
import type { DiagnosisNote } from '../shared/cause-info.js';
import type { TargetInfo } from '../shared/target-info.js';
import { REPORT_SCHEMA_ID } from '../shared/report-info.js';
import { pickRunOptions } from '../shared/run-options-info.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { diagnose } from './diagnosis/diagnose.js';
import type { EngineIo } from './net/engine-io.js';
import type { PacketCapture } from './net/capture-types.js';
import { nodeDnsIo } from './net/node-dns-io.js';
import { loadRawNetwork, RAW_SOCKET_GRANT } from './net/raw-network.js';
import { nodeSystemIo } from './net/node-system-io.js';
import { createNodeTcpIo } from './net/node-tcp-io.js';
import { ssSocketStateReader } from './net/socket-state-reader.js';
import { icmpIoFor } from './net/system-ping-io.js';
import { InputError } from './input-error.js';
import { parseTarget } from './parsers/target-parser.js';
import { logFileProblem } from './probes/log-file-check.js';
import { ChecklistRun } from './runner/run-checklist.js';
import type { RunResults } from './runner/probe-types.js';
import type { Privileges, RunEnvironment, RunOptions } from './runner/run-environment.js';
import type { StepId } from '../shared/step-info.js';
import { dnsProbe } from './probes/dns-probe.js';
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

/**
 * One diagnosis of one target: what the run found lives as long as the session, so a step can be run
 * again and read it. The raw sockets and the capture are closed between runs (close()) and opened
 * again for a re-run. Throws InputError (TargetError for the target) for input it cannot use, before
 * anything is sent.
 */
export class DiagnosisSession {
  private report: Report | null = null;
  private open = true;
  private readonly checklist: ChecklistRun;
  private readonly startedAt = new Date().toISOString();

  private constructor(
    private readonly run: DiagnosisRun,
    private readonly env: RunEnvironment,
  ) {
    this.checklist = new ChecklistRun({
      env,
      steps: run.steps ?? CHECKLIST,
      emit: run.emit,
      ...(run.runId ? { runId: run.runId } : {}),
    });
  }

  static async create(run: DiagnosisRun): Promise<DiagnosisSession> {
    const target = parseTarget(run.options.target);
    await checkLogFile(run.options.logFile);
    const clockStart = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - clockStart) / 1e6;
    const privileges = run.privileges ?? (await detectPrivileges());
    const { io, capture } = await openIo(run, privileges, now);
    return new DiagnosisSession(run, { options: run.options, target, privileges, io, capture, now });
  }

  get runId(): string {
    return this.checklist.runId;
  }

  get latestReport(): Report | null {
    return this.report;
  }

  async runAll(signal: AbortSignal): Promise<Report> {
    const result = await this.checklist.runAll(signal);
    return this.finish(result.cancelled);
  }

  async rerun(stepId: StepId, signal: AbortSignal): Promise<Report> {
    if (!this.open) await this.reopen();
    await this.checklist.rerun(stepId, signal);
    return this.finish(signal.aborted);
  }

  /** Closes the raw sockets and the capture; a re-run opens them again. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.env.capture?.close();
    this.env.io.icmp?.close();
    this.env.io.replay?.close();
  }

  /** The probes read the environment when they run: fresh sockets, and a capture that goes on. */
  private async reopen() {
    const before = this.env.capture;
    const { io, capture } = await openIo(this.run, this.env.privileges, this.env.now);
    const addresses = this.checklist.results.data(dnsProbe)?.addresses.map((a) => a.address) ?? [];
    this.env.io = io;
    this.env.capture = capture && capture !== before ? continuedCapture(before, capture, addresses) : capture;
    this.open = true;
  }

  private finish(cancelled: boolean): Report {
    const { target, options, privileges } = this.env;
    this.report = assembleReport({
      target,
      options,
      privileges,
      startedAt: this.startedAt,
      cancelled,
      steps: this.checklist.steps,
      results: this.checklist.results,
    });
    this.run.emit({ type: 'run-finished', runId: this.runId, report: this.report });
    return this.report;
  }
}

export interface ReportParts {
  target: TargetInfo;
  options: RunOptions;
  privileges: Pick<Privileges, 'raw' | 'note'>;
  startedAt: string;
  cancelled: boolean;
  steps: StepReport[];
  results: RunResults;
  /** Probes that never reported, beside those cut short (a helper that died mid-run). */
  neverFinished?: string[];
  /** Said first among the diagnosis' notes: why the run ended early, when not by a cancel. */
  endNote?: DiagnosisNote;
}

/**
 * The report of a run from what it measured: one definition for a run that finished, was cancelled, or
 * lost its engine helper (helper/helper-run-ledger.ts rebuilds the parts from the run's events).
 */
export function assembleReport(parts: ReportParts): Report {
  const { target, options, privileges, steps, results, cancelled } = parts;
  const dns = results.data(dnsProbe);
  const cut = [...unfinished(steps), ...(parts.neverFinished ?? [])];
  const diagnosis = diagnose(results, target, { cancelled, unfinished: cut });
  return {
    schema: REPORT_SCHEMA_ID,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: {
      input: target.input,
      scheme: target.scheme,
      host: target.host,
      port: target.port,
      addresses: dns?.addresses.map((a) => a.address) ?? [],
    },
    startedAt: parts.startedAt,
    finishedAt: new Date().toISOString(),
    cancelled,
    environment: {
      platform: platform(),
      privileged: privileges.raw,
      privilegeNote: privileges.note,
      nodeVersion: process.version,
    },
    options: pickRunOptions(options),
    steps,
    diagnosis: parts.endNote ? { ...diagnosis, notes: [parts.endNote, ...diagnosis.notes] } : diagnosis,
  };
}

/** A log the scan could not read would fail only at the end of a run: say so before it starts. */
async function checkLogFile(path: string | null): Promise<void> {
  if (path === null) return;
  const problem = await logFileProblem(path);
  if (problem !== null) throw new InputError(`log file ${path}: ${problem}`);
}

/** Probes that were cut short, by a cancel or by their step's time running out: what they would have shown is not known. */
function unfinished(steps: Report['steps']): string[] {
  return steps.flatMap((s) =>
    s.probes
      .filter(
        (p) =>
          (p.status === 'failed' &&
            (p.failure?.code === 'cancelled' || p.failure?.code === 'generic_timeout')) ||
          (p.status === 'skipped' && /cancelled|ran out of time/.test(p.skipReason ?? '')),
      )
      .map((p) => p.id),
  );
}

/** Runs the whole checklist for one target and returns the report. Throws InputError for bad input. */
export async function runDiagnosis(run: DiagnosisRun): Promise<Report> {
  const session = await DiagnosisSession.create(run);
  try {
    return await session.runAll(run.signal);
  } finally {
    session.close();
  }
}

/** `grant` says how to get raw sockets where this process runs (the CLI's way by default). */
export async function detectPrivileges(grant: string = RAW_SOCKET_GRANT): Promise<Privileges> {
  const rawNetwork = await loadRawNetwork();
  if ('error' in rawNetwork) {
    return {
      raw: false,
      note: `Raw sockets are unavailable: ${rawNetwork.error}; ICMP goes through the system ping tool.`,
    };
  }
  if (rawNetwork.canOpenRawSockets()) {
    return {
      raw: true,
      note: process.getuid?.() === 0 ? 'Running as root.' : 'Raw sockets allowed (CAP_NET_RAW).',
    };
  }
  const how =
    platform() === 'win32'
      ? 'Run Reset Doctor as Administrator for ICMP through raw sockets and packet capture.'
      : `${grant.charAt(0).toUpperCase()}${grant.slice(1)}.`;
  return { raw: false, note: how };
}

/** The I/O and capture a run was given, or the real ones its privileges allow. */
async function openIo(
  run: DiagnosisRun,
  privileges: Privileges,
  now: () => number,
): Promise<Pick<RunEnvironment, 'io' | 'capture'>> {
  const io = run.io ?? (await realIo(privileges, now));
  const capture = run.capture !== undefined ? run.capture : privileges.raw ? await startCapture(now) : null;
  return { io, capture };
}

/**
 * A capture opened for a re-run that goes on from the closed one: it watches the addresses the run
 * resolved, and its packets follow the earlier ones (the reset forensics read every connection's).
 */
export function continuedCapture(
  before: PacketCapture | null,
  after: PacketCapture,
  addresses: string[],
): PacketCapture {
  const earlier = before?.packets() ?? [];
  after.watch(addresses);
  return {
    note: after.note,
    watch: (more) => after.watch(more),
    packets: () => [...earlier, ...after.packets()],
    close: () => after.close(),
  };
}

async function startCapture(now: () => number) {
  const rawNetwork = await loadRawNetwork();
  return 'error' in rawNetwork ? null : rawNetwork.startPacketCapture(now);
}

async function realIo(privileges: Privileges, now: () => number): Promise<EngineIo> {
  const loaded = privileges.raw ? await loadRawNetwork() : null;
  const rawNetwork = loaded && !('error' in loaded) ? loaded : null;
  const icmp = await icmpIoFor(rawNetwork, nodeSystemIo);
  const replay = rawNetwork?.createTtlReplayIo(now) ?? null;
  // The socket's TCP state tells a request the server is processing from one the path drops, unprivileged.
  const ss = await nodeSystemIo.which('ss');
  const readState = ss ? ssSocketStateReader(nodeSystemIo, ss, now) : null;
  return { dns: nodeDnsIo, icmp, tcp: createNodeTcpIo(now, readState), system: nodeSystemIo, replay };
}
