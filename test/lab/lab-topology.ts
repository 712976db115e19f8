/**
 * The network lab for end-to-end tests and benchmarks: a chain of network namespaces
 *
 *   client — r1 — r2 — … — rN — server
 *
 * joined by veth pairs, with IPv4 (198.18.<link>.0/24) and IPv6 (fd00:5e7:<link>::/64) on every link,
 * a dnsmasq in the server namespace answering for `lab.test`, and helpers to run programs, load nft
 * rulesets, set sysctls and start the lab server (lab-server.ts) inside the namespaces.
 *
 * Safety: nothing here touches the host's own network namespace. Interfaces are created directly inside
 * lab namespaces (`ip -n <ns> link add … peer … netns <ns2>`), sysctls are only written by processes
 * running inside a lab namespace, and no lab namespace has a link to the host, so no packet can leave.
 * See README.md in this directory.
 */
import { spawn as spawnProcess, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LabServerMode } from './lab-server.js';

export type { LabServerMode } from './lab-server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file lives in test/lab/). */
export const REPO_ROOT = resolve(HERE, '..', '..');
const LAB_SERVER_SCRIPT = join(HERE, 'lab-server.ts');
/** Registry of live labs: one JSON file per lab, holding the creating process's pid. */
export const LAB_REGISTRY_DIR = '/run/reset-doctor-lab';
const NETNS_ETC_DIR = '/etc/netns';
const LAB_ID_PATTERN = /^rd[0-9a-f]{6}$/;
const UNREACHABLE_PREFIX4 = '198.18.200.0/24';
const UNREACHABLE_PREFIX6 = 'fd00:5e7:200::/64';
const LAB_NS_PATTERN = /^(rd[0-9a-f]{6})-[a-z0-9]+$/;

export interface LabOptions {
  /** Routers between client and server (default 3). */
  routers?: number;
  /** Delete namespaces left behind by dead processes before building (default true). */
  sweep?: boolean;
}

export interface LabNames {
  /** The lab id, e.g. `rd1a2b3c`: every namespace name starts with `<id>-`. */
  id: string;
  client: string;
  routers: string[];
  server: string;
  /** Every namespace of the lab, client first, server last. */
  all: string[];
}

export interface LabAddresses {
  client4: string;
  client6: string;
  server4: string;
  server6: string;
  /** Each router's address on the link towards the client (what traceroute shows), r1 first. */
  routers4: string[];
  routers6: string[];
  /** The lab's DNS server (dnsmasq in the server namespace, on the server's addresses). */
  dns4: string;
  dns6: string;
  /** An address in a lab prefix no router has a route for (`nohost.lab.test`): the last router answers unreachable. */
  unreachable4: string;
  unreachable6: string;
}

export interface LabLinkEnd {
  ns: string;
  ifname: string;
  ipv4: string;
  ipv6: string;
}

/** Link k (1-based) joins node k-1 (`left`, towards the client) and node k (`right`, towards the server). */
export interface LabLink {
  index: number;
  prefix4: string;
  prefix6: string;
  left: LabLinkEnd;
  right: LabLinkEnd;
}

export interface ExecOptions {
  /** Kill the process group after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Written to the program's stdin (stdin is closed either way). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExecResult {
  /** Exit code, or null when killed by a signal (see `signal`, `timedOut`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface LabSpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default 'pipe' for all three. */
  stdio?: StdioOptions;
}

export interface StartServerOptions {
  /** Port to listen on; 0 or absent = an ephemeral port (reported back as `port`). */
  port?: number;
  tls?: boolean;
  /** Listen address (default `::` dual-stack). */
  host?: string;
  /** For 'idle-close' (default 5). */
  idleSeconds?: number;
  /** Answering modes: every answer waits this long (a slow server). */
  delaySeconds?: number;
  /** For 'cutoff-reset' and 'cutoff-close': how long a request waits before it is cut off (default 1.5). */
  cutoffSeconds?: number;
  /** For 'reset-every-nth': reset every Nth request (default 2). */
  every?: number;
  /** For 'reset-random': the share of requests reset, in percent (default 30), and the seed of the draws. */
  percent?: number;
  seed?: number;
  /** Restart the server this many seconds after it dies (`--supervise`). */
  superviseSeconds?: number;
  /** Also append the event lines to this file; `true` = a file in the lab's temp dir. */
  log?: string | boolean;
  /** Namespace to run in (default: the server namespace). */
  ns?: string;
  /** How long to wait for `READY <port>` (default 20 000 ms). */
  readyTimeoutMs?: number;
  /** Extra arguments for lab-server.ts. */
  extraArgs?: string[];
}

