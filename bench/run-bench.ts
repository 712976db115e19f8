/**
 * The lab scenarios as figures: how often the diagnosis is right in each way it runs, how well its stated
 * confidence matches how often it is right, the time to a verdict, and the traceroute beside the reference
 * tools on a path with a silent hop. Prints tables; asserts nothing (the lab spec does).
 *   npm run bench                                  (3 runs per scenario and mode)
 *   npm run bench -- --runs 1 --only request       (scenarios whose id contains the text)
 *   npm run bench -- --modes privileged,unprivileged
 * Judged by the same rule as test/lab/lab-scenarios.spec.ts (test/lab/lab-scenario-matrix.ts).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LabScenario } from '../test/lab/lab-scenario-kit.js';
import {
  MATRIX_MODES,
  OPTIONAL_IDLE_MAX,
  judge,
  runScenario,
  type Judgement,
  type MatrixMode,
  type ScenarioRun,
} from '../test/lab/lab-scenario-matrix.js';
import { LAB_SCENARIOS } from '../test/lab/lab-scenarios.js';
import { createLab, labUnavailableReason, REPO_ROOT, type Lab } from '../test/lab/lab-topology.js';
import { median, table } from './bench-tables.js';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    modes: { type: 'string', default: MATRIX_MODES.join(',') },
  },
});
const RUNS = Number(options.runs);
const MODES = options.modes.split(',') as MatrixMode[];
const unknownModes = MODES.filter((m) => !MATRIX_MODES.includes(m));
if (unknownModes.length) {
  process.stderr.write(`bench: unknown mode ${unknownModes.join(', ')} (${MATRIX_MODES.join(', ')})\n`);
  process.exit(2);
}
const GOAL_S = 2.5;

const unavailable = labUnavailableReason();
if (unavailable) {
  process.stderr.write(`bench: ${unavailable}\n`);
  process.exit(2);
}

interface Sample {
  scenario: LabScenario;
  mode: MatrixMode;
  run: ScenarioRun;
  judgement: Judgement;
}

/** A fresh lab per run: a crashed server or a full conntrack table must not leak into the next run. */
async function sampleAll(): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const scenario of LAB_SCENARIOS.filter((s) => s.id.includes(options.only))) {
    for (const mode of MODES) {
      for (let i = 0; i < RUNS; i++) {
        const lab = await createLab();
        try {
          const run = await runScenario(lab, scenario, mode);
          const judgement = judge(scenario, run, lab);
          samples.push({ scenario, mode, run, judgement });
          process.stderr.write(
            `${scenario.id} ${mode} ${i + 1}/${RUNS}: ${judgement.said} ${judgement.outcome} (${(run.ms / 1000).toFixed(2)} s)\n`,
          );
        } finally {
          await lab.destroy();
        }
      }
    }
  }
  return samples;
}

const count = (samples: Sample[], outcome: Judgement['outcome']) =>
  samples.filter((s) => s.judgement.outcome === outcome).length;
const percent = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '-');

function accuracy(samples: Sample[]): string {
  const rows = MODES.map((mode) => {
    const own = samples.filter((s) => s.mode === mode);
    const right = count(own, 'right');
    return [
      mode,
      String(own.length),
      String(right),
      mode === 'unprivileged' ? String(count(own, 'honest')) : '-',
      String(count(own, 'wrong')),
      percent(right, own.length),
    ];
  });
  // One line per scenario and mode that went wrong, with how often and the first reasons.
  const wrong = new Map<string, Sample[]>();
  for (const s of samples.filter((x) => x.judgement.outcome === 'wrong')) {
    const key = `${s.mode} ${s.scenario.id}`;
    wrong.set(key, [...(wrong.get(key) ?? []), s]);
  }
  const lines = [...wrong].map(([key, list]) => {
    const { said, expected, problems } = list[0]!.judgement;
    const runs = samples.filter((s) => `${s.mode} ${s.scenario.id}` === key).length;
    return `  ${key} (${list.length}/${runs}): said ${said}, expected ${expected}: ${problems.slice(0, 2).join('; ')}`;
  });
  return [
    table(['mode', 'runs', 'right', 'honest', 'wrong', 'right %'], rows),
    '',
    lines.length ? `Wrong:\n${lines.join('\n')}` : 'Wrong: none',
  ].join('\n');
}

/**
 * Stated confidence against how often it held. Right here means it claimed nothing false: right, or
 * honest (the sender left unknown, or inconclusive with the cause among the candidates).
 */
