import type { TargetInfo } from '../../shared/target-info.js';
import type { ProbeDefinition } from '../runner/probe-types.js';

export interface TargetData extends TargetInfo {
  internationalized: boolean;
}

export const targetProbe: ProbeDefinition<TargetData> = {
  id: 'target',
  title: 'Target',
  async run({ env }) {
    const t = env.target;
    const data: TargetData = { ...t, internationalized: t.host !== t.hostAscii && t.ipVersion === null };
    const idn = data.internationalized ? ` (${t.hostAscii} on the wire)` : '';
    const kind = t.ipVersion ? `IPv${t.ipVersion} address` : 'host name';
    const what = t.scheme === 'tcp' ? 'TCP service' : `${t.scheme.toUpperCase()} service`;
    const host = t.ipVersion === 6 ? `[${t.host}]` : t.host;
    return {
      status: 'complete',
      summary: `${what} at ${host}:${t.port}, ${kind}${idn}`,
      assessment: 'ok',
      data,
    };
  },
};
