import type { OptionHint, SettleStep } from './cause-info.js';
import {
  NUMERIC_OPTIONS,
  RUN_OPTIONS,
  runOption,
  zeroTurnsOff,
  type RunOptionSpec,
} from './run-options-info.js';

/**
 * How each face says "set this option and run again". The engine only names the option and its value
 * (`OptionHint`); the CLI and the Markdown, which a terminal user reads, say it with the option's flag,
 * the wizard and the HTML with the label of its field on the start page. Both read the option's one
 * entry in run-options-info.ts, so a flag or label renamed there is renamed in every hint.
 * No Node imports: the renderer imports this file.
 */

// The schema admits only the table's keys; a report kept from a later version may name one gone here.
function specOf(hint: OptionHint): RunOptionSpec | undefined {
  return (RUN_OPTIONS as readonly RunOptionSpec[]).find((o) => o.key === hint.option);
}

/** "Run again with `--idle-max 120`." or, with no value to propose, "Run again with `--log FILE`." */
export function cliHint(hint: OptionHint): string {
  const spec = specOf(hint);
  if (!spec) return 'Run again.';
  return `Run again with \`${spec.flag} ${hint.value ?? spec.metavar}\`.`;
}

/**
 * 'Turn on "Idle test" on the start page ("Maximum idle seconds": 120) and run again.', 'Fill in
 * "Server log file" on the start page and run again.' or 'Set "Repeated requests" to 10 on the start
 * page and run again.'
 */
export function wizardHint(hint: OptionHint): string {
  const spec = specOf(hint);
  if (!spec) return 'Run again.';
  const value = hint.value === undefined ? null : String(hint.value);
  if ('toggle' in spec && spec.toggle) {
    const set = value === null ? '' : ` ("${spec.label}": ${value})`;
    return `Turn on "${spec.toggle.label}" on the start page${set} and run again.`;
  }
  if (value === null) return `Fill in "${spec.label}" on the start page and run again.`;
  return `Set "${spec.label}" to ${value} on the start page and run again.`;
}

/** A step to settle it as the CLI and the Markdown say it: the hint in the flag's words, then why. */
export function cliSettleText(step: SettleStep): string {
  return step.enables ? `${cliHint(step.enables)} ${step.text}` : step.text;
}

/** A step to settle it as the wizard and the HTML say it: the hint in the start page's words, then why. */
export function wizardSettleText(step: SettleStep): string {
  return step.enables ? `${wizardHint(step.enables)} ${step.text}` : step.text;
}

/** A skipped probe's way back in: the option that makes it run (ProbeReport.enables), if any. */
interface Skipped {
  enables?: OptionHint | null;
}

/** "Run again with `--log FILE`." after a skipped probe's summary in the CLI and the Markdown; "" when none. */
export function cliSkipHint(probe: Skipped): string {
  return probe.enables ? cliHint(probe.enables) : '';
}

/** 'Fill in "Server log file" on the start page and run again.' for the wizard and the HTML; "" when none. */
export function wizardSkipHint(probe: Skipped): string {
  return probe.enables ? wizardHint(probe.enables) : '';
}

/** A line and the hint after it as two sentences: "No log given. Run again with `--log FILE`." */
export function thenHint(text: string, hint: string): string {
  if (hint === '') return text;
  const trimmed = text.trimEnd();
  return trimmed === '' ? hint : `${trimmed}${/[.!?]$/.test(trimmed) ? '' : '.'} ${hint}`;
}

/**
 * Reports written before `enables` on skipped probes: their skip reasons speak the CLI's flags ("pass --log FILE", "disabled (--rate-max 0)");
 * the wizard and the HTML say the same thing with the start page's fields, as the options table labels
 * them.
 */
const WIZARD_REPLACEMENTS: [RegExp, string][] = [
  [/pass --log (?:FILE|<file>)/g, `fill in "${runOption('logFile').label}" on the start page`],
  [/pass --idle-max SECONDS/g, `turn on "${runOption('idleMaxSeconds').toggle.label}" on the start page`],
  [/pass --error "TEXT"/g, `paste it into "${runOption('errorText').label}" on the start page`],
  [/not selected \(--steps\)/g, 'not selected'],
  // "disabled (--rate-max 0)": the field that was set to 0.
  ...NUMERIC_OPTIONS.filter(zeroTurnsOff).map((o): [RegExp, string] => [
    new RegExp(`\\(${o.flag} 0\\)`, 'g'),
    `("${o.label}" set to 0)`,
  ]),
];

/** A probe's skip reason (or summary) in the wizard's words: the fields to fill instead of the flags. */
export function wizardWords(text: string): string {
  return WIZARD_REPLACEMENTS.reduce((t, [pattern, words]) => t.replace(pattern, words), text);
}
