import type { ProbeDefinition } from '../runner/probe-types.js';

export interface PrivilegesData {
  rawSockets: boolean;
  icmpMethod: string | null;
  capture: boolean;
  note: string;
}

export const privilegesProbe: ProbeDefinition<PrivilegesData> = {
  id: 'privileges',
  title: 'Privileges',
  async run({ env }) {
    const data: PrivilegesData = {
      rawSockets: env.privileges.raw,
      icmpMethod: env.io.icmp?.method ?? null,
      capture: env.capture !== null,
      note: env.privileges.note,
    };
    const summary = env.privileges.raw
      ? 'Raw sockets available: ICMP through net-ping and packet capture'
      : `No raw sockets: ${data.icmpMethod ? 'ICMP through the system ping tool' : 'no ICMP'}, no packet capture. ${env.privileges.note}`;
    return { status: 'complete', summary, assessment: env.privileges.raw ? 'ok' : 'warn', data };
  },
};
