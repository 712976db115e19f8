import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './lab-client.js';
import {
  createLab,
  LAB_REGISTRY_DIR,
  labUnavailableReason,
  sweepStaleLabs,
  type Lab,
} from './lab-topology.js';

const reason = labUnavailableReason();

function hostNamespaces(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** traceroute -n output → hop number → first address (or '*'). */
function parseTraceroute(out: string): Map<number, string> {
  const hops = new Map<number, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)/.exec(line);
    if (m?.[1] && m[2]) hops.set(Number(m[1]), m[2]);
  }
  return hops;
}

describe.skipIf(reason)(`network lab topology${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await createLab();
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('names every namespace rd<6 hex>-<role> and gives the documented addresses', () => {
    expect(lab.names.client).toMatch(/^rd[0-9a-f]{6}-c$/);
    expect(lab.names.routers).toEqual([1, 2, 3].map((n) => `${lab.id}-r${n}`));
    expect(lab.names.server).toBe(`${lab.id}-s`);
    expect(lab.addresses).toMatchObject({
      client4: '198.18.1.2',
      client6: 'fd00:5e7:1::2',
      server4: '198.18.4.2',
      server6: 'fd00:5e7:4::2',
      routers4: ['198.18.1.1', '198.18.2.1', '198.18.3.1'],
      routers6: ['fd00:5e7:1::1', 'fd00:5e7:2::1', 'fd00:5e7:3::1'],
      dns4: '198.18.4.2',
    });
    for (const link of lab.links) {
      expect(link.left.ifname.length).toBeLessThanOrEqual(15);
      expect(link.right.ifname.length).toBeLessThanOrEqual(15);
    }
    const present = hostNamespaces();
    for (const ns of lab.names.all) expect(present).toContain(ns);
  });

  it('gives the client routes into the lab only', async () => {
    const v4 = await lab.exec(lab.names.client, 'ip', ['-4', 'route', 'show', 'table', 'all']);
    const v6 = await lab.exec(lab.names.client, 'ip', ['-6', 'route', 'show']);
    expect(v4.stdout).toContain('default via 198.18.1.1');
    expect(v6.stdout).toContain('default via fd00:5e7:1::1');
    for (const line of `${v4.stdout}\n${v6.stdout}`.split('\n').filter(Boolean)) {
      expect(line).toMatch(
        /198\.18\.|fd00:5e7:|fe80::|127\.0\.0\.|::1 |^local|^broadcast|^multicast|^anycast/,
      );
    }
  });

  it('pings the server over IPv4 and IPv6 from the client', async () => {
    const v4 = await lab.exec(lab.names.client, 'ping', ['-c', '1', '-W', '2', lab.addresses.server4]);
    expect(v4.code, v4.stdout + v4.stderr).toBe(0);
    expect(v4.stdout).toContain('ttl=61'); // three routers on the way
    const v6 = await lab.exec(lab.names.client, 'ping', ['-c', '1', '-W', '2', lab.addresses.server6]);
    expect(v6.code, v6.stdout + v6.stderr).toBe(0);
  });

  it('resolves web.lab.test through the lab DNS and nothing else', async () => {
    const v4 = await lab.exec(lab.names.client, 'getent', ['ahostsv4', 'web.lab.test']);
    expect(v4.code).toBe(0);
    expect(v4.stdout).toContain(lab.addresses.server4);
    const v6 = await lab.exec(lab.names.client, 'getent', ['ahostsv6', 'web.lab.test']);
    expect(v6.code).toBe(0);
    expect(v6.stdout).toContain(lab.addresses.server6);
    const hosts = await lab.exec(lab.names.client, 'getent', ['hosts', 'web.lab.test']);
    expect(hosts.code).toBe(0);

    const missing = await lab.exec(lab.names.client, 'getent', ['hosts', 'missing.lab.test']);
    expect(missing.code).toBe(2);
    const nohost = await lab.exec(lab.names.client, 'getent', ['ahostsv4', 'nohost.lab.test']);
    expect(nohost.stdout).toContain(lab.addresses.unreachable4);
    const outside = await lab.exec(lab.names.client, 'getent', ['hosts', 'example.com']);
    expect(outside.code).toBe(2);
    expect(lab.dnsLog()).toMatch(/example\.com.*\n.*REFUSED/);

    const resolv = await lab.exec(lab.names.client, 'cat', ['/etc/resolv.conf']);
    expect(resolv.stdout).toContain(`nameserver ${lab.addresses.dns4}`);
  });

  it('answers unreachable for the unrouted prefix (nohost.lab.test)', async () => {
    const r = await lab.exec(lab.names.client, 'ping', ['-c', '1', '-W', '2', lab.addresses.unreachable4]);
    expect(r.stdout).toContain(`From ${lab.addresses.routers4[2]}`);
    expect(r.stdout).toContain('Net Unreachable');
  });

  it('traceroutes through 3 routers to the server, and a silenced hop shows *', async () => {
    const args = ['-n', '-q', '1', '-w', '1', lab.addresses.server4];
    const before = parseTraceroute((await lab.exec(lab.names.client, 'traceroute', args)).stdout);
    expect([...before.values()]).toEqual([...lab.addresses.routers4, lab.addresses.server4]);

    await lab.silenceHop(2);
    const silent = parseTraceroute((await lab.exec(lab.names.client, 'traceroute', args)).stdout);
    expect(silent.size).toBe(4);
    expect(silent.get(1)).toBe(lab.addresses.routers4[0]);
    expect(silent.get(2)).toBe('*');
    expect(silent.get(3)).toBe(lab.addresses.routers4[2]);
    expect(silent.get(4)).toBe(lab.addresses.server4);

    const v6 = parseTraceroute(
      (await lab.exec(lab.names.client, 'traceroute', ['-n', '-q', '1', '-w', '1', lab.addresses.server6]))
        .stdout,
    );
    expect(v6.get(2)).toBe('*');
    expect(v6.get(4)).toBe(lab.addresses.server6);

    await lab.unsilenceHop(2);
    const after = parseTraceroute((await lab.exec(lab.names.client, 'traceroute', args)).stdout);
    expect(after.get(2)).toBe(lab.addresses.routers4[1]);
  });

  it('serves HTTP from the server namespace to the client, by address and by name', async () => {
    const server = await lab.startServer('http');
    try {
      const byAddress = await httpGet(lab, `http://${lab.addresses.server4}:${server.port}/`);
      expect(byAddress.status, byAddress.raw).toBe(200);
      const byName = await httpGet(lab, `http://web.lab.test:${server.port}/big`);
      expect(byName.status, byName.raw).toBe(200);
      expect(byName.bodyBytes).toBe(200 * 1024);
      const v6 = await httpGet(lab, `http://[${lab.addresses.server6}]:${server.port}/`);
      expect(v6.status, v6.raw).toBe(200);
      const viaNode = await httpGet(lab, `http://web.lab.test:${server.port}/`, { tool: 'node' });
      expect(viaNode.status, viaNode.raw).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('sees a reset from a reset-on-request server', async () => {
    const server = await lab.startServer('reset-on-request');
    try {
      const r = await httpGet(lab, `http://web.lab.test:${server.port}/`);
      expect(r.error, r.raw).toBe('ECONNRESET');
      if (r.curlExit !== null) expect(r.curlExit).toBe(56);
      const viaNode = await httpGet(lab, `http://web.lab.test:${server.port}/`, { tool: 'node' });
      expect(viaNode.error, viaNode.raw).toBe('ECONNRESET');
      await server.waitForOutput(
        /connection reset: sent RST to client (198\.18\.1\.2|\[fd00:5e7:1::2\]):\d+ \(reset-on-request\)/,
        2000,
      );
    } finally {
      await server.stop();
    }
  });

  it('lets a second lab exist at the same time', async () => {
    const second = await createLab({ routers: 1 });
    try {
      expect(second.id).not.toBe(lab.id);
      for (const ns of second.names.all) expect(lab.names.all).not.toContain(ns);
      const present = hostNamespaces();
      for (const ns of [...lab.names.all, ...second.names.all]) expect(present).toContain(ns);
      expect(second.addresses.server4).toBe('198.18.2.2');
      const ping = await second.exec(second.names.client, 'ping', [
        '-c',
        '1',
        '-W',
        '2',
        second.addresses.server4,
      ]);
      expect(ping.code, ping.stdout).toBe(0);
      // Sweeping never touches labs whose process is alive.
      sweepStaleLabs();
      for (const ns of [...lab.names.all, ...second.names.all]) expect(hostNamespaces()).toContain(ns);
    } finally {
      await second.destroy();
    }
    const present = hostNamespaces();
    for (const ns of second.names.all) expect(present).not.toContain(ns);
    for (const ns of lab.names.all) expect(present).toContain(ns);
  });

  it('sweeps namespaces left behind by a dead process', () => {
    const dead = spawnSync('true');
    const deadPid = dead.pid ?? 999_999;
    const id = `rd${Math.floor(Math.random() * 0xffffff)
      .toString(16)
      .padStart(6, '0')}`;
    const ns = `${id}-c`;
    expect(spawnSync('ip', ['netns', 'add', ns]).status).toBe(0);
    mkdirSync(LAB_REGISTRY_DIR, { recursive: true });
    writeFileSync(
      join(LAB_REGISTRY_DIR, `${id}.json`),
      JSON.stringify({
        id,
        pid: deadPid,
        startTime: null,
        namespaces: [ns],
        tmpDir: '/nonexistent',
        createdAt: '',
      }),
    );
    const swept = sweepStaleLabs();
    expect(swept).toContain(ns);
    expect(hostNamespaces()).not.toContain(ns);
    expect(existsSync(join(LAB_REGISTRY_DIR, `${id}.json`))).toBe(false);
    for (const live of lab.names.all) expect(hostNamespaces()).toContain(live);
  });

  it('destroy() removes every namespace, process and file of the lab, and can be called twice', async () => {
    const server = await lab.startServer('silent');
    await lab.destroy();
    await lab.destroy();
    expect(lab.isDestroyed).toBe(true);
    const present = hostNamespaces();
    for (const ns of lab.names.all) {
      expect(present).not.toContain(ns);
      expect(existsSync(join('/etc/netns', ns))).toBe(false);
    }
    expect(existsSync(lab.tmpDir)).toBe(false);
    expect(existsSync(join(LAB_REGISTRY_DIR, `${lab.id}.json`))).toBe(false);
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
    await expect(lab.exec(lab.names.client, 'true', [])).rejects.toThrow(/destroyed/);
  });
});
