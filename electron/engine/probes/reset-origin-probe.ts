import type { ResetOriginData } from '../../shared/reset-data-info.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import {
  AFTER_OWN_CLOSE,
  countedResets,
  judgeCloses,
  judgeResets,
  serverReference,
} from '../forensics/reset-origin.js';
import { RAW_SOCKET_GRANT } from '../net/raw-network.js';
import { pingProbe } from './ping-probe.js';
import { NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { runConversations } from './run-conversations.js';
import { tracerouteProbe } from './traceroute-probe.js';

// Declared where the faces read it too (the wizard and the reports show every verdict).
export type { ResetOriginData } from '../../shared/reset-data-info.js';

export const NO_CAPTURE = `capturing packets needs raw sockets: ${RAW_SOCKET_GRANT}`;

/** Who sent each reset the run met, from the TTL of the captured RST against the server's own packets. */
export const resetOriginProbe: ProbeDefinition<ResetOriginData> = {
  id: 'reset-origin',
  title: 'Who sent the reset',
  async run(ctx) {
    const capture = ctx.env.capture;
    if (!capture) return { status: 'skipped', reason: NO_CAPTURE };
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const packets = capture.packets();
    const reference = serverReference(
      address.address,
      packets,
      ctx.results.data(pingProbe)?.replyTtl ?? null,
      ctx.results.data(tracerouteProbe)?.destinationHop ?? null,
    );
    const conversations = runConversations(ctx.results);
    const resets = judgeResets(conversations, packets, reference);
    const data: ResetOriginData = {
      reference,
      resets,
      closes: judgeCloses(conversations, packets, reference),
    };
    const counted = countedResets(resets);
    const late = resets.length - counted.length;
    if (late === resets.length) {
      const summary =
        late === 0 ? 'No reset was captured' : `No reset was met; ${late} came ${AFTER_OWN_CLOSE}`;
      return { status: 'complete', summary, assessment: 'ok', data };
    }
    const origins = [
      ...new Set(
        counted.map((r) => (r.origin === 'path' ? (r.hop ? `hop ${r.hop}` : 'the path') : r.origin)),
      ),
    ];
    return {
      status: 'complete',
      summary: `${counted.length} reset${counted.length > 1 ? 's' : ''} captured, sent by: ${origins.join(', ')}. ${counted[0]!.reason}`,
      assessment: 'fail',
      data,
    };
  },
};
