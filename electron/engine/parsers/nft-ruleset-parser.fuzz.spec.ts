/**
 * Fuzz: `nft -j list ruleset` listings. Text that is not JSON, or JSON without the "nftables" array, is
 * refused with a one-line error (the caller says so); any listing that is one, however its items are
 * edited (wrong types, removed or doubled fields, traps such as a "toString" key), reads into rules of the
 * documented shape without throwing, and the matcher reads those rules against any target.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureTexts,
  fuzzParams,
  jsonish,
  LONG_INPUT_MS,
  mutatedJson,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { checkMatches, checkRules, matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import { mergeFirewallViews } from './firewall-views.js';
import { parseNftListing } from './nft-ruleset-parser.js';

const SEEDS = fixtureTexts('.', (name) => name.endsWith('.nft-json.txt'));

function isListing(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      Array.isArray((parsed as { nftables?: unknown }).nftables)
    );
  } catch {
    return false;
  }
}

describe('parseNftListing (fuzz)', () => {
  it('reads every edited listing into rules in shape, and the matcher reads them', () => {
    fc.assert(
      fc.property(mutatedJson(SEEDS), matchTarget, (text, target) => {
        let ruleset;
        try {
          ruleset = timed(() => parseNftListing(text));
        } catch (error) {
          // Only a document that is no listing at all may be refused.
          if (isListing(text)) throw error;
          expect((error as Error).message).not.toMatch(/[\r\n]/);
          return;
        }
        checkRules(ruleset.rules);
        checkMatches(ruleset.rules, target);
        checkRules(mergeFirewallViews(ruleset, []).rules);
      }),
      fuzzParams(150),
    );
  });

  it('refuses text that is not a listing in one line, never anything worse', () => {
    const anyJson = jsonish(3).map((value) => JSON.stringify({ nftables: value }) ?? '');
    fc.assert(
      fc.property(fc.oneof(textInput(SEEDS), anyJson), (text) => {
        try {
          checkRules(timed(() => parseNftListing(text)).rules);
        } catch (error) {
          if (isListing(text)) throw error;
          expect((error as Error).message).not.toMatch(/[\r\n]/);
        }
      }),
      fuzzParams(300),
    );
  });

  it('reads a listing of 10,000 rules in bounded time', () => {
    const listing = JSON.parse(SEEDS[0] ?? '{}') as { nftables: unknown[] };
    const rules = listing.nftables.filter(
      (item) => typeof item === 'object' && item !== null && 'rule' in item,
    );
    const many = {
      nftables: [...listing.nftables, ...Array.from({ length: 10_000 }, (_, i) => rules[i % rules.length])],
    };
    const parsed = timed(() => parseNftListing(JSON.stringify(many)), LONG_INPUT_MS, 'parseNftListing');
    expect(parsed.rules.length).toBeGreaterThan(10_000);
  });
});
