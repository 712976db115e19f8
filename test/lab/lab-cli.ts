import { resolve } from 'node:path';
import type { Report } from '../../electron/shared/report-info.js';
import type { Lab } from './lab-topology.js';
import { REPO_ROOT } from './lab-topology.js';

export const CLI = resolve(REPO_ROOT, 'dist/electron/cli/reset-doctor.js');

/**
 * The built CLI, or with RESET_DOCTOR_LAB_SOURCE=1 the TypeScript sources through tsx: quicker while
 * working on a probe, and several people can try the lab without rebuilding one shared dist/.
 */
export function cliCommand(): string[] {
  return process.env.RESET_DOCTOR_LAB_SOURCE === '1'
    ? [process.execPath, '--import', 'tsx', resolve(REPO_ROOT, 'electron/cli/reset-doctor.ts')]
    : [process.execPath, CLI];
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI inside the lab's client namespace: its routes lead only into the lab. */
export async function runCli(lab: Lab, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  const started = performance.now();
  const [file, ...cli] = cliCommand();
  const result = await lab.exec(lab.names.client, file!, [...cli, ...args], { timeoutMs });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

export async function diagnoseJson(
  lab: Lab,
  target: string,
  args: string[] = [],
): Promise<{ run: CliRun; report: Report }> {
  const run = await runCli(lab, ['diagnose', target, '--json', ...args]);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`the CLI did not print JSON (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  }
  return { run, report };
}
