import { describe, expect, it } from 'vitest';
import { signalStrength } from './reset-words.js';

const vote = (v: string, weight: number | null) => ({ vote: v, weight });

describe('signalStrength', () => {
  it('says how strongly the signals back the sender in words and weights, never as a percentage', () => {
    const ttlAlone = signalStrength({ origin: 'path', signals: [vote('path', 3), vote('neutral', 0)] });
    expect(ttlAlone).toBe('strong (weight 3 for it, none against)');
    const withHint = signalStrength({ origin: 'path', signals: [vote('path', 3), vote('server', 0.5)] });
    expect(withHint).toBe('moderate (weight 3 for it, 0.5 against)');
    expect(signalStrength({ origin: 'server', signals: [vote('server', 1.5), vote('path', 1)] })).toBe(
      'weak (weight 1.5 for it, 1 against)',
    );
    expect(signalStrength({ origin: 'server', signals: [vote('server', 1), vote('path', 1)] })).toBe(
      'contested (weight 1 for it, 1 against)',
    );
    for (const s of [ttlAlone, withHint]) expect(s).not.toMatch(/%/);
  });

  it('names no side when the reset has none, and says nothing without weights (older reports)', () => {
    expect(signalStrength({ origin: 'unknown', signals: [vote('neutral', 0)] })).toBe(
      'none (the signals point to neither side)',
    );
    expect(signalStrength({ origin: 'path', signals: [vote('path', null)] })).toBeNull();
    expect(signalStrength({ origin: 'path', signals: [] })).toBeNull();
  });
});
