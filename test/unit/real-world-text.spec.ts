import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientRight, figures, met, phaseRight, readSet, targetRight } from '../../bench/real-world-score.js';

/**
 * The parsers on the half of the labelled real-world set kept in the repository (copied from public issue
 * trackers, each entry with its source link): held to the goals, so a change that reads one family
 * better and another worse shows up here. `npm run bench:text` prints the same figures with every miss.
 */
const SET = fileURLToPath(new URL('../../electron/engine/parsers/fixtures/real-world/', import.meta.url));

describe('the parsers on real-world text', () => {
  const { table, texts, lines } = figures(readSet(SET));

  it.each(table.filter((f) => f.goal !== null).map((f) => [f.name, f] as const))(
    '%s meets its goal',
    (_n, f) => {
      expect(met(f), `${f.right}/${f.of}`).toBe(true);
    },
  );

  it('keeps every near-miss (timeout, refusal, stream reset, broken pipe) apart from a reset', () => {
    const wrong = texts.filter((t) => !t.entry.is_reset && t.info.isReset).map((t) => t.entry.id);
    expect(wrong).toEqual([]);
  });

  it('flags no quiet log line', () => {
    expect(lines.filter((l) => !l.entry.should_flag && l.category !== null).map((l) => l.entry.id)).toEqual(
      [],
    );
  });
});

describe('the scoring itself', () => {
  it('names a client right by its program, runtime or library, and wrong otherwise', () => {
    expect(clientRight('Node.js fetch (undici)', 'Node.js')).toBe(true);
    expect(clientRight('docker pull (Go)', 'Go')).toBe(true);
    expect(clientRight('Redis (redis-py)', 'Redis client')).toBe(true);
    expect(clientRight('Redis (redis-py)', 'Java')).toBe(false);
    expect(clientRight('Firefox', null)).toBe(false);
  });

  it('reads an unknown phase as one the parser must not guess', () => {
    expect(phaseRight('unknown', null)).toBe(true);
    expect(phaseRight('unknown', 'response')).toBe(false);
    expect(phaseRight('send', 'request')).toBe(true);
    expect(phaseRight('receive', 'transfer')).toBe(true);
  });

  it('compares targets by host and, when both name one, port', () => {
    expect(targetRight({ target: 'https://a.example/x' }, 'a.example:443')).toBe(true);
    expect(targetRight({ target: 'a.example:8443' }, 'https://a.example/x')).toBe(false);
    expect(targetRight({ target: null }, 'http://docs.example/')).toBe(false);
    expect(targetRight({ target: 'x.example:80', target_alt: ['10.0.0.1:80'] }, '10.0.0.1')).toBe(true);
  });
});
