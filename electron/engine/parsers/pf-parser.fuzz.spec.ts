/**
 * Fuzz: macOS's `pfctl -sr`, `pfctl -si` and socketfilterfw output (the recorded fixtures, mutated, and
 * hostile text): rules of the documented shape, never a throw, bounded time; then the rules for a target and
 * the matcher over them.
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
import { checkMatches, checkRules, matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import { applicationFirewallFrontend } from './firewall-frontends-parser.js';
import { parsePfInfo, parsePfRules, parseSocketFilterFw, pfRulesForTarget } from './pf-parser.js';

const SEEDS = [
  'pfctl-sr.txt',
  'pfctl-si-enabled.txt',
  'pfctl-si-disabled.txt',
  'pfctl.stderr.txt',
  'pfctl-denied.stderr.txt',
  'socketfilterfw.txt',
].map((name) => fixtureText(`firewall-os/${name}`));

const isTri = (value: unknown): boolean => value === null || typeof value === 'boolean';

describe('pf readers (fuzz)', () => {
  it('read mutated pfctl output into rules in shape, and the matcher reads them', () => {
    fc.assert(
      fc.property(textInput(SEEDS), matchTarget, (text, target) => {
        const ruleset = timed(() => parsePfRules(text));
        checkRules(ruleset.rules);
        expect(ruleset.ruleCount).toBeLessThanOrEqual(ruleset.rules.length);
        const forTarget = timed(() => pfRulesForTarget(ruleset.rules, target));
        checkRules(forTarget);
        checkMatches(forTarget, target);
        expect(isTri(timed(() => parsePfInfo(text)).enabled)).toBe(true);
        const state = timed(() => parseSocketFilterFw(text));
        expect([state.enabled, state.blockAll, state.stealth].every(isTri)).toBe(true);
        expect(applicationFirewallFrontend(state).summary).not.toMatch(/[\r\n]/);
      }),
      fuzzParams(300),
    );
  });

  it.each(longInputs(SEEDS.slice(0, 1)))('stays linear on $name', ({ text }) => {
    timed(
      () => {
        parsePfRules(text);
        parsePfInfo(text);
        parseSocketFilterFw(text);
      },
      LONG_INPUT_MS,
      'the pf readers',
    );
  });
});
