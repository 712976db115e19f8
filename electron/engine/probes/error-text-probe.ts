import { errorTextSummary, parseErrorText, type ErrorTextInfo } from '../parsers/error-text-parser.js';
import type { ProbeDefinition } from '../runner/probe-types.js';

export type ErrorTextData = ErrorTextInfo & { text: string };

export const errorTextProbe: ProbeDefinition<ErrorTextData> = {
  id: 'error-text',
  title: 'The error the application printed',
  async run({ env }) {
    const text = env.options.errorText;
    if (!text)
      return {
        status: 'skipped',
        reason:
          'no error text given: what the application printed tells which client met the reset, and when',
        enables: { option: 'errorText' },
      };
    const data = { text: text.slice(0, 4000), ...parseErrorText(text) };
    // e.g. 'curl (exit 56): the peer reset the connection while receiving the response from api.lab.test:443'
    return {
      status: 'complete',
      summary: errorTextSummary(data),
      assessment: data.isReset ? 'warn' : 'ok',
      data,
    };
  },
};
