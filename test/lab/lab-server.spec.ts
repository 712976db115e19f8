import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlAvailable, httpGet, httpSequence, tcpSession } from './lab-client.js';
import { onPathInjector } from './lab-scenario-kit.js';
import { createLab, labUnavailableReason, type Lab, type LabServer } from './lab-topology.js';

const reason = labUnavailableReason();

describe.skipIf(reason)(`lab server modes${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let lab: Lab;
  let web: string;

  beforeAll(async () => {
    lab = await createLab({ routers: 1 });
    web = lab.addresses.server4;
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('http: keep-alive, /, /big, /slow, on IPv4 and IPv6, with an event log file', async () => {
    const server = await lab.startServer('http', { log: true });
    try {
      const root = await httpGet(lab, `http://${web}:${server.port}/`);
      expect(root.status, root.raw).toBe(200);
      const big = await httpGet(lab, `http://[${lab.addresses.server6}]:${server.port}/big`);
      expect(big.bodyBytes).toBe(200 * 1024);
      const slow = await httpGet(lab, `http://${web}:${server.port}/slow?ms=300`);
      expect(slow.status).toBe(200);
      expect(slow.elapsedMs).toBeGreaterThanOrEqual(290);
      if (curlAvailable()) {
        const twice = await lab.exec(lab.names.client, 'curl', [
          '-sv',
          '-o',
          '/dev/null',
          '-o',
          '/dev/null',
          `http://${web}:${server.port}/`,
          `http://${web}:${server.port}/`,
        ]);
        expect(twice.stderr).toMatch(/Re-using existing connection|reusing connection/i);
      }
      expect(server.logFile).not.toBeNull();
      const log = readFileSync(server.logFile ?? '', 'utf8');
      expect(log).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z request GET \/big from \[fd00:5e7:1::2\]:\d+ \(http\)$/m,
      );
    } finally {
      await server.stop();
    }
  });

  it('http --tls: self-signed certificate for web.lab.test and the server addresses', async () => {
    const server = await lab.startServer('http', { tls: true });
    try {
      expect(server.certFile).not.toBeNull();
      const byName = await httpGet(lab, `https://web.lab.test:${server.port}/`, {
        caFile: server.certFile ?? '',
      });
      expect(byName.status, byName.raw).toBe(200);
      const byIp = await httpGet(lab, `https://${web}:${server.port}/`, {
        caFile: server.certFile ?? '',
        tool: 'node',
      });
      expect(byIp.status, byIp.raw).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('reset-on-accept: RST before anything is read', async () => {
    const server = await lab.startServer('reset-on-accept');
    try {
      const events = await tcpSession(lab, web, server.port, { waitMs: 2000 });
      expect(events.map((e) => e.type)).toContain('error');
      expect(events.find((e) => e.type === 'error')?.code).toBe('ECONNRESET');
      const r = await httpGet(lab, `http://${web}:${server.port}/`);
      expect(r.error, r.raw).toBe('ECONNRESET');
    } finally {
      await server.stop();
    }
  });

  it('reset-on-request over TLS: RST after the request arrives', async () => {
    const server = await lab.startServer('reset-on-request', { tls: true });
    try {
      const r = await httpGet(lab, `https://web.lab.test:${server.port}/`, { caFile: server.certFile ?? '' });
      expect(r.error, r.raw).toBe('ECONNRESET');
    } finally {
      await server.stop();
    }
  });

  it('reset-mid-response: headers and 8 KB of a 100 KB body, then RST', async () => {
    const server = await lab.startServer('reset-mid-response');
    try {
      const events = await tcpSession(lab, web, server.port, {
        send: 'GET / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n',
      });
      const received = events.filter((e) => e.type === 'data').reduce((n, e) => n + (e.bytes ?? 0), 0);
      expect(events.find((e) => e.type === 'data')?.text).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(received).toBeGreaterThan(8 * 1024);
      expect(received).toBeLessThan(9 * 1024);
      expect(events.find((e) => e.type === 'error')?.code).toBe('ECONNRESET');
    } finally {
      await server.stop();
    }
  });

  it('crash-on-request --supervise: resets, port closed while down, back after the delay', async () => {
    const server = await lab.startServer('crash-on-request', { superviseSeconds: 1 });
    try {
      const first = await httpGet(lab, `http://${web}:${server.port}/`);
      expect(first.error, first.raw).toBe('ECONNRESET');
      await server.waitForOutput(/server exited \(code 1\)/, 3000);
      const down = await httpGet(lab, `http://${web}:${server.port}/`);
      expect(down.error, down.raw).toBe('ECONNREFUSED');
      await server.waitForOutput(/READY \d+\n(.|\n)*READY \d+/, 5000);
      const again = await tcpSession(lab, web, server.port, {
        send: 'GET / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n',
      });
      expect(again.map((e) => e.type)).toContain('connect');
      expect(again.find((e) => e.type === 'error')?.code).toBe('ECONNRESET');
    } finally {
      await server.stop();
    }
  });

  it('idle-close: a keep-alive connection idle for N seconds gets an RST', async () => {
    const server = await lab.startServer('idle-close', { idleSeconds: 1 });
    try {
      const events = await tcpSession(lab, web, server.port, {
        send: 'GET / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n',
        waitMs: 3000,
      });
      expect(events.find((e) => e.type === 'data')?.text).toMatch(/^HTTP\/1\.1 200 OK/);
      const error = events.find((e) => e.type === 'error');
      expect(error?.code).toBe('ECONNRESET');
      expect(error?.t ?? 0).toBeGreaterThanOrEqual(900);
      expect(error?.t ?? 0).toBeLessThan(2500);
    } finally {
      await server.stop();
    }
  });

  it('http --delay-seconds: every answer comes that much later', async () => {
    const server = await lab.startServer('http', { delaySeconds: 1 });
    try {
      const r = await httpGet(lab, `http://${web}:${server.port}/`);
      expect(r.status, r.raw).toBe(200);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(950);
      expect(r.elapsedMs).toBeLessThan(1500);
    } finally {
      await server.stop();
    }
  });

  it('cutoff-reset: the request is read, nothing answered, RST after the cut-off', async () => {
    const server = await lab.startServer('cutoff-reset', { cutoffSeconds: 1 });
    try {
      const events = await tcpSession(lab, web, server.port, {
        send: 'GET / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n',
      });
      expect(events.map((e) => e.type)).not.toContain('data');
      const error = events.find((e) => e.type === 'error');
      expect(error?.code).toBe('ECONNRESET');
      expect(error?.t ?? 0).toBeGreaterThanOrEqual(950);
      expect(error?.t ?? 0).toBeLessThan(1500);
      await server.waitForOutput(/unanswered after 1 s: cut off \(cutoff-reset\)/, 1000);
    } finally {
      await server.stop();
    }
  });

  it('cutoff-close: the request is read, nothing answered, FIN after the cut-off', async () => {
    const server = await lab.startServer('cutoff-close', { cutoffSeconds: 1 });
    try {
      const events = await tcpSession(lab, web, server.port, {
        send: 'GET / HTTP/1.1\\r\\nHost: web\\r\\n\\r\\n',
      });
      expect(events.map((e) => e.type)).not.toContain('data');
      expect(events.map((e) => e.type)).not.toContain('error');
      const end = events.find((e) => e.type === 'end');
      expect(end?.t ?? 0).toBeGreaterThanOrEqual(950);
      expect(end?.t ?? 0).toBeLessThan(1500);
    } finally {
      await server.stop();
    }
  });

  it('reset-every-nth: every 3rd request on the server is reset, whichever connection carries it', async () => {
    const server = await lab.startServer('reset-every-nth', { every: 3 });
    try {
      const outcomes = await httpSequence(lab, Array<string>(9).fill(`http://${web}:${server.port}/`));
      expect(outcomes).toEqual([200, 200, 'ECONNRESET', 200, 200, 'ECONNRESET', 200, 200, 'ECONNRESET']);
    } finally {
      await server.stop();
    }
  });

  it('reset-random: the seeded share of requests is reset, the same ones on every start', async () => {
    const runs: (number | string)[][] = [];
    for (let start = 0; start < 2; start++) {
      const server = await lab.startServer('reset-random', { percent: 30, seed: 20 });
      try {
        runs.push(await httpSequence(lab, Array<string>(20).fill(`http://${web}:${server.port}/`)));
      } finally {
        await server.stop();
      }
    }
    const resets = runs[0]!.filter((o) => o === 'ECONNRESET').length;
    expect(resets).toBeGreaterThanOrEqual(3);
    expect(resets).toBeLessThanOrEqual(10);
    expect(runs[0]!.filter((o) => o !== 'ECONNRESET').every((o) => o === 200)).toBe(true);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('silent: accepts and never answers', async () => {
    const server = await lab.startServer('silent');
    try {
      const r = await httpGet(lab, `http://${web}:${server.port}/`, { timeoutMs: 800 });
      expect(r.error, r.raw).toBe('ETIMEDOUT');
      await server.waitForOutput(/accepted connection from/, 1000);
    } finally {
      await server.stop();
    }
  });

  it('banner: a non-HTTP port that greets first', async () => {
    const server = await lab.startServer('banner');
    try {
      const events = await tcpSession(lab, web, server.port, { waitMs: 500 });
      expect(events.find((e) => e.type === 'data')?.text).toBe('SSH-2.0-LabServer\r\n');
      expect(events.map((e) => e.type)).not.toContain('error');
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(reason)(`lab injector --cutoff${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let lab: Lab;
  let server: LabServer;
  let injector: () => string;

  beforeAll(async () => {
    lab = await createLab();
    // The server answers / at once and /slow after the ms asked for; router 2 cuts off after 1 s.
    server = await lab.startServer('http', { port: 80 });
    injector = await onPathInjector(lab, 'HTTP/1.', ['--cutoff', '1']);
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('resets a request without an answer after the cut-off, as if from the server', async () => {
    const r = await httpGet(lab, `http://${lab.addresses.server4}/slow?ms=3000`, { tool: 'node' });
    expect(r.error, r.raw).toBe('ECONNRESET');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(r.elapsedMs).toBeLessThan(1500);
    expect(injector()).toMatch(/cut off 198\.18\.1\.2:\d+ after 1\.0 s/);
  });

  it('leaves answered requests alone; on a kept-alive connection each request has its own clock', async () => {
    const base = `http://${lab.addresses.server4}`;
    const cutBefore = injector().match(/cut off/g)?.length ?? 0;
    const acceptedBefore = server.output().match(/accepted connection/g)?.length ?? 0;
    const outcomes = await httpSequence(lab, [`${base}/big`, `${base}/`, `${base}/slow?ms=3000`], {
      keepAlive: true,
    });
    expect(outcomes).toEqual([200, 200, 'ECONNRESET']);
    expect((server.output().match(/accepted connection/g)?.length ?? 0) - acceptedBefore).toBe(1);
    expect((injector().match(/cut off/g)?.length ?? 0) - cutBefore).toBe(1);
  });
});
