/**
 * Speed figures in the lab: time to a verdict per fault scenario, and the traceroute beside the
 * reference tools on a path with a silent hop. Prints tables; asserts nothing (the lab specs do).
 *   npm run bench            (3 runs per scenario)
 *   npm run bench -- --runs 5
 *   npm run bench -- --only inject   (scenarios whose id contains the text)
 */
import { resolve } from 'node:path';
import { diagnoseJson } from '../test/lab/lab-cli.js';
import { LAB_SCENARIOS } from '../test/lab/lab-scenarios.js';
import { createLab, labUnavailableReason, REPO_ROOT, type Lab } from '../test/lab/lab-topology.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const GOAL_S = 3;
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1]! : '';

const unavailable = labUnavailableReason();
if (unavailable) {
  process.stderr.write(`bench: ${unavailable}\n`);
  process.exit(2);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The probes whose result is the finding itself; their own time is what a finding costs. */
const FINDING_PROBES = [
  'reset-origin',
  'reset-hop',
  'idle-timeout',
  'concurrency',
  'connection-rate',
  'path-mtu',
  'traceroute',
  'recovery',
];

async function verdictTimes(): Promise<void> {
  const rows: string[][] = [];
  const medians: number[] = [];
  const findingRows: string[][] = [];
  for (const scenario of LAB_SCENARIOS.filter((s) => s.id.includes(ONLY))) {
    const times: number[] = [];
    const verdicts = new Set<string>();
    const probeMs = new Map<string, number[]>();
    // A fresh lab per run: a crashed server or a full conntrack table must not leak into the next run.
    for (let i = 0; i < RUNS; i++) {
      const lab = await createLab();
      try {
        const { target, args = [] } = await scenario.setup(lab);
        const { run, report } = await diagnoseJson(lab, target, args);
        times.push(run.ms / 1000);
        const top = report.diagnosis.findings[0]!;
        // The hop counts where the scenario names one; elsewhere (the loss scenario) it may move between runs.
        verdicts.add(
          `${report.diagnosis.verdict}/${top.origin}${scenario.hop !== undefined ? `@${top.hop}` : ''}`,
        );
        for (const p of report.steps.flatMap((st) => st.probes)) {
          if (!FINDING_PROBES.includes(p.id) || p.status !== 'complete' || p.assessment === 'ok') continue;
          probeMs.set(p.id, [...(probeMs.get(p.id) ?? []), p.durationMs ?? 0]);
        }
      } finally {
        await lab.destroy();
      }
    }
    {
      const m = median(times);
      if (!scenario.slow) medians.push(m);
      const expected = `${scenario.cause}/${scenario.origin}${scenario.hop ? `@${scenario.hop}` : ''}`;
      const right = verdicts.size === 1 && verdicts.has(expected);
      findingRows.push([
        scenario.id,
        [...probeMs].map(([id, ms]) => `${id} ${(median(ms) / 1000).toFixed(2)}`).join(', ') || '-',
        m.toFixed(2),
      ]);
      rows.push([
        scenario.id,
        [...verdicts].join(','),
        right ? 'yes' : 'NO',
        m.toFixed(2),
        Math.min(...times).toFixed(2),
        Math.max(...times).toFixed(2),
        scenario.slow ? 'idle wait' : m < GOAL_S ? 'under 3 s' : 'OVER',
      ]);
    }
  }
  process.stdout.write(
    `\nTime to verdict: the CLI in the lab's client namespace, ${RUNS} runs each, seconds\n\n`,
  );
  process.stdout.write(
    `${table(['scenario', 'verdict/origin@hop', 'right', 'median', 'min', 'max', 'goal'], rows)}\n`,
  );
  process.stdout.write(
    `\nHow long each finding takes: the median time of the probes that found something (seconds), beside the whole run\n\n`,
  );
  process.stdout.write(`${table(['scenario', 'finding probes', 'whole run'], findingRows)}\n`);
  const overall = median(medians);
  process.stdout.write(
    `\nMedian over the ${medians.length} scenarios without an idle wait: ${overall.toFixed(2)} s (goal: under ${GOAL_S} s) ${overall < GOAL_S ? 'MET' : 'NOT MET'}\n`,
  );
}

async function timeIn(lab: Lab, file: string, args: string[]): Promise<{ ms: number; out: string }> {
  const started = performance.now();
  const r = await lab.exec(lab.names.client, file, args, { timeoutMs: 120_000 });
  return { ms: performance.now() - started, out: r.stdout };
}

async function tracerouteTimes(): Promise<void> {
  const lab = await createLab();
  try {
    await lab.silenceHop(2);
    const server = lab.addresses.server4;
    const tools: [string, string, string[]][] = [
      [
        'reset-doctor traceroute probe',
        process.execPath,
        ['--import', 'tsx', resolve(REPO_ROOT, 'bench/trace-once.ts'), server],
      ],
      ['traceroute -n', 'traceroute', ['-n', server]],
      ['tracepath -n', 'tracepath', ['-n', server]],
      ['mtr -n -r -c 1', 'mtr', ['-n', '-r', '-c', '1', server]],
    ];
    const rows: string[][] = [];
    for (const [name, file, args] of tools) {
      const times: number[] = [];
      const inProcess: number[] = [];
      let hops = '';
      for (let i = 0; i < RUNS; i++) {
        const { ms, out } = await timeIn(lab, file, args);
        times.push(ms / 1000);
        if (name.startsWith('reset-doctor')) {
          const own = JSON.parse(out) as { hops: string[]; ms: number };
          inProcess.push(own.ms / 1000);
          hops = own.hops.join(' ');
        } else hops = summarizeHops(out);
      }
      rows.push([
        name,
        inProcess.length ? median(inProcess).toFixed(2) : '-',
        median(times).toFixed(2),
        Math.min(...times).toFixed(2),
        Math.max(...times).toFixed(2),
        hops,
      ]);
    }
    process.stdout.write(
      `\nTraceroute to ${server} through 3 routers, hop 2 silent, ${RUNS} runs each, seconds ("probe alone" leaves out Node start-up)\n\n`,
    );
    process.stdout.write(`${table(['tool', 'probe alone', 'median', 'min', 'max', 'hops seen'], rows)}\n`);
  } finally {
    await lab.destroy();
  }
}

function summarizeHops(out: string): string {
  const hops = out
    .split('\n')
    .map((l) => /^\s*(\d+)[?:.]?[|-]*\s+(\S+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !/LOCALHOST|Start|HOST/.test(m[0]))
    .map((m) => (/^\d+\.\d+\.\d+\.\d+$/.test(m[2]!) ? m[2]! : '*'));
  return hops.join(' ');
}

await verdictTimes();
await tracerouteTimes();
