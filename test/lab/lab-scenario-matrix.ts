/**
 * The scenario matrix, shared by the lab spec and the bench so the rule is written once: every scenario
 * runs four ways (privileged with its own arguments, privileged with the optional tests on, as an
 * ordinary user, and through `serve` as an ordinary user whose engine helper holds raw sockets), and each
 * run is judged right, honest or wrong.
 */
import { renderMarkdown } from '../../electron/engine/report/report-markdown.js';
import { validateReport } from '../../electron/engine/report/report-schema.js';
import type { CauseId, Finding } from '../../electron/shared/cause-info.js';
import { decodeConnections, decodeHops } from '../../electron/shared/probe-data-decode.js';
import { probeDataOf, type Report } from '../../electron/shared/report-info.js';
import { diagnoseJson, diagnoseThroughHelper } from './lab-cli.js';
import type { LabScenario } from './lab-scenario-kit.js';
import type { Lab } from './lab-topology.js';

export const MATRIX_MODES = ['privileged', 'optional', 'unprivileged', 'helper'] as const;
export type MatrixMode = (typeof MATRIX_MODES)[number];

export const MODE_TITLES: Record<MatrixMode, string> = {
  privileged: 'privileged, the scenario’s own arguments',
  optional: 'privileged, every optional test on',
  unprivileged: 'as user nobody, without capabilities',
  helper: 'through serve as user nobody, its engine helper holding raw sockets',
};

/** The idle gap the optional mode adds (the load ramps are on by default): short, so the matrix stays quick. */
export const OPTIONAL_IDLE_MAX = 3;

/** The scenario's own arguments, and in the optional mode the idle test too unless it sets its own. */
export function modeArgs(args: string[], mode: MatrixMode): string[] {
  return mode === 'optional' && !args.includes('--idle-max')
    ? [...args, '--idle-max', String(OPTIONAL_IDLE_MAX)]
    : args;
}

/** How long a run may take: a minute, plus a dozen of the waits it repeats by design, plus its idle gaps. */
export function timeLimitMs(scenario: LabScenario): number {
  return 60_000 + 12_000 * (scenario.waitSeconds ?? 0) + 3_000 * (scenario.idleSeconds ?? 0);
}

export interface ScenarioRun {
  mode: MatrixMode;
  args: string[];
  /** null when the CLI printed no report (a usage error, a crash, killed at the time limit). */
  report: Report | null;
  error: string | null;
  code: number | null;
  ms: number;
}

/** Sets the scenario up in `lab` and runs the CLI on it the mode's way, inside the client namespace. */
export async function runScenario(
  lab: Lab,
  scenario: LabScenario,
  mode: MatrixMode,
  baseArgs: string[] = [],
): Promise<ScenarioRun> {
  const { target, args = [] } = await scenario.setup(lab);
  const all = [...baseArgs, ...modeArgs(args, mode)];
  const started = performance.now();
  try {
    const { run, report } =
      mode === 'helper'
        ? await diagnoseThroughHelper(lab, target, all, { timeoutMs: timeLimitMs(scenario) })
        : await diagnoseJson(lab, target, all, {
            unprivileged: mode === 'unprivileged',
            timeoutMs: timeLimitMs(scenario),
          });
    return { mode, args: all, report, error: null, code: run.code, ms: run.ms };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { mode, args: all, report: null, error, code: null, ms: performance.now() - started };
  }
}

/**
 * right: what the scenario expects. honest (as an ordinary user only): the cause named with the sender
 * left unknown or the hop unplaced, or inconclusive with the cause among the candidates; without capture
 * the sender cannot always be told. wrong: anything else.
 */
export type Outcome = 'right' | 'honest' | 'wrong';

export interface Judgement {
  outcome: Outcome;
  /** Why it is not right (empty when it is). */
  problems: string[];
  /** cause/origin@hop as the report says it, and as the scenario expects it. */
  said: string;
  expected: string;
}

export function describeFinding(cause: CauseId, top: Pick<Finding, 'origin' | 'hop'> | undefined): string {
  return `${cause}/${top?.origin ?? '?'}${top?.hop !== undefined ? `@${top.hop}` : ''}`;
}

