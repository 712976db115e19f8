import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHelperLauncher } from '../../../build/build-helper-launcher.mjs';
import type { RunEvent } from '../../shared/run-event-info.js';
import { startRequest } from '../../../test/unit/start-request.js';
import { startHelperEngine } from '../helper-calls.js';
import { HELPER_BUNDLE } from '../../shared/helper-protocol.js';

/** The built helper (`npm test` builds first): the launcher starts a script, not TypeScript. */
const DIST_MAIN = fileURLToPath(new URL(`../../../${HELPER_BUNDLE}`, import.meta.url));

/** Why the launcher cannot be built and run here, or null. */
function unavailable(): string | null {
  if (process.platform !== 'linux') return 'file and ambient capabilities are Linux';
  if (spawnSync('cc', ['--version']).status !== 0) return 'no C compiler (cc): apt-get install gcc';
  return null;
}
const reason = unavailable();
const root = process.getuid?.() === 0;
const hasSetcap = spawnSync('setcap', ['-v', 'cap_net_raw+p', '/nonexistent']).error === undefined;

const NET_ADMIN_AND_RAW = (1n << 12n) | (1n << 13n);

// What the helper would see: its own capabilities, a child's (the tools it runs), its environment.
const PROBE = `
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const caps = (status) => Object.fromEntries(
  [...status.matchAll(/^(Cap\\w+|NoNewPrivs):\\s+(\\S+)/gm)].map((m) => [m[1], m[2]]));
console.log(JSON.stringify({
  self: caps(readFileSync('/proc/self/status', 'utf8')),
  child: caps(execFileSync('cat', ['/proc/self/status'], { encoding: 'utf8' })),
  env: process.env,
}));
`;

interface Seen {
  self: Record<string, string>;
  child: Record<string, string>;
  env: Record<string, string>;
}