export interface LabServer {
  port: number;
  pid: number;
  mode: LabServerMode;
  child: ChildProcess;
  /** With `tls`: the self-signed certificate (PEM), usable as a CA file (`curl --cacert`). */
  certFile: string | null;
  /** The event log file, when `log` was given. */
  logFile: string | null;
  /** Everything the server printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the output once `pattern` matches it (counting output already seen). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

interface RegistryEntry {
  id: string;
  pid: number;
  startTime: string | null;
  namespaces: string[];
  tmpDir: string;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// Small process helpers

function runSync(
  file: string,
  args: string[],
  input?: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', input, timeout: 15_000 });
  return {
    code: r.error ? null : r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? (r.error?.message || ''),
  };
}

function runAsync(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolvePromise) => {
    const child = spawnProcess(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: opts.env,
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: Error | null = null;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (spawnError) stderr += `${stderr ? '\n' : ''}${spawnError.message}`;
      resolvePromise({ code: spawnError ? null : code, signal, stdout, stderr, timedOut });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function processAlive(pid: number, startTime: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return startTime === null || processStartTime(pid) === startTime;
}

function listNamespaces(): string[] {
  const r = runSync('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Kills everything running in `ns` and deletes it with its /etc/netns dir (synchronous, for exit paths). */
function deleteNamespaceSync(ns: string): void {
  for (let round = 0; round < 3; round++) {
    const pids = runSync('ip', ['netns', 'pids', ns])
      .stdout.split(/\s+/)
      .map(Number)
      .filter((p) => p > 0 && p !== process.pid);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  runSync('ip', ['netns', 'delete', ns]);
  rmSync(join(NETNS_ETC_DIR, ns), { recursive: true, force: true });
}

function removeEtcNetnsIfEmpty(): void {
  try {
    if (readdirSync(NETNS_ETC_DIR).length === 0) rmSync(NETNS_ETC_DIR, { recursive: false, force: true });
  } catch {
    // not there, or someone else's files in it
  }
}

function readRegistry(id: string): RegistryEntry | null {
  try {
    return JSON.parse(readFileSync(join(LAB_REGISTRY_DIR, `${id}.json`), 'utf8')) as RegistryEntry;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Availability and sweeping

let cachedReason: string | null | undefined;

/**
 * Null when the lab can run here (Linux, root, `ip`, `nft` and `dnsmasq` present, `ip netns add` allowed);
 * else a one-line reason, for `describe.skipIf(reason)`.
 */
export function labUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  cachedReason = computeUnavailableReason();
  return cachedReason;
}

function computeUnavailableReason(): string | null {
  if (process.platform !== 'linux')
    return `the network lab needs root on Linux (running on ${process.platform})`;
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return `the network lab needs root on Linux (running as uid ${uid})`;
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
    ['dnsmasq', ['--version']],
  ] as const) {
    const r = spawnSync(tool, [...args], { encoding: 'utf8', timeout: 10_000 });
    if (r.error || r.status !== 0)
      return `the network lab needs \`${tool}\` (${r.error?.message ?? `exit ${r.status}`})`;
  }
  const probe = `rdprobe-${process.pid}-${randomBytes(2).toString('hex')}`;
  const add = runSync('ip', ['netns', 'add', probe]);
  if (add.code !== 0)
    return `the network lab cannot create namespaces: ip netns add failed (${add.stderr.trim()})`;
  try {
    const nft = runSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset']);
    if (nft.code !== 0) return `the network lab needs nftables inside namespaces (${nft.stderr.trim()})`;
  } finally {
    runSync('ip', ['netns', 'delete', probe]);
  }
  return null;
}

/**
 * Deletes lab namespaces (`rd??????-*`), /etc/netns dirs, temp dirs and registry files whose creating
 * process is gone (crashed or killed test runs). Labs of live processes are left alone.
 * Returns the namespaces deleted.
 */
export function sweepStaleLabs(): string[] {
  const deleted: string[] = [];
  const byId = new Map<string, string[]>();
  for (const ns of listNamespaces()) {
    const m = LAB_NS_PATTERN.exec(ns);
    if (m?.[1]) byId.set(m[1], [...(byId.get(m[1]) ?? []), ns]);
  }
  let registryIds: string[] = [];
  try {
    registryIds = readdirSync(LAB_REGISTRY_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
  } catch {
    // no registry yet
  }
  let etcIds: string[] = [];
  try {
    etcIds = readdirSync(NETNS_ETC_DIR)
      .map((d) => LAB_NS_PATTERN.exec(d)?.[1])
      .filter((id): id is string => !!id);
  } catch {
    // no /etc/netns
  }
  // Availability probes (labUnavailableReason) of processes that died mid-probe.
  for (const ns of listNamespaces()) {
    const m = /^rdprobe-(\d+)-[0-9a-f]+$/.exec(ns);
    if (m && !processAlive(Number(m[1]), null)) {
      runSync('ip', ['netns', 'delete', ns]);
      deleted.push(ns);
    }
  }
  for (const id of new Set([...byId.keys(), ...registryIds, ...etcIds])) {
    if (!LAB_ID_PATTERN.test(id) || liveLabs.has(id)) continue;
    const entry = readRegistry(id);
    if (entry && processAlive(entry.pid, entry.startTime)) continue;
    for (const ns of new Set([...(byId.get(id) ?? []), ...(entry?.namespaces ?? [])])) {
      if (listNamespaces().includes(ns)) deleted.push(ns);
      deleteNamespaceSync(ns);
    }
    try {
      for (const d of readdirSync(NETNS_ETC_DIR)) {
        if (d.startsWith(`${id}-`)) rmSync(join(NETNS_ETC_DIR, d), { recursive: true, force: true });
      }
    } catch {
      // no /etc/netns
    }
    if (entry?.tmpDir?.startsWith(join(tmpdir(), 'reset-doctor-lab-'))) {
      rmSync(entry.tmpDir, { recursive: true, force: true });
    }
    rmSync(join(LAB_REGISTRY_DIR, `${id}.json`), { force: true });
  }
  removeEtcNetnsIfEmpty();
  return deleted;
}

// ---------------------------------------------------------------------------------------------------------
// Process-exit safety net

const liveLabs = new Map<string, Lab>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const lab of [...liveLabs.values()]) lab.destroySync();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = (): void => {
      for (const lab of [...liveLabs.values()]) lab.destroySync();
      // If we are the only listener, behave like the default action (die by the signal);
      // otherwise the other listeners (e.g. the test runner's) decide.
      if (process.listenerCount(signal) <= 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    try {
      process.on(signal, handler);
    } catch {
      // worker threads cannot listen to signals; the 'exit' hook and sweepStaleLabs() remain
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The lab

let tsxLoaderUrl: string | undefined;

function tsxLoader(): string {
  if (!tsxLoaderUrl) {
    const pkgDir = join(REPO_ROOT, 'node_modules', 'tsx');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
    };
    const entry = typeof pkg.exports?.['.'] === 'string' ? pkg.exports['.'] : './dist/loader.mjs';
    tsxLoaderUrl = pathToFileURL(join(pkgDir, entry)).href;
  }
  return tsxLoaderUrl;
}

const NSSWITCH = [
  "# reset-doctor lab: names come from this namespace's hosts file and the lab DNS only",
  'passwd: files',
  'group: files',
  'shadow: files',
  'hosts: files dns',
  'networks: files',
  'protocols: files',
  'services: files',
  'ethers: files',
  'rpc: files',
  '',
].join('\n');

const HOSTS = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', ''].join('\n');

export class Lab {
  readonly id: string;
  readonly names: LabNames;
  readonly addresses: LabAddresses;
  readonly links: LabLink[];
  /** A temp dir owned by the lab (deleted on destroy): pid files, logs, certificates. */
  readonly tmpDir: string;

  private readonly processes = new Set<ChildProcess>();
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  private dnsmasq: ChildProcess | null = null;
  private dnsOutput = '';
  private serverCount = 0;

  /** Use createLab(). */
  constructor(id: string, routers: number) {
    this.id = id;
    const routerNames = Array.from({ length: routers }, (_, i) => `${id}-r${i + 1}`);
    const nodes = [`${id}-c`, ...routerNames, `${id}-s`];
    this.names = {
      id,
      client: `${id}-c`,
      routers: routerNames,
      server: `${id}-s`,
      all: nodes,
    };
    this.links = [];
    for (let k = 1; k <= routers + 1; k++) {
      const last = k === routers + 1;
      // Hosts are .2 and their gateway .1; between routers the one nearer the client is .2.
      const leftHost = k === 1 ? 2 : last ? 1 : 2;
      const rightHost = last ? 2 : 1;
      this.links.push({
        index: k,
        prefix4: `198.18.${k}.0/24`,
        prefix6: `fd00:5e7:${k}::/64`,
        left: {
          ns: nodes[k - 1] ?? '',
          ifname: `${id}-l${k}a`,
          ipv4: `198.18.${k}.${leftHost}`,
          ipv6: `fd00:5e7:${k}::${leftHost}`,
        },
        right: {
          ns: nodes[k] ?? '',
          ifname: `${id}-l${k}b`,
          ipv4: `198.18.${k}.${rightHost}`,
          ipv6: `fd00:5e7:${k}::${rightHost}`,
        },
      });
    }
    const first = this.links[0];
    const lastLink = this.links[this.links.length - 1];
    if (!first || !lastLink) throw new Error('lab needs at least one link');
    this.addresses = {
      client4: first.left.ipv4,
      client6: first.left.ipv6,
      server4: lastLink.right.ipv4,
      server6: lastLink.right.ipv6,
      routers4: this.links.slice(0, routers).map((l) => l.right.ipv4),
      routers6: this.links.slice(0, routers).map((l) => l.right.ipv6),
      dns4: lastLink.right.ipv4,
      dns6: lastLink.right.ipv6,
      unreachable4: UNREACHABLE_PREFIX4.replace('.0/24', '.1'),
      unreachable6: UNREACHABLE_PREFIX6.replace('::/64', '::1'),
    };
    this.tmpDir = mkdtempSync(join(tmpdir(), `reset-doctor-lab-${id}-`));
  }

  // ------------------------------------------------------------------ building

  /** @internal Called by createLab(). */
  async build(): Promise<void> {
    const { names, links, addresses } = this;
    mkdirSync(LAB_REGISTRY_DIR, { recursive: true });
    const entry: RegistryEntry = {
      id: this.id,
      pid: process.pid,
      startTime: processStartTime(process.pid),
      namespaces: names.all,
      tmpDir: this.tmpDir,
      createdAt: new Date().toISOString(),
    };
    // Registered before anything exists, so a crash at any point leaves something sweepable.
    writeFileSync(join(LAB_REGISTRY_DIR, `${this.id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
    liveLabs.set(this.id, this);
    installExitHooks();

    // /etc/netns/<ns>/*: `ip netns exec` binds these over /etc/* for processes in the namespace.
    for (const ns of names.all) {
      const dir = join(NETNS_ETC_DIR, ns);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'resolv.conf'),
        `# reset-doctor lab DNS\nnameserver ${addresses.dns4}\noptions timeout:2 attempts:2\n`,
      );
      writeFileSync(join(dir, 'hosts'), HOSTS);
      if (existsSync('/etc/nsswitch.conf')) writeFileSync(join(dir, 'nsswitch.conf'), NSSWITCH);
    }

    for (const ns of names.all) await this.ip(['netns', 'add', ns]);

    // Sysctls first (the `default` values apply to the interfaces created afterwards): no DAD so IPv6
    // addresses work at once, forwarding in routers, no ICMP rate limit (deterministic traceroutes).
    await Promise.all(
      names.all.map((ns) => {
        const isRouter = names.routers.includes(ns);
        const settings = [
          'net.ipv6.conf.all.accept_dad=0',
          'net.ipv6.conf.default.accept_dad=0',
          'net.ipv6.conf.all.accept_ra=0',
          'net.ipv6.conf.default.accept_ra=0',
          'net.ipv4.icmp_ratelimit=0',
          'net.ipv6.icmp.ratelimit=0',
          `net.ipv4.ip_forward=${isRouter ? 1 : 0}`,
          `net.ipv6.conf.all.forwarding=${isRouter ? 1 : 0}`,
        ];
        return this.execOrThrow(ns, 'sysctl', ['-q', '-w', ...settings]);
      }),
    );

    // veth pairs, created inside the lab namespaces (never in the host's).
    await Promise.all(
      links.map((l) =>
        this.ip([
          '-n',
          l.left.ns,
          'link',
          'add',
          l.left.ifname,
          'type',
          'veth',
          'peer',
          'name',
          l.right.ifname,
          'netns',
          l.right.ns,
        ]),
      ),
    );

    // Addresses, links up and routes: one `ip -batch` per namespace.
    await Promise.all(
      names.all.map((ns, i) => {
        const cmds: string[] = ['link set lo up'];
        const towardsClient = links[i - 1]; // link whose right end is this node
        const towardsServer = links[i]; // link whose left end is this node
        for (const end of [towardsClient?.right, towardsServer?.left]) {
          if (!end) continue;
          // Up before addressing: an IPv6 address added to a down interface costs the first
          // neighbour solicitation (a 1-2 s stall on the first IPv6 packet).
          cmds.push(`link set ${end.ifname} up`);
          cmds.push(`address add ${end.ipv4}/24 dev ${end.ifname}`);
          cmds.push(`address add ${end.ipv6}/64 dev ${end.ifname} nodad`);
        }
        const isServer = i === names.all.length - 1;
        if (towardsServer && !isServer && i < names.all.length - 2) {
          // client and all routers but the last: default route to the next hop.
          cmds.push(`route add default via ${towardsServer.right.ipv4}`);
          cmds.push(`route add ::/0 via ${towardsServer.right.ipv6}`);
        }
        if (towardsClient) {
          if (isServer) {
            cmds.push(`route add default via ${towardsClient.left.ipv4}`);
            cmds.push(`route add ::/0 via ${towardsClient.left.ipv6}`);
          } else {
            // Routers: the links nearer the client go back via the previous hop. The last router has no
            // default route, so unrouted lab prefixes (unreachable4/6) get an ICMP unreachable from it.
            for (const back of links.slice(0, i - 1)) {
              cmds.push(`route add ${back.prefix4} via ${towardsClient.left.ipv4}`);
              cmds.push(`route add ${back.prefix6} via ${towardsClient.left.ipv6}`);
            }
          }
        }
        return this.ip(['-n', ns, '-batch', '-'], `${cmds.join('\n')}\n`);
      }),
    );

    // The unrouted prefix: the last router rejects it itself. (Relying on its missing route alone makes
    // the kernel's route-error limiter - 1 ICMP/s per source, shared with time-exceeded - drop the
    // unreachable right after a traceroute, so nohost.lab.test would sometimes time out.)
    const lastRouter = names.routers[names.routers.length - 1] ?? '';
    await this.nft(
      lastRouter,
      [
        'table inet rd_lab_unreachable {',
        '  chain prerouting {',
        '    type filter hook prerouting priority 0; policy accept;',
        `    ip daddr ${UNREACHABLE_PREFIX4} reject with icmp type net-unreachable`,
        `    ip6 daddr ${UNREACHABLE_PREFIX6} reject with icmpv6 type no-route`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );

    await this.startDns();
  }

  private async startDns(): Promise<void> {
    const { addresses } = this;
    const pidFile = join(this.tmpDir, 'dnsmasq.pid');
    const args = [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      '--bind-interfaces',
      `--listen-address=${addresses.dns4}`,
      `--listen-address=${addresses.dns6}`,
      '--port=53',
      '--user=root',
      '--group=root',
      `--pid-file=${pidFile}`,
      '--log-facility=-',
      '--log-queries',
      '--local=/lab.test/',
      '--domain-needed',
      `--host-record=web.lab.test,${addresses.server4},${addresses.server6}`,
      // A name a path device blocks by SNI in the injected-reset scenarios.
      `--host-record=blocked.lab.test,${addresses.server4},${addresses.server6}`,
      `--host-record=nohost.lab.test,${addresses.unreachable4},${addresses.unreachable6}`,
      '--local-ttl=1',
    ];
    const child = this.spawn(this.names.server, 'dnsmasq', args);
    this.dnsmasq = child;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.dnsOutput += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.dnsOutput += d));
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`dnsmasq exited at start: ${this.dnsOutput.trim()}`);
      }
      if (Date.now() > deadline) throw new Error(`dnsmasq did not start: ${this.dnsOutput.trim()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ------------------------------------------------------------------ running things

  /** Runs `file args…` inside `ns` (`ip netns exec`, no shell) and collects its output. */
  async exec(ns: string, file: string, args: string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertUsable();
    this.assertOwn(ns);
    return runAsync('ip', ['netns', 'exec', ns, file, ...args], { cwd: REPO_ROOT, ...opts });
  }

  /** Starts `file args…` inside `ns` in its own process group; killed (with its group) on destroy(). */
  spawn(ns: string, file: string, args: string[] = [], opts: LabSpawnOptions = {}): ChildProcess {
    this.assertUsable();
    this.assertOwn(ns);
    const child = spawnProcess('ip', ['netns', 'exec', ns, file, ...args], {
      stdio: opts.stdio ?? 'pipe',
      detached: true,
      env: opts.env,
      cwd: opts.cwd ?? REPO_ROOT,
    });
    this.processes.add(child);
    child.on('error', () => {});
    child.on('exit', () => this.processes.delete(child));
    return child;
  }

  /** Loads an nft ruleset (text for `nft -f -`) into `ns`. */
  async nft(ns: string, ruleset: string): Promise<void> {
    const r = await this.exec(ns, 'nft', ['-f', '-'], { input: ruleset, timeoutMs: 15_000 });
    if (r.code !== 0) throw new Error(`nft in ${ns} failed (exit ${r.code}): ${r.stderr.trim()}\n${ruleset}`);
  }

  /** Sets a sysctl inside `ns` (never the host's). */
  async sysctl(ns: string, key: string, value: string | number): Promise<void> {
    await this.execOrThrow(ns, 'sysctl', ['-q', '-w', `${key}=${value}`]);
  }

  /** Reads a sysctl inside `ns`. */
  async readSysctl(ns: string, key: string): Promise<string> {
    const r = await this.execOrThrow(ns, 'sysctl', ['-n', key]);
    return r.stdout.trim();
  }

  /** Router n (1-based) stops sending ICMP/ICMPv6 time-exceeded: a "silent hop" (`* * *` in traceroute). */
  async silenceHop(n: number): Promise<void> {
    const ns = this.routerNs(n);
    await this.nft(
      ns,
      [
        'table inet rd_silent_hop {',
        '  chain output {',
        '    type filter hook output priority 0; policy accept;',
        '    icmp type time-exceeded drop',
        '    icmpv6 type time-exceeded drop',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  }

  /** Undoes silenceHop(n). */
  async unsilenceHop(n: number): Promise<void> {
    const ns = this.routerNs(n);
    await this.exec(ns, 'nft', ['delete', 'table', 'inet', 'rd_silent_hop']);
  }

  /** The lab DNS server's output so far (dnsmasq with --log-queries). */
  dnsLog(): string {
    return this.dnsOutput;
  }

  /**
   * Starts lab-server.ts (`node --import tsx`) in the server namespace and waits for `READY <port>`.
   */
  async startServer(mode: LabServerMode, options: StartServerOptions = {}): Promise<LabServer> {
    this.assertUsable();
    const n = ++this.serverCount;
    const args = ['--mode', mode, '--port', String(options.port ?? 0)];
    if (options.tls) args.push('--tls');
    if (options.host) args.push('--host', options.host);
    const numbers: [string, number | undefined][] = [
      ['--idle-seconds', options.idleSeconds],
      ['--delay-seconds', options.delaySeconds],
      ['--cutoff-seconds', options.cutoffSeconds],
      ['--every', options.every],
      ['--percent', options.percent],
      ['--seed', options.seed],
    ];
    for (const [flag, value] of numbers) if (value !== undefined) args.push(flag, String(value));
    if (options.superviseSeconds !== undefined) args.push('--supervise', String(options.superviseSeconds));
    let logFile: string | null = null;
    if (options.log) {
      logFile = typeof options.log === 'string' ? options.log : join(this.tmpDir, `server-${n}-${mode}.log`);
      args.push('--log', logFile);
    }
    let certFile: string | null = null;
    if (options.tls) {
      certFile = join(this.tmpDir, `server-${n}-${mode}.crt`);
      args.push('--cert-out', certFile);
    }
    args.push(...(options.extraArgs ?? []));

    const child = this.spawn(options.ns ?? this.names.server, process.execPath, [
      '--import',
      tsxLoader(),
      LAB_SERVER_SCRIPT,
      ...args,
    ]);
    let output = '';
    const waiters = new Set<() => void>();
    const onData = (d: string): void => {
      output += d;
      for (const w of [...waiters]) w();
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.on('exit', () => {
      for (const w of [...waiters]) w();
    });

    const waitForOutput = (pattern: RegExp, timeoutMs = 20_000): Promise<string> =>
      new Promise((resolvePromise, reject) => {
        const check = (): void => {
          const m = pattern.exec(output);
          if (m) {
            done();
            resolvePromise(m[0]);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`lab server (${mode}) exited before printing ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`lab server (${mode}) did not print ${pattern} within ${timeoutMs} ms:\n${output}`),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });

    let ready: string;
    try {
      ready = await waitForOutput(/^READY (\d+)$/m, options.readyTimeoutMs ?? 20_000);
    } catch (err) {
      killGroup(child.pid, 'SIGKILL');
      throw err;
    }
    const port = Number(/(\d+)/.exec(ready)?.[1]);

    const stop = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    };
    return {
      port,
      pid: child.pid ?? -1,
      mode,
      child,
      certFile,
      logFile,
      output: () => output,
      waitForOutput,
      stop,
    };
  }

  // ------------------------------------------------------------------ teardown

  /** Kills every process the lab started and deletes its namespaces and files. Idempotent. */
  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    if (!this.destroying) this.destroying = this.doDestroy();
    return this.destroying;
  }

  private async doDestroy(): Promise<void> {
    const children = [...this.processes];
    const exits = children.map(
      (c) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null || c.signalCode !== null) r();
          else c.once('exit', () => r());
        }),
    );
    for (const c of children) killGroup(c.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      for (const c of children) killGroup(c.pid, 'SIGKILL');
    }, 1500);
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 3000))]);
    clearTimeout(timer);
    this.destroySync();
  }

  /** Synchronous teardown (used from process 'exit' and signal handlers). */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const c of this.processes) killGroup(c.pid, 'SIGKILL');
    this.processes.clear();
    for (const ns of this.names.all) deleteNamespaceSync(ns);
    removeEtcNetnsIfEmpty();
    rmSync(this.tmpDir, { recursive: true, force: true });
    rmSync(join(LAB_REGISTRY_DIR, `${this.id}.json`), { force: true });
    liveLabs.delete(this.id);
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  // ------------------------------------------------------------------ internals

  private routerNs(n: number): string {
    const ns = this.names.routers[n - 1];
    if (!Number.isInteger(n) || !ns)
      throw new Error(`no router ${n} (the lab has ${this.names.routers.length})`);
    return ns;
  }

  private assertUsable(): void {
    if (this.destroyed) throw new Error(`lab ${this.id} is destroyed`);
  }

  private assertOwn(ns: string): void {
    if (!this.names.all.includes(ns)) {
      throw new Error(`${ns} is not a namespace of lab ${this.id} (refusing to run outside the lab)`);
    }
  }

  private async ip(args: string[], input?: string): Promise<void> {
    const r = await runAsync('ip', args, { input, timeoutMs: 15_000 });
    if (r.code !== 0)
      throw new Error(
        `ip ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}${input ? `\n${input}` : ''}`,
      );
  }

  private async execOrThrow(ns: string, file: string, args: string[]): Promise<ExecResult> {
    const r = await this.exec(ns, file, args, { timeoutMs: 15_000 });
    if (r.code !== 0)
      throw new Error(`${file} ${args.join(' ')} in ${ns} failed (exit ${r.code}): ${r.stderr.trim()}`);
    return r;
  }
}

/** Builds a lab (client — r1 … rN — server). Destroy it with `lab.destroy()`. */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const routers = options.routers ?? 3;
  if (!Number.isInteger(routers) || routers < 1 || routers > 50)
    throw new Error(`routers must be 1..50, got ${routers}`);
  const reason = labUnavailableReason();
  if (reason) throw new Error(reason);
  if (options.sweep !== false) sweepStaleLabs();
  let id: string;
  const existing = new Set(listNamespaces());
  do {
    id = `rd${randomBytes(3).toString('hex')}`;
  } while (
    [...existing].some((ns) => ns.startsWith(`${id}-`)) ||
    existsSync(join(LAB_REGISTRY_DIR, `${id}.json`))
  );
  const lab = new Lab(id, routers);
  try {
    await lab.build();
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}
