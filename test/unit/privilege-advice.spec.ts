import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RAW_SOCKET_GRANT } from '../../electron/engine/net/raw-network.js';
import { NO_CAPTURE } from '../../electron/engine/probes/reset-origin-probe.js';

// Granting CAP_NET_RAW to the system's node gives raw sockets to every Node.js script on the machine.
const SYSTEM_NODE = /setcap[^\n]*(?:command -v node|which node|\/usr\/(?:local\/)?bin\/node)/;

describe('raw-socket advice', () => {
  it('never tells anyone to setcap the system node', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const text of [readme, RAW_SOCKET_GRANT, NO_CAPTURE]) expect(text).not.toMatch(SYSTEM_NODE);
  });

  it('offers sudo for the run, or the capability on a dedicated copy, with the warning in the README', () => {
    expect(RAW_SOCKET_GRANT).toMatch(/sudo/);
    expect(RAW_SOCKET_GRANT).toMatch(/copy of node kept for Reset Doctor.*never on the system node/);
    expect(NO_CAPTURE).toContain(RAW_SOCKET_GRANT);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('sudo setcap cap_net_raw+ep /usr/local/lib/reset-doctor/node');
    expect(readme).toMatch(/Never `setcap` the system's `node`/);
    // The desktop app and serve --helper: capabilities on the helper's launcher alone.
    expect(readme).toMatch(/the one\s+file that holds capabilities/);
    expect(readme).toContain(
      'sudo setcap cap_net_raw,cap_net_admin+p /usr/local/lib/reset-doctor/reset-doctor-helper',
    );
  });
});