export function judge(scenario: LabScenario, run: ScenarioRun, lab: Lab): Judgement {
  const expected = describeFinding(scenario.cause, scenario);
  const report = run.report;
  if (!report) return { outcome: 'wrong', problems: [run.error ?? 'no report'], said: 'no report', expected };
  const top = report.diagnosis.findings[0];
  const said = describeFinding(report.diagnosis.verdict, top);
  const problems = [...reportProblems(report, run.code, lab)];
  if (run.mode === 'unprivileged') {
    const outcome = problems.length ? 'wrong' : unprivilegedOutcome(scenario, report, problems);
    return { outcome, problems, said, expected };
  }
  problems.push(...verdictProblems(scenario, report));
  // Figures and checks are read only under the expected verdict: under another they are noise.
  if (report.diagnosis.verdict === scenario.cause)
    problems.push(...figureProblems(scenario, top), ...(scenario.check?.(report, lab) ?? []));
  return { outcome: problems.length ? 'wrong' : 'right', problems, said, expected };
}

/** A report that fails its schema, or an exit status that contradicts its verdict, is wrong whatever it says. */
function reportProblems(report: Report, code: number | null, lab: Lab): string[] {
  const problems: string[] = [];
  const valid = validateReport(report);
  if (!valid.valid) problems.push(`the report does not match its schema: ${JSON.stringify(valid)}`);
  const verdict = report.diagnosis.verdict;
  // Exit 0 is a healthy run and 1 a problem diagnosed; what an inconclusive run exits with is its own call.
  const exits = verdict === 'healthy' ? [0] : verdict === 'inconclusive' ? [0, 1] : [1];
  if (!exits.includes(code ?? -1)) problems.push(`exit status ${code} for the verdict ${verdict}`);
  return [...problems, ...ticketProblems(report, lab)];
}

/**
 * The Markdown a ticket gets leads with a short summary, names a blamed hop by its address, says which
 * of the lab client's addresses and ports the connection came from, and gives the traceroute as a table
 * (the blamed hop marked) when one ran.
 */
function ticketProblems(report: Report, lab: Lab): string[] {
  const text = renderMarkdown(report);
  const short = text.slice(text.indexOf('## In short'), text.indexOf('**Verdict:'));
  if (!text.includes('## In short') || short.length === 0) return ['the Markdown has no short summary first'];
  const problems: string[] = [];
  const lines = short.trim().split('\n').length;
  if (lines > 14) problems.push(`the Markdown's short summary is ${lines} lines`);
  const top = report.diagnosis.findings[0];
  if (
    top?.origin === 'path' &&
    top.hop !== undefined &&
    !/(?:Who sent the reset|Where it fails): .*, address \S+/.test(short)
  )
    problems.push(`the Markdown's short summary blames hop ${top.hop} without its address`);
  // Whenever a connection opened, its socket had the client's address: a support desk looks it up. (One
  // that never opened, a host unreachable, has none in Node: the ticket then leaves it out.)
  const tried = (decodeConnections(probeDataOf(report, 'packet-capture')) ?? []).some(
    (c) => c.phase !== 'connect',
  );
  const { client4, client6 } = lab.addresses;
  const from = new RegExp(
    `- Between: from (${escaped(client4)}|\\[${escaped(client6)}\\]):\\d+ \\(this machine\\)`,
  );
  if (tried && !from.test(short))
    problems.push(
      `the Markdown's short summary does not say the connection came from ${client4} or ${client6}`,
    );
  problems.push(...tracerouteTableProblems(report, text));
  return problems;
}

