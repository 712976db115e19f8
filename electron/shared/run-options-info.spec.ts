import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defaultRunOptions,
  NUMERIC_OPTIONS,
  pickRunOptions,
  REQUEST_OPTIONS,
  RUN_OPTIONS,
  withinBounds,
  type RequestOptions,
  type RunOptionSpec,
  type RunOptionsInfo,
} from './run-options-info.js';
import { STEP_IDS, type StepId } from './step-info.js';

const OPTIONS: readonly RunOptionSpec[] = RUN_OPTIONS;

describe('RUN_OPTIONS', () => {
  it('holds the options a run takes, each once, with its own flag and label', () => {
    expect(OPTIONS.map((o) => o.key)).toEqual([
      'errorText',
      'logFile',
      'idleMaxSeconds',
      'concurrency',
      'rateMax',
      'timeoutSeconds',
      'waitSeconds',
      'repeat',
      'steps',
    ]);
    for (const field of ['flag', 'label'] as const) {
      expect(new Set(OPTIONS.map((o) => o[field])).size).toBe(OPTIONS.length);
    }
  });

  it('keeps the defaults and bounds the options have always had', () => {
    const bounds = Object.fromEntries(NUMERIC_OPTIONS.map((o) => [o.key, [o.default, o.min, o.max]]));
    expect(bounds).toEqual({
      idleMaxSeconds: [null, 1, 3600],
      concurrency: [8, 0, 64],
      rateMax: [40, 0, 100],
      timeoutSeconds: [2, 0.1, 60],
      waitSeconds: [30, 1, 600],
      repeat: [10, 0, 50],
    });
  });

  it.each(NUMERIC_OPTIONS.map((o) => [o.key, o] as const))(
    '%s: its default and its toggle value lie within its bounds',
    (_key, option) => {
      if (option.default !== null) expect(withinBounds(option, option.default)).toBe(true);
      if (option.toggle) expect(withinBounds(option, option.toggle.value)).toBe(true);
      // The wizard can leave an option off only through a checkbox.
      expect(option.toggle !== undefined).toBe(option.default === null);
    },
  );

  it.each(OPTIONS.map((o) => [o.key, o] as const))(
    '%s: its help is one line the CLI and the wizard can both use',
    (_key, option) => {
      expect(option.help).toMatch(/^[a-z][^\n]*[^.\s]$/);
      expect(option.help).not.toContain(option.metavar === 'N' ? ' N ' : option.metavar);
      expect(option.flag).toMatch(/^--[a-z]+(-[a-z]+)*$/);
    },
  );

  it('gives RunOptionsInfo one field per entry, typed by its kind and default', () => {
    expectTypeOf<keyof RunOptionsInfo>().toEqualTypeOf<(typeof RUN_OPTIONS)[number]['key']>();
    expectTypeOf<RunOptionsInfo['errorText']>().toEqualTypeOf<string | null>();
    expectTypeOf<RunOptionsInfo['logFile']>().toEqualTypeOf<string | null>();
    expectTypeOf<RunOptionsInfo['idleMaxSeconds']>().toEqualTypeOf<number | null>();
    expectTypeOf<RunOptionsInfo['rateMax']>().toEqualTypeOf<number>();
    expectTypeOf<RunOptionsInfo['waitSeconds']>().toEqualTypeOf<number>();
    expectTypeOf<RunOptionsInfo['repeat']>().toEqualTypeOf<number>();
    expectTypeOf<RunOptionsInfo['steps']>().toEqualTypeOf<StepId[]>();
    expectTypeOf<keyof RequestOptions>().toEqualTypeOf<Exclude<keyof RunOptionsInfo, 'steps'>>();
    expect(REQUEST_OPTIONS.map((o) => o.key)).toEqual(OPTIONS.map((o) => o.key).filter((k) => k !== 'steps'));
  });
});

describe('defaultRunOptions and pickRunOptions', () => {
  it('give every option its default, in a fresh copy each time', () => {
    const a = defaultRunOptions();
    expect(Object.keys(a)).toEqual(OPTIONS.map((o) => o.key));
    expect(a).toMatchObject({ errorText: null, logFile: null, steps: [...STEP_IDS] });
    for (const option of NUMERIC_OPTIONS) expect(a[option.key]).toBe(option.default);
    a.steps.pop();
    expect(defaultRunOptions().steps).toEqual([...STEP_IDS]);
  });

  it('keep just the options, in the table order, whatever else the object holds', () => {
    const picked = pickRunOptions({
      target: 'web.lab.test',
      ...defaultRunOptions(),
      rateMax: 15,
    } as RunOptionsInfo);
    expect(Object.keys(picked)).toEqual(OPTIONS.map((o) => o.key));
    expect(picked.rateMax).toBe(15);
  });
});
