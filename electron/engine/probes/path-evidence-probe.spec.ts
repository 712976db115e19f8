import { describe, expect, it } from 'vitest';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { conv } from '../../../test/unit/facts-fixture.js';
import { pathEvidenceProbe } from './path-evidence-probe.js';

describe('path-evidence probe', () => {
  it('says what it judged, the connect test, so a reset from the path met later does not contradict it', async () => {
    const ctx = probeContext(
      {},
      {
        dns: { addresses: [{ address: '198.18.4.2', family: 4 }] },
        'tcp-connect': { attempts: [conv({ outcome: 'complete', at: 5 })], port: 80 },
      },
    );
    const outcome = completed(await pathEvidenceProbe.run(ctx));
    expect(outcome.summary).toBe(
      'Nothing on the path interfered with the connect test: no silent drop (resets could not be captured without raw sockets)',
    );
    expect(outcome.assessment).toBe('ok');
  });
});