/** A traceroute that ran is a table in the Markdown, a row per hop, the verdict's hop marked. */
function tracerouteTableProblems(report: Report, text: string): string[] {
  const hops = decodeHops(probeDataOf(report, 'traceroute'));
  if (!hops) return [];
  const at = text.indexOf('## Traceroute');
  if (at < 0) return ['the traceroute ran, and the Markdown has no traceroute table'];
  const section = text.slice(at, text.indexOf('\n## ', at + 1));
  const rows = section.split('\n').filter((l) => /^\| \d+ +\|/.test(l));
  const problems: string[] = [];
  if (rows.length !== hops.length)
    problems.push(`the Markdown's traceroute table has ${rows.length} rows for ${hops.length} hops`);
  const top = report.diagnosis.findings[0];
  const blamed = top?.origin === 'path' ? top.hop : undefined;
  if (blamed !== undefined && hops.some((h) => h.ttl === blamed)) {
    const marked = rows.filter((r) => r.includes('<- blamed'));
    if (marked.length !== 1 || !new RegExp(`^\\| ${blamed} +\\|`).test(marked[0]!))
      problems.push(`the Markdown's traceroute table does not mark hop ${blamed} alone`);
  }
  return problems;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function verdictProblems(scenario: LabScenario, report: Report): string[] {
  const { verdict } = report.diagnosis;
  const top = report.diagnosis.findings[0];
  if (verdict !== scenario.cause) return [`verdict ${verdict}, expected ${scenario.cause}`];
  if (verdict === 'inconclusive') return candidateProblems(top, scenario.candidate);
  const problems: string[] = [];
  if (top?.origin !== scenario.origin) problems.push(`origin ${top?.origin}, expected ${scenario.origin}`);
  if (scenario.hop !== undefined && top?.hop !== scenario.hop)
    problems.push(`hop ${top?.hop}, expected ${scenario.hop}`);
  if (scenario.phase !== undefined && top?.phase !== scenario.phase)
    problems.push(`phase ${top?.phase}, expected ${scenario.phase}`);
  return problems;
}

/** The measured figures the scenario's fault sets: idle timeout, cut-off, intermittency, MTU direction. */
function figureProblems(scenario: LabScenario, top: Finding | undefined): string[] {
  const problems: string[] = [];
  const near = (what: string, measured: number | undefined, want: number, tolerance: number): void => {
    if (measured === undefined || Math.abs(measured - want) > tolerance)
      problems.push(`${what} ${measured ?? 'not measured'}, expected ${want} ± ${tolerance.toFixed(1)} s`);
  };
  if (scenario.idleSeconds !== undefined)
    near(
      'idle timeout',
      top?.idleTimeoutSeconds,
      scenario.idleSeconds,
      Math.max(1, scenario.idleSeconds * 0.1),
    );
  if (scenario.cutoffSeconds !== undefined)
    near('cut-off', top?.cutoffSeconds, scenario.cutoffSeconds, Math.max(0.5, scenario.cutoffSeconds * 0.1));
  if (scenario.intermittency) {
    const got = top?.intermittency;
    const { pattern, period } = scenario.intermittency;
    if (!got) problems.push('no intermittency measured');
    else {
      if (!(got.failed > 0 && got.failed < got.total))
        problems.push(`intermittency ${got.failed} of ${got.total} failed: not some of them`);
      if (pattern !== undefined && got.pattern !== pattern)
        problems.push(`intermittency pattern ${got.pattern}, expected ${pattern}`);
      if (period !== undefined && got.period !== period)
        problems.push(`intermittency period ${got.period}, expected ${period}`);
    }
  }
  if (scenario.direction !== undefined && top?.direction !== scenario.direction)
    problems.push(`direction ${top?.direction}, expected ${scenario.direction}`);
  return problems;
}

function candidateProblems(top: Finding | undefined, want: CauseId | undefined): string[] {
  return want && !top?.candidates?.includes(want)
    ? [`inconclusive between ${top?.candidates?.join(', ') || 'nothing'}, without ${want}`]
    : [];
}

/**
 * Without capture the sender of a reset cannot always be named: naming the cause with the sender
 * unknown, or saying which causes it cannot tell apart, is honest. A healthy target must stay healthy,
 * or be inconclusive with healthy among the candidates.
 */
function unprivilegedOutcome(scenario: LabScenario, report: Report, problems: string[]): Outcome {
  const { verdict } = report.diagnosis;
  const top = report.diagnosis.findings[0];
  const expectsInconclusive = scenario.cause === 'inconclusive';
  const cause = expectsInconclusive ? scenario.candidate : scenario.cause;
  // A healthy path can look like a one-way MTU black hole once the kernel remembers the path MTU (it
  // takes CAP_NET_ADMIN to forget it): saying "healthy or that" is honest too.
  if (verdict === 'inconclusive') {
    problems.push(...candidateProblems(top, cause));
    return problems.length ? 'wrong' : expectsInconclusive ? 'right' : 'honest';
  }
  if (verdict !== scenario.cause) {
    const or = scenario.cause === 'healthy' || expectsInconclusive ? '' : ` (or inconclusive with ${cause})`;
    problems.push(`verdict ${verdict}, expected ${scenario.cause}${or}`);
    return 'wrong';
  }
  if (scenario.cause === 'healthy') return 'right';
  const hopPlaced = top?.hop !== undefined;
  if (top?.origin !== scenario.origin && top?.origin !== 'unknown')
    problems.push(`origin ${top?.origin}, expected ${scenario.origin} or unknown`);
  if (scenario.hop !== undefined && hopPlaced && top?.hop !== scenario.hop)
    problems.push(`hop ${top?.hop}, expected ${scenario.hop} or none`);
  if (problems.length) return 'wrong';
  const exact = top?.origin === scenario.origin && (scenario.hop === undefined || hopPlaced);
  return exact ? 'right' : 'honest';
}
