import { NUMERIC_OPTIONS, runOption, zeroTurnsOff } from '../../../electron/shared/run-options-info.js';

// The start page's field names, as the run options' table gives them.
const LOG = runOption('logFile').label;
const IDLE = runOption('idleMaxSeconds').toggle.label;
const ERROR = runOption('errorText').label;

/**
 * The engine's skip reasons speak the CLI's flags ("pass --log FILE"); in the wizard the same thing is a
 * field on the start page.
 */
const REPLACEMENTS: [RegExp, string][] = [
  [/pass --log (?:FILE|<file>)/g, `fill in "${LOG}" on the start page`],
  [/pass --idle-max SECONDS/g, `turn on "${IDLE}" on the start page`],
  [/pass --error "TEXT"/g, `paste it into "${ERROR}" on the start page`],
  [/not selected \(--steps\)/g, 'not selected'],
  // "disabled (--rate-max 0)": the field that was set to 0.
  ...NUMERIC_OPTIONS.filter(zeroTurnsOff).map((o): [RegExp, string] => [
    new RegExp(`\\(${o.flag} 0\\)`, 'g'),
    `("${o.label}" set to 0)`,
  ]),
];

export function wizardWords(text: string): string {
  return REPLACEMENTS.reduce((t, [pattern, words]) => t.replace(pattern, words), text);
}
