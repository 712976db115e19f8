/**
 * Fuzz: the Windows Firewall's rules as Get-NetFirewallRule's JSON (the recorded fixtures with structural
 * edits: wrong types, removed or doubled fields, keys such as "toString") and as netsh's text (mutated).
 * JSON that does not parse is refused in one line; anything else reads into rules of the documented shape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureText,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  mutatedJson,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { checkMatches, checkRules, matchTarget } from '../../../test/unit/fuzz-firewall-rules.js';
import { countWindowsRules, parseNetFirewallJson, parseNetshRules } from './windows-firewall-parser.js';

const JSON_SEEDS = ['get-netfirewallrule.json.txt', 'get-netfirewallrule-numeric.json.txt'].map((name) =>
  fixtureText(`firewall-os/${name}`),
);
const NETSH_SEEDS = ['netsh-show-rule-verbose.txt', 'netsh-no-rules.txt'].map((name) =>
  fixtureText(`firewall-os/${name}`),
);

function parses(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\uFEFF/, '').trim());
    return true;
  } catch {
    return false;
  }
}

describe('Windows Firewall readers (fuzz)', () => {
  it('read any JSON Get-NetFirewallRule could print into rules in shape', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson(JSON_SEEDS), textInput(JSON_SEEDS)), matchTarget, (text, target) => {
        let rules;
        try {
          rules = timed(() => parseNetFirewallJson(text));
        } catch (error) {
          if (parses(text)) throw error;
          expect((error as Error).message).not.toMatch(/[\r\n]/);
          return;
        }
        checkRules(rules);
        expect(countWindowsRules(rules)).toBeLessThanOrEqual(rules.length);
        checkMatches(rules, target);
      }),
      fuzzParams(300),
    );
  });

  it('read mutated netsh output into rules in shape', () => {
    fc.assert(
      fc.property(textInput(NETSH_SEEDS), matchTarget, (text, target) => {
        const { rules, listed } = timed(() => parseNetshRules(text));
        checkRules(rules);
        expect(Number.isInteger(listed) && listed >= 0).toBe(true);
        checkMatches(rules, target);
      }),
      fuzzParams(300),
    );
  });

  it.each(longInputs(NETSH_SEEDS.slice(0, 1)))('stays linear on $name', ({ text }) => {
    timed(() => parseNetshRules(text), LONG_INPUT_MS, 'parseNetshRules');
  });
});
