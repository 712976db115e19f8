import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildHelperLauncher } from '../../build/build-helper-launcher.mjs';
import { HELPER_BUNDLE } from '../../electron/shared/helper-protocol.js';
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

/**
 * An ordinary user: nobody, no capabilities of its own (setpriv, inside the client namespace), but free to
 * run the setcap'd system ping: how Reset Doctor runs for most people.
 */
export const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Kill the CLI after this long (default 60 s). */
  timeoutMs?: number;
  /** Run as user nobody without capabilities (AS_NOBODY): no raw sockets, no capture. */
  unprivileged?: boolean;
}

/** Runs the built CLI inside the lab's client namespace: its routes lead only into the lab. */
export async function runCli(lab: Lab, args: string[], options: CliOptions = {}): Promise<CliRun> {
  const started = performance.now();
  const command = [...(options.unprivileged ? ['setpriv', ...AS_NOBODY] : []), ...cliCommand(), ...args];
  const result = await lab.exec(lab.names.client, command[0]!, command.slice(1), {
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

export async function diagnoseJson(
  lab: Lab,
  target: string,
  args: string[] = [],
  options: CliOptions = {},
): Promise<{ run: CliRun; report: Report }> {
  const run = await runCli(lab, ['diagnose', target, '--json', ...args], options);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`the CLI did not print JSON (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  }
  return { run, report };
}

const HELPER_DRIVER = resolve(REPO_ROOT, 'test/lab/lab-helper-driver.ts');
let capableHelperPath: string | null = null;

/**
 * The engine helper's launcher as the deb installs it: built for this Node and this checkout's bundled
 * engine helper (dist/helper/engine-helper.cjs), given cap_net_raw,cap_net_admin+p, made once per
 * process and removed at its exit. The desktop app's helper holds raw sockets this way, the UI none.
 */
export function capableHelper(): string {
  if (capableHelperPath !== null) return capableHelperPath;
  const dir = mkdtempSync(join(tmpdir(), 'rd-helper-'));
  chmodSync(dir, 0o755);
  const path = buildHelperLauncher({
    out: join(dir, 'reset-doctor-helper'),
    runtime: process.execPath,
    main: resolve(REPO_ROOT, HELPER_BUNDLE),
  });
  chmodSync(path, 0o755);
  execFileSync('setcap', ['cap_net_raw,cap_net_admin+p', path]);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  capableHelperPath = path;
  return path;
}

/**
 * A run as the desktop app will make it: the wizard's calls through `serve`, run as user nobody without
 * capabilities, whose engine helper is capableHelper(). Prints and parses the report as diagnoseJson.
 */
export async function diagnoseThroughHelper(
  lab: Lab,
  target: string,
  args: string[],
  options: Pick<CliOptions, 'timeoutMs'> = {},
): Promise<{ run: CliRun; report: Report }> {
  const started = performance.now();
  const command = [
    'setpriv',
    ...AS_NOBODY,
    process.execPath,
    '--import',
    'tsx',
    HELPER_DRIVER,
    capableHelper(),
    target,
    ...args,
  ];
  const result = await lab.exec(lab.names.client, command[0]!, command.slice(1), {
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const run = {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    ms: performance.now() - started,
  };
  try {
    return { run, report: JSON.parse(run.stdout) as Report };
  } catch {
    throw new Error(`the helper run printed no report (exit ${run.code}): ${run.stderr.slice(0, 500)}`);
  }
}
