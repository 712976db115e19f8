import type { ErrorTextCheck, StartRunRequest, TargetCheck } from '../../../electron/shared/api-contract.js';
import {
  NUMERIC_OPTIONS,
  optionLines,
  withinBounds,
  zeroTurnsOff,
  type NumericOption,
  type NumericOptionKey,
  type RequestOptions,
  type RunOptionsInfo,
  type TextOption,
} from '../../../electron/shared/run-options-info.js';

type FieldOption = (typeof NUMERIC_OPTIONS)[number];
export type ToggledOption = FieldOption & { toggle: NonNullable<NumericOption['toggle']> };

/** Options that are off unless given: each gets a checkbox above the fields (the idle test). */
export const TOGGLED_OPTIONS = NUMERIC_OPTIONS.filter((o): o is ToggledOption => o.toggle !== undefined);

/** The field's id, from its CLI flag: --idle-max → idle-max. */
export function fieldId(option: NumericOption): string {
  return option.flag.slice(2);
}

/** The option's one-line help as a sentence, for the hint under (or beside) its field. */
export function optionHint(option: NumericOption): string {
  const help = option.help.charAt(0).toUpperCase() + option.help.slice(1);
  return `${help}${zeroTurnsOff(option) ? '; 0 turns it off' : ''}.`;
}

/** A text option's help as the hint under its field: "Optional: what the application printed; …". */
export function textHint(option: TextOption): string {
  return `Optional: ${option.help}.`;
}

/** What to enter instead, said from the table's bounds: "Enter a whole number from 0 (off) to 64." */
export function boundsMessage(option: NumericOption): string {
  const what =
    option.kind === 'integer'
      ? 'a whole number'
      : option.metavar === 'SECONDS'
        ? 'a number of seconds'
        : 'a number';
  return `Enter ${what} from ${option.min}${zeroTurnsOff(option) ? ' (off)' : ''} to ${option.max}.`;
}

/** The spinner's step: whole numbers, or tenths where the bounds start below 1 (the timeout). */
export function fieldStep(option: NumericOption): number {
  return option.kind === 'integer' ? 1 : Math.min(1, option.min);
}

/** What the start page holds; it outlives a run, so "New diagnosis" starts from the same values. */
export class StartForm {
  target = $state('');
  errorText = $state('');
  logFile = $state('');
  /**
   * Each numeric option's field, from the table's defaults (null while a field is empty); an option
   * that is off unless given holds the value its checkbox proposes.
   */
  numbers = $state(
    Object.fromEntries(NUMERIC_OPTIONS.map((o) => [o.key, o.toggle?.value ?? o.default])) as Record<
      NumericOptionKey,
      number | null
    >,
  );
  /** The checkboxes of TOGGLED_OPTIONS, all unticked at first. */
  switchedOn = $state(
    Object.fromEntries(TOGGLED_OPTIONS.map((o) => [o.key, false])) as Partial<
      Record<NumericOptionKey, boolean>
    >,
  );

  /** The latest target:check answer, for the text it was asked about. */
  targetCheck = $state<(TargetCheck & { input: string }) | null>(null);
  errorCheck = $state<ErrorTextCheck | null>(null);
  /** Said when the target was filled in from the error message. */
  filledFromError = $state('');

  get targetValid(): boolean {
    return this.target.trim() !== '' && this.targetCheck?.input === this.target && this.targetCheck.ok;
  }

  /** Whether the option's field counts: always, or once its checkbox is ticked. */
  inUse(option: FieldOption): boolean {
    return option.toggle === undefined || this.switchedOn[option.key] === true;
  }

  /** The field's message when its value is outside the table's bounds; null when it is fine or unused. */
  error(option: FieldOption): string | null {
    if (!this.inUse(option)) return null;
    const v = this.numbers[option.key];
    return typeof v === 'number' && withinBounds(option, v) ? null : boundsMessage(option);
  }

  /** Some option is outside its bounds: the Options box must be open to show why Start is disabled. */
  get optionsInvalid(): boolean {
    return NUMERIC_OPTIONS.some((o) => this.error(o) !== null);
  }

  /**
   * The options in one line, as the reports word them, for the closed Options box: the person sees what
   * the run will do without the fields pushing Start below the window.
   */
  get optionsSummary(): string {
    const numeric = NUMERIC_OPTIONS.flatMap((o) => (o.report ? [o.report.label] : []));
    return optionLines({ ...this.toRequest(), steps: [] } as unknown as RunOptionsInfo)
      .filter(([label]) => numeric.includes(label))
      .map(([label, words]) => `${label}: ${words}`)
      .join(' · ');
  }

  get canStart(): boolean {
    return this.targetValid && NUMERIC_OPTIONS.every((o) => this.error(o) === null);
  }

  toRequest(): StartRunRequest {
    const numbers = Object.fromEntries(
      NUMERIC_OPTIONS.map((o) => [o.key, this.inUse(o) ? Number(this.numbers[o.key]) : null]),
    ) as Pick<RequestOptions, NumericOptionKey>;
    return {
      target: this.target.trim(),
      errorText: this.errorText.trim() ? this.errorText : null,
      logFile: this.logFile.trim() ? this.logFile.trim() : null,
      ...numbers,
    };
  }
}
