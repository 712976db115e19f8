/**
 * Idle-timeout search in the lab: the parallel, narrowing search of the idle probe beside a naive
 * one-connection-at-a-time search (gap 1, 2, 3… s until the first failure), for a stateful firewall and
 * a server that closes idle connections, each at two values. Prints a table; asserts nothing.
 *   npm run bench:idle                      (a real naive search for every scenario)
 *   npm run bench:idle -- --naive-one       (a real naive search for the first scenario only)
 * The built CLI runs, as in `npm run bench` (RESET_DOCTOR_LAB_SOURCE=1: the TypeScript sources).
 * Everything runs inside the lab's client namespace.
 */
import type { IdleData } from '../electron/engine/probes/idle-probe.js';
import type { ProbeReport } from '../electron/shared/report-info.js';
import { diagnoseJson } from '../test/lab/lab-cli.js';
import { IDLE_SCENARIOS } from '../test/lab/lab-scenarios-idle.js';
import { createLab, labUnavailableReason, type Lab } from '../test/lab/lab-topology.js';
import { table } from './bench-tables.js';

const NAIVE_ALL = !process.argv.includes('--naive-one');

const unavailable = labUnavailableReason();
if (unavailable) {
  process.stderr.write(`idle-bench: ${unavailable}\n`);
  process.exit(2);
}

interface NaiveTry {
  gap: number;
  result: string;
  ms: number;
}

/**
 * One connection at a time: connect, stay idle `gap` s, send a request, wait for the answer; the next
 * try is 1 s longer, until one fails. One Node process, so the figure is the search, not process start-ups.
 */
const NAIVE_SEARCH = `
const net = require('node:net');
const [host, port, max, step] = process.argv.slice(1);
function once(gap) {
  return new Promise((resolve) => {
    const started = Date.now();
    let sent = false, done = false, got = '', idle, answer;
    const s = net.connect({ host, port: Number(port) });
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(answer);
      s.destroy();
      resolve({ gap, result, ms: Date.now() - started });
    };
    s.on('connect', () => {
      idle = setTimeout(() => {
        sent = true;
        s.write('GET / HTTP/1.1\\r\\nHost: web.lab.test\\r\\nConnection: close\\r\\n\\r\\n');
        answer = setTimeout(() => finish('no-answer'), 2000);
      }, gap * 1000);
    });
    s.on('data', (d) => { got += d; if (got.startsWith('HTTP/1.1 ')) finish('survived'); });
    s.on('error', (e) => finish(e.code === 'ECONNRESET' ? (sent ? 'reset-on-send' : 'closed-by-peer') : 'failed ' + e.code));
    s.on('end', () => finish(sent ? 'reset-on-send' : 'closed-by-peer'));
  });
}
(async () => {
  const started = Date.now();
  const tries = [];
  for (let gap = Number(step); gap <= Number(max); gap += Number(step)) {
    const t = await once(gap);
    tries.push(t);
    if (t.result !== 'survived') break;
  }
  process.stdout.write(JSON.stringify({ tries, ms: Date.now() - started }));
})();
`;

async function naiveSearch(lab: Lab, maxSeconds: number): Promise<{ tries: NaiveTry[]; ms: number }> {
  const r = await lab.exec(
    lab.names.client,
    process.execPath,
    ['-e', NAIVE_SEARCH, lab.addresses.server4, '80', String(maxSeconds), '1'],
    { timeoutMs: ((maxSeconds * (maxSeconds + 1)) / 2 + 30) * 1000 },
  );
  try {
    return JSON.parse(r.stdout) as { tries: NaiveTry[]; ms: number };
  } catch {
    throw new Error(`the naive search failed (exit ${r.code}): ${r.stderr.trim().slice(0, 500)}`);
  }
}

const rows: string[][] = [];
const details: string[] = [];
for (const [i, scenario] of IDLE_SCENARIOS.entries()) {
  const lab = await createLab();
  try {
    const { target, args = [] } = await scenario.setup(lab);
    const maxArg = args.indexOf('--idle-max');
    const maxSeconds = maxArg >= 0 ? Number(args[maxArg + 1]) : 10;
    const { run, report } = await diagnoseJson(lab, target, ['--timeout', '1', ...args]);
    const top = report.diagnosis.findings[0]!;
    const idle = report.steps.flatMap((s) => s.probes).find((p) => p.id === 'idle-timeout') as
      ProbeReport<IdleData> | undefined;
    const d = idle?.data;
    const truth = scenario.idleSeconds!;
    const measured = d?.idleTimeoutSeconds ?? null;
    const error = measured === null ? null : Math.abs(measured - truth);
    const ok = error !== null && error <= Math.max(1, 0.1 * truth);
    const naive = NAIVE_ALL || i === 0 ? await naiveSearch(lab, maxSeconds) : null;
    const failedAt = naive?.tries.at(-1);
    rows.push([
      scenario.id,
      `${truth}`,
      measured === null ? '-' : `${measured} ± ${d!.precisionSeconds}`,
      ok ? 'yes' : 'NO',
      `${top.origin}${top.hop ? ` hop ${top.hop}` : ''} (${d?.side ?? '-'})`,
      `${d?.rounds.length ?? '-'}/${d?.trials.length ?? '-'}`,
      d ? d.searchSeconds.toFixed(2) : '-',
      d ? `${d.naive.waitSeconds}` : '-',
      naive ? (naive.ms / 1000).toFixed(2) : '-',
      failedAt ? `${failedAt.gap} s ${failedAt.result}` : '-',
      (run.ms / 1000).toFixed(1),
    ]);
    if (d) {
      details.push(
        `${scenario.id}: ${d.rounds.map((r) => `round ${r.round} (${r.seconds} s): ${r.gaps.join(', ')} s`).join('; ')}`,
        `  ${d.trials.map((t) => `${t.gapSeconds}→${t.result}${t.closedAfterSeconds !== null ? `@${t.closedAfterSeconds}` : ''}`).join(', ')}`,
      );
    }
    if (naive)
      details.push(`  naive: ${naive.tries.map((t) => `${t.gap}→${t.result} (${t.ms} ms)`).join(', ')}`);
  } finally {
    await lab.destroy();
  }
}

process.stdout.write(
  '\nIdle timeout: parallel narrowing search (the idle probe) vs one connection at a time, seconds\n\n',
);
process.stdout.write(
  `${table(
    [
      'scenario',
      'true',
      'measured',
      '±10%/1s',
      'blamed (side)',
      'rounds/conns',
      'search',
      'naive est.',
      'naive real',
      'naive stopped at',
      'CLI run',
    ],
    rows,
  )}\n\n`,
);
process.stdout.write(
  'search: wall clock of the idle probe; naive est.: what a one-at-a-time search at the same precision would wait (the probe’s own figure); naive real: a one-at-a-time search (1, 2, 3… s) run in the lab; CLI run: the whole diagnosis.\n\n',
);
process.stdout.write(`${details.join('\n')}\n`);
