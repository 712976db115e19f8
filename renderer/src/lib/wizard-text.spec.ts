import { describe, expect, it } from 'vitest';
import { wizardWords } from './wizard-text.js';

describe('wizardWords', () => {
  it("names the start page's fields, as the run options' table labels them, instead of CLI flags", () => {
    expect(wizardWords('off: pass --idle-max SECONDS to hold connections idle')).toBe(
      'off: turn on "Idle test" on the start page to hold connections idle',
    );
    expect(wizardWords('No log file was given: pass --log <file> with the server log')).toBe(
      'No log file was given: fill in "Server log file" on the start page with the server log',
    );
    expect(wizardWords('no error text given: pass --error "TEXT" with what it printed')).toBe(
      'no error text given: paste it into "Error message" on the start page with what it printed',
    );
    expect(wizardWords('disabled (--rate-max 0)')).toBe('disabled ("New connections per second" set to 0)');
    expect(wizardWords('disabled (--concurrency 0)')).toBe('disabled ("Concurrent connections" set to 0)');
    expect(wizardWords('not selected (--steps)')).toBe('not selected');
  });
});
