/**
 * Fuzz: iptables-save / ip6tables-save listings (the recorded fixtures, mutated line by line and character by
 * character, and hostile text) read into rules of the documented shape, never throwing, in bounded time; the
 * matcher then reads those rules against any target.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureText,
  fixtureTexts,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { checkMatches, checkRules, matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import { mergeFirewallViews } from './firewall-views.js';
import { iptablesSaveInfo, parseIptablesSave } from './iptables-save-parser.js';
import { parseNftListing } from './nft-ruleset-parser.js';

const SEEDS = fixtureTexts('.', (name) => /save(?:\.stderr)?\.txt$|iptables-save\.txt$/.test(name));
/** The nft view of the same host, with which the iptables-save views are merged. */
const NFT = parseNftListing(fixtureText('host-combined.nft-json.txt'));
const source = fc.constantFrom('iptables' as const, 'ip6tables' as const);

describe('parseIptablesSave (fuzz)', () => {
  it('finds the seeds', () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(8);
  });

  it('reads mutated listings into rules in shape, and the matcher reads them', () => {
    fc.assert(
      fc.property(textInput(SEEDS), source, matchTarget, (text, family, target) => {
        const info = timed(() => iptablesSaveInfo(text));
        expect(['nf_tables', 'legacy', 'unknown']).toContain(info.backend);
        const rules = timed(() => parseIptablesSave(text, family));
        checkRules(rules);
        checkMatches(rules, target);
        const merged = timed(() => mergeFirewallViews(NFT, [{ source: family, rules, info }]));
        expect(merged.rules.length).toBeLessThanOrEqual(NFT.rules.length + rules.length);
      }),
      fuzzParams(150),
    );
  });

  it.each(longInputs(SEEDS.slice(0, 1)))('stays linear on $name', ({ text }) => {
    const rules = timed(() => parseIptablesSave(text, 'iptables'), LONG_INPUT_MS, 'parseIptablesSave');
    checkRules(rules.slice(0, 100));
  });
});