function calibration(samples: Sample[]): string {
  const judged = samples.filter((s) => s.run.report);
  const buckets: { label: string; has: (s: Sample) => boolean }[] = [
    { label: 'inconclusive', has: (s) => s.run.report!.diagnosis.verdict === 'inconclusive' },
    ...[0, 50, 60, 70, 80, 90].map((low, i, all) => {
      const high = all[i + 1] ?? 101;
      return {
        label: `${low}–${high === 101 ? 100 : high} %`,
        has: (s: Sample) => {
          const { verdict, findings } = s.run.report!.diagnosis;
          const c = 100 * (findings[0]?.confidence ?? 0);
          return verdict !== 'inconclusive' && c >= low && c < high;
        },
      };
    }),
  ];
  const rows = buckets.map(({ label, has }) => {
    const own = judged.filter(has);
    const held = own.filter((s) => s.judgement.outcome !== 'wrong').length;
    const stated = own.map((s) => s.run.report!.diagnosis.findings[0]?.confidence ?? 0);
    const mean = stated.length ? stated.reduce((a, b) => a + b, 0) / stated.length : null;
    return [
      label,
      String(own.length),
      String(held),
      percent(held, own.length),
      mean === null ? '-' : `${Math.round(100 * mean)}%`,
    ];
  });
  return table(['confidence', 'verdicts', 'right', 'right %', 'mean stated'], rows);
}

function outcomeWords(list: Sample[]): string {
  const n = (o: Judgement['outcome']) => count(list, o);
  if (n('right') === list.length) return 'right';
  if (n('honest') === list.length) return 'honest';
  if (n('wrong') === list.length) return 'WRONG';
  return `${n('right')}r/${n('honest')}h/${n('wrong')}w`;
}

function timeToVerdict(samples: Sample[]): string {
  const scenarios = [...new Set(samples.map((s) => s.scenario))];
  const rows = scenarios.map((scenario) => {
    const cells = MODES.map((mode) => {
      const own = samples.filter((s) => s.scenario === scenario && s.mode === mode);
      return `${median(own.map((s) => s.run.ms / 1000)).toFixed(2)} ${outcomeWords(own)}`;
    });
    const first = samples.find((s) => s.scenario === scenario)!;
    return [scenario.id, first.judgement.expected, ...cells, scenario.slow ? 'waits' : ''];
  });
  const goals = MODES.map((mode) => {
    const quick = scenarios.filter((s) => !s.slow);
    const medians = quick.map((scenario) =>
      median(samples.filter((s) => s.scenario === scenario && s.mode === mode).map((s) => s.run.ms / 1000)),
    );
    if (!medians.length) return `${mode}: no scenario without a wait`;
    const m = median(medians);
    const over = `${m.toFixed(2)} s over ${medians.length} scenario(s) without a wait`;
    // The optional tests hold connections idle for --idle-max on purpose: no run of that mode is quick.
    if (mode === 'optional')
      return `${mode}: ${over} (every run waits --idle-max ${OPTIONAL_IDLE_MAX} s: no goal)`;
    return `${mode}: ${over} (goal: at most ${GOAL_S} s) ${m <= GOAL_S ? 'MET' : 'NOT MET'}`;
  });
  return [
    table(['scenario', 'expected', ...MODES, 'by design'], rows),
    '',
    `Median time to a verdict:\n${goals.map((g) => `  ${g}`).join('\n')}`,
  ].join('\n');
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

function findingTimes(samples: Sample[]): string {
  const privileged = samples.filter((s) => s.mode === 'privileged' && s.run.report);
  const scenarios = [...new Set(privileged.map((s) => s.scenario))];
  const rows = scenarios.map((scenario) => {
    const own = privileged.filter((s) => s.scenario === scenario);
    const probeMs = new Map<string, number[]>();
    for (const p of own.flatMap((s) => s.run.report!.steps.flatMap((st) => st.probes))) {
      if (!FINDING_PROBES.includes(p.id) || p.status !== 'complete' || p.assessment === 'ok') continue;
      probeMs.set(p.id, [...(probeMs.get(p.id) ?? []), p.durationMs ?? 0]);
    }
    return [
      scenario.id,
      [...probeMs].map(([id, ms]) => `${id} ${(median(ms) / 1000).toFixed(2)}`).join(', ') || '-',
      median(own.map((s) => s.run.ms / 1000)).toFixed(2),
    ];
  });
  return table(['scenario', 'finding probes', 'whole run'], rows);
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

const samples = await sampleAll();
const out = (title: string, body: string) => process.stdout.write(`\n${title}\n\n${body}\n`);
out(`Accuracy per mode, ${RUNS} runs per scenario (honest: as an ordinary user only)`, accuracy(samples));
out(
  'Calibration: verdicts by their stated confidence, and how often they claimed nothing false',
  calibration(samples),
);
out(
  `Time to a verdict: the CLI in the lab's client namespace, median of ${RUNS} runs, seconds, and how it was judged`,
  timeToVerdict(samples),
);
if (MODES.includes('privileged'))
  out(
    'How long each finding takes (privileged): the median time of the probes that found something, beside the whole run',
    findingTimes(samples),
  );
await tracerouteTimes();
