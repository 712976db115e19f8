/**
 * The engine's skip reasons speak the CLI's flags ("pass --log FILE"); in the wizard the same thing is a
 * field on the start page.
 */
const REPLACEMENTS: [RegExp, string][] = [
  [/pass --log (?:FILE|<file>)/g, 'fill in "Server log file" on the start page'],
  [/pass --idle-max SECONDS/g, 'turn on "Idle test" on the start page'],
  [/pass --error "TEXT"/g, 'paste it into "Error message" on the start page'],
  [/not selected \(--steps\)/g, 'not selected'],
];

export function wizardWords(text: string): string {
  return REPLACEMENTS.reduce((t, [pattern, words]) => t.replace(pattern, words), text);
}
