import { parseErrorText, type ErrorTextInfo } from '../parsers/error-text-parser.js';
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
        reason: 'no error text given: pass --error "TEXT" with what the application printed',
      };
    const data = { text: text.slice(0, 4000), ...parseErrorText(text) };
    const who = data.client ? `${data.client}: ` : '';
    const summary = data.isReset
      ? `${who}connection reset${data.phase ? ` in the ${data.phase} phase` : ''}${data.target ? ` talking to ${data.target}` : ''}`
      : `${who}not a connection reset message; going on with the target`;
    return { status: 'complete', summary, assessment: data.isReset ? 'warn' : 'ok', data };
  },
};