describe.skipIf(reason !== null)(`reset-doctor-helper${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let dir = '';
  let launcher = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-launcher-'));
    chmodSync(dir, 0o755);
    const main = join(dir, 'probe.mjs');
    writeFileSync(main, PROBE, { mode: 0o644 });
    launcher = buildHelperLauncher({
      out: join(dir, 'reset-doctor-helper'),
      runtime: process.execPath,
      main,
    });
    chmodSync(launcher, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (prefix: string[] = []): Seen => {
    const [file, ...args] = [...prefix, launcher];
    const out = execFileSync(file!, args, {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--require /nonexistent.js', LD_PRELOAD: '' },
    });
    return JSON.parse(out) as Seen;
  };
  const caps = (hex: string | undefined): bigint => BigInt(`0x${hex ?? 'ffff'}`);
  const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

  it('takes no arguments: it runs its own runtime and script, nothing a caller names', () => {
    const result = spawnSync(launcher, ['/bin/sh'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('takes no arguments');
  });

  it('replaces the environment: no NODE_OPTIONS, LD_PRELOAD or PATH of the caller reaches the helper', () => {
    const { env } = run();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env.LD_PRELOAD).toBeUndefined();
    expect(env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it.skipIf(!root)(
    `run by root, keeps CAP_NET_RAW and CAP_NET_ADMIN alone, for itself and the tools it runs${root ? '' : ' — skipped: needs root'}`,
    () => {
      const { self, child } = run();
      for (const seen of [self, child]) {
        expect(caps(seen.CapEff)).toBe(NET_ADMIN_AND_RAW);
        expect(caps(seen.CapPrm)).toBe(NET_ADMIN_AND_RAW);
        expect(caps(seen.CapAmb)).toBe(NET_ADMIN_AND_RAW);
        expect(seen.NoNewPrivs).toBe('1');
      }
    },
  );

  it.skipIf(!root)(
    `without its file capabilities, starts the helper with none${root ? '' : ' — skipped: needs root to become nobody'}`,
    () => {
      const { self, child } = run(AS_NOBODY);
      expect(caps(self.CapEff)).toBe(0n);
      expect(caps(child.CapEff)).toBe(0n);
    },
  );

  it.skipIf(!root || !hasSetcap)(
    `given cap_net_raw,cap_net_admin+p, an ordinary user's helper and its tools hold the two${root && hasSetcap ? '' : ' — skipped: needs root and setcap (libcap2-bin)'}`,
    () => {
      execFileSync('setcap', ['cap_net_raw,cap_net_admin+p', launcher]);
      try {
        const { self, child } = run(AS_NOBODY);
        expect(caps(self.CapEff)).toBe(NET_ADMIN_AND_RAW);
        expect(caps(child.CapEff)).toBe(NET_ADMIN_AND_RAW);
        expect(caps(child.CapBnd) & NET_ADMIN_AND_RAW).toBe(NET_ADMIN_AND_RAW);
      } finally {
        execFileSync('setcap', ['-r', launcher]);
      }
    },
  );

  it.skipIf(!root || !hasSetcap)(
    `no other caller: a process of the same user without the capabilities cannot reach its pipes or its environment${root && hasSetcap ? '' : ' — skipped: needs root and setcap (libcap2-bin)'}`,
    async () => {
      const main = join(dir, 'wait.mjs');
      writeFileSync(main, 'console.log(process.pid); process.stdin.resume();', { mode: 0o644 });
      const waiting = buildHelperLauncher({
        out: join(dir, 'waiting-helper'),
        runtime: process.execPath,
        main,
      });
      chmodSync(waiting, 0o755);
      /** Starts the helper as nobody, then tries from another process of nobody's the ways in that /proc offers. */
      const reach = async (): Promise<{ attempt: string; status: number | null; stderr: string }[]> => {
        const helper = spawn(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), waiting], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        try {
          const pid = await new Promise<string>((resolve) =>
            helper.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
          );
          expect(pid).toMatch(/^\d+$/);
          return [`cat /proc/${pid}/environ`, `readlink -v /proc/${pid}/fd/1`].map((attempt) => {
            const result = spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), 'sh', '-c', attempt], {
              encoding: 'utf8',
            });
            return { attempt, status: result.status, stderr: result.stderr };
          });
        } finally {
          helper.kill();
        }
      };
      // The control: a helper without capabilities is open to its own user, as any process is.
      for (const tried of await reach()) expect(tried.status, tried.attempt).toBe(0);
      execFileSync('setcap', ['cap_net_raw,cap_net_admin+p', waiting]);
      for (const tried of await reach()) {
        expect(tried.status, tried.attempt).not.toBe(0);
        expect(tried.stderr, tried.attempt).toMatch(/Permission denied/);
      }
    },
  );

  it.skipIf(!root || !existsSync(DIST_MAIN))(
    `refused its capabilities, the engine helper goes on unprivileged and says how to grant them${root && existsSync(DIST_MAIN) ? '' : ' — skipped: needs root and the build (npm run build)'}`,
    async () => {
      const helperLauncher = buildHelperLauncher({
        out: join(dir, 'engine-launcher'),
        runtime: process.execPath,
        main: DIST_MAIN,
      });
      chmodSync(helperLauncher, 0o755);
      const events: RunEvent[] = [];
      const engine = startHelperEngine(
        { command: 'setpriv', args: [...AS_NOBODY.slice(1), helperLauncher] },
        (e) => events.push(e),
      );
      try {
        const hello = await engine.hello;
        expect(hello.privileged).toBe(false);
        expect(hello.privilegeNote).toContain('setcap cap_net_raw,cap_net_admin+p on reset-doctor-helper');
        // Loopback, a port nobody listens on: the run's packets never leave this machine.
        const started = await engine.calls('run:start', [startRequest({ target: 'http://127.0.0.1:9/' })], {
          mode: 'browser',
        });
        expect(started).toMatchObject({ ok: true });
        for (let i = 0; i < 1500 && !events.some((e) => e.type === 'run-finished'); i++)
          await new Promise((r) => setTimeout(r, 20));
        const finished = events.find((e) => e.type === 'run-finished') as Extract<
          RunEvent,
          { type: 'run-finished' }
        >;
        expect(finished.report.environment).toMatchObject({
          privileged: false,
          privilegeNote: hello.privilegeNote,
        });
      } finally {
        await engine.stop();
      }
    },
    40_000,
  );

  it('is built only for plain absolute paths (they become C string literals)', () => {
    const out = join(dir, 'never');
    expect(() => buildHelperLauncher({ out, runtime: 'node', main: '/x.js' })).toThrow(/absolute/);
    expect(() => buildHelperLauncher({ out, runtime: '/bin/node", "/x', main: '/x.js' })).toThrow(/plain/);
  });
});
