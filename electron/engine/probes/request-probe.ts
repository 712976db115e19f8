import type { Conversation } from '../net/conversation-types.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase, exchangeFor } from './conversation-helpers.js';
import { ms, NO_ADDRESS, targetAddress } from './probe-helpers.js';

export interface RequestData {
  protocol: 'http' | 'https' | 'tcp';
  requestLine: string | null;
  conversation: Conversation;
}

export const requestProbe: ProbeDefinition<RequestData> = {
  id: 'request',
  title: 'Reproduce the request',
  async run(ctx) {
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const { target } = ctx.env;
    const exchange = exchangeFor(target);
    const conversation = await ctx.env.io.tcp.converse(
      { ...conversationBase(ctx, address), ...exchange },
      ctx.signal,
    );
    const data: RequestData = {
      protocol: target.scheme,
      requestLine: exchange.send ? exchange.send.split('\r\n', 1)[0]! : null,
      conversation,
    };
    return { status: 'complete', summary: summarize(data), assessment: assess(conversation), data };
  },
};

function assess(c: Conversation): 'ok' | 'warn' | 'fail' {
  if (c.outcome !== 'complete') return 'fail';
  if ((c.response?.statusCode ?? 0) >= 500 || (c.tls && !c.tls.authorized)) return 'warn';
  return 'ok';
}

function summarize({ protocol, conversation: c }: RequestData): string {
  const tls = c.tls
    ? ` over ${c.tls.protocol} (${c.tls.cipher})${c.tls.certificateError ? `, certificate problem: ${c.tls.certificateError}` : ''}`
    : '';
  switch (c.outcome) {
    case 'complete':
      if (protocol === 'tcp')
        return `Connection held open${c.bytesReceived ? `, ${c.bytesReceived} bytes of banner` : ''}, no reset${tls}`;
      return `${c.response?.statusLine ?? 'response'} after ${ms(c.firstByteMs ?? 0)}, ${c.bytesReceived} bytes${tls}`;
    case 'reset':
      return `Connection reset during ${c.phase}, after ${c.bytesSent} bytes sent and ${c.bytesReceived} received${tls}`;
    case 'refused':
      return 'The connection was refused (reset answering the SYN)';
    case 'closed':
      return `The server closed the connection during ${c.phase} (${c.bytesReceived} bytes received)`;
    case 'timeout':
      return `No answer during ${c.phase} within the timeout (${c.bytesSent} bytes sent, ${c.bytesReceived} received)${tls}`;
    default:
      return `${c.failure?.message ?? 'failed'} during ${c.phase}`;
  }
}
