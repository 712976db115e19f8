/**
 * Fuzz: ufw's and firewalld's own views (the recorded fixtures, mutated, and hostile text). Each answer has
 * the documented shape and a one-line summary, whatever the tool printed, and comes in bounded time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureText,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import {
  firewalldFrontend,
  mentionsPort,
  parseFirewalldListAll,
  parseFirewalldState,
  parseUfwStatus,
  type FirewallFrontend,
} from './firewall-frontends-parser.js';

const SEEDS = [
  'ufw-status-verbose.txt',
  'ufw-status-inactive.txt',
  'ufw-not-root.stderr.txt',
  'firewalld-list-all.txt',
  'firewalld-state-running.txt',
  'firewalld-state-not-running.txt',
].map((name) => fixtureText(`firewall-os/${name}`));

function checkFrontend(frontend: FirewallFrontend): void {
  expect(frontend.active === null || typeof frontend.active === 'boolean').toBe(true);
  expect(frontend.summary).not.toMatch(/[\r\n]/);
  expect(frontend.relevant.every((line) => typeof line === 'string' && !/[\r\n]/.test(line))).toBe(true);
}

describe('firewall front ends (fuzz)', () => {
  it('read mutated ufw and firewalld output in shape, with one-line summaries', () => {
    fc.assert(
      fc.property(textInput(SEEDS), matchTarget, fc.option(fc.boolean()), (text, target, running) => {
        checkFrontend(timed(() => parseUfwStatus(text, target)));
        const state = timed(() => parseFirewalldState(text));
        expect(state === null || typeof state === 'boolean').toBe(true);
        const zone = timed(() => parseFirewalldListAll(text));
        if (zone !== null) expect(zone.richRules.every((rule) => typeof rule === 'string')).toBe(true);
        checkFrontend(timed(() => firewalldFrontend(running, text, target)));
        expect(typeof mentionsPort(text, target.port)).toBe('boolean');
      }),
      fuzzParams(300),
    );
  });

  it.each(longInputs(SEEDS.slice(0, 1).concat(SEEDS.slice(3, 4))))('stays linear on $name', ({ text }) => {
    const target = { addresses: ['198.18.4.2'], port: 443 };
    timed(
      () => {
        parseUfwStatus(text, target);
        firewalldFrontend(true, text, target);
        mentionsPort(text, 443);
      },
      LONG_INPUT_MS,
      'the front-end readers',
    );
  });
});
