import '@testing-library/svelte/vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TARGET, button, field, renderApp, type } from '../../dev/spec-support.js';
import { StubApi } from '../../dev/stub-api.js';
import { defaultRunOptions, NUMERIC_OPTIONS } from '../../../electron/shared/run-options-info.js';
import { STEP_IDS } from '../../../electron/shared/step-info.js';
import { boundsMessage, fieldId, optionHint } from '../lib/start-form.svelte.js';

const CURL_ERROR = `$ curl -v ${TARGET}\ncurl: (56) Recv failure: Connection reset by peer`;

describe('Start page', () => {
  it('fills the target in from the error message and says so', async () => {
    const { api } = renderApp();
    expect(button('Start diagnosis').disabled).toBe(true);
    await type('Error message', CURL_ERROR);
    await waitFor(() => expect(field('Target').value).toBe(TARGET));
    expect(api.callsTo('error:parse')).toEqual([[CURL_ERROR]]);
    expect(screen.getByText(`Target filled in from the error message: ${TARGET}`)).toBeTruthy();
    expect(screen.getByText(/sent a TCP reset/)).toBeTruthy();
    // The filled-in target is checked like a typed one, and then the run may start.
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    expect(api.callsTo('target:check')).toContainEqual([TARGET]);
    expect(screen.getByText('HTTPS service at api.example.com:8443, host name')).toBeTruthy();
  });

  it('leaves a target the person typed alone', async () => {
    renderApp();
    await type('Target', 'db.internal:5432');
    await type('Error message', CURL_ERROR);
    await waitFor(() => expect(screen.getByText(/sent a TCP reset/)).toBeTruthy());
    expect(field('Target').value).toBe('db.internal:5432');
    expect(screen.queryByText(/Target filled in/)).toBeNull();
  });

  it('disables Start while the target is invalid, with the one-line reason', async () => {
    const { api } = renderApp();
    await type('Target', 'not a host');
    await waitFor(() =>
      expect(screen.getByText('“not a host” is not a host name: it contains spaces')).toBeTruthy(),
    );
    expect(button('Start diagnosis').disabled).toBe(true);
    expect(field('Target').getAttribute('aria-invalid')).toBe('true');
    await type('Target', 'api.example.com');
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    expect(field('Target').getAttribute('aria-invalid')).toBe('false');
    expect(api.callsTo('target:check').map(([t]) => t)).toEqual(['not a host', 'api.example.com']);
  });

  it('keeps the options in a closed box whose line says what they are, opened by a value out of range', async () => {
    renderApp();
    const box = document.querySelector('details.options-box') as HTMLDetailsElement;
    expect(box.open).toBe(false);
    const line = box.querySelector('summary')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(line).toBe(
      'Options Idle test: off · Concurrency: up to 8 · New-connection rate: up to 40/s · Timeout: 2 s · Wait for a slow answer: 30 s · Repeated requests: 10',
    );
    await fireEvent.input(field('Concurrent connections'), { target: { value: '100' } });
    await waitFor(() => expect(box.open).toBe(true));
  });

  it('disables Start for an option out of range', async () => {
    renderApp();
    await type('Target', 'api.example.com');
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    await fireEvent.input(field('Concurrent connections'), { target: { value: '100' } });
    expect(screen.getByText('Enter a whole number from 0 (off) to 64.')).toBeTruthy();
    expect(field('Concurrent connections').getAttribute('aria-invalid')).toBe('true');
    expect(button('Start diagnosis').disabled).toBe(true);
  });

  it.each(NUMERIC_OPTIONS.map((o) => [o.label, o] as const))(
    '%s: a field with the default, the bounds and the hint of the table, and a message outside them',
    async (label, option) => {
      renderApp();
      await type('Target', 'api.example.com');
      await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
      if (option.toggle) await fireEvent.click(field(option.toggle.label));
      const input = field(label);
      expect(input.value).toBe(String(option.toggle?.value ?? option.default));
      expect([input.min, input.max]).toEqual([String(option.min), String(option.max)]);
      expect(input.disabled).toBe(false);
      const message = boundsMessage(option);
      for (const value of [option.min - 1, option.max + 1]) {
        await fireEvent.input(input, { target: { value: String(value) } });
        expect(document.getElementById(`${fieldId(option)}-error`)?.textContent).toBe(message);
        expect(button('Start diagnosis').disabled).toBe(true);
      }
      await fireEvent.input(input, { target: { value: String(option.max) } });
      expect(document.getElementById(`${fieldId(option)}-error`)?.textContent).toBe('');
      expect(button('Start diagnosis').disabled).toBe(false);
      // The hint is the table's help, beside the checkbox or under the field.
      const described = [input, option.toggle ? field(option.toggle.label) : null]
        .map((el) => el?.getAttribute('aria-describedby') ?? '')
        .join(' ');
      const hints = described.split(' ').map((id) => document.getElementById(id)?.textContent ?? '');
      expect(hints).toContain(optionHint(option));
    },
  );

  it('starts with the defaults of the table, the idle test off, when no option is touched', async () => {
    const { api } = renderApp();
    await type('Target', 'api.example.com');
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    await fireEvent.click(button('Start diagnosis'));
    await waitFor(() => expect(api.callsTo('run:start')).toHaveLength(1));
    const { steps, ...defaults } = defaultRunOptions();
    expect(steps).toEqual([...STEP_IDS]);
    expect(api.callsTo('run:start')[0]).toEqual([{ target: 'api.example.com', ...defaults }]);
  });

  it('says each bound in words', () => {
    const messages = Object.fromEntries(NUMERIC_OPTIONS.map((o) => [o.key, boundsMessage(o)]));
    expect(messages).toEqual({
      idleMaxSeconds: 'Enter a number of seconds from 1 to 3600.',
      concurrency: 'Enter a whole number from 0 (off) to 64.',
      rateMax: 'Enter a whole number from 0 (off) to 100.',
      timeoutSeconds: 'Enter a number of seconds from 0.1 to 60.',
      waitSeconds: 'Enter a number of seconds from 1 to 600.',
      repeat: 'Enter a whole number from 0 (off) to 50.',
    });
  });

  it('shows the privilege note, chooses a log file, and starts with every option', async () => {
    const { api } = renderApp();
    await waitFor(() => expect(screen.getByText(/copy of node kept for Reset Doctor/)).toBeTruthy());
    // What going on without privileges costs, and that the person may.
    expect(screen.getByText(/You can go on without: packet capture/)).toBeTruthy();
    expect(field('Maximum idle seconds').value).toBe('10');
    expect(field('Maximum idle seconds').disabled).toBe(true);
    expect(field('Concurrent connections').value).toBe('8');
    expect(field('Timeout (seconds)').value).toBe('2');
    expect(field('New connections per second').value).toBe('40');
    expect(field('Wait for a slow answer (seconds)').value).toBe('30');
    expect(field('Repeated requests').value).toBe('10');

    await fireEvent.click(button('Choose…'));
    await waitFor(() => expect(field('Server log file').value).toBe('/var/log/nginx/error.log'));
    await fireEvent.click(field('Idle test'));
    await fireEvent.input(field('Maximum idle seconds'), { target: { value: '30' } });
    await fireEvent.input(field('Timeout (seconds)'), { target: { value: '5' } });
    await fireEvent.input(field('New connections per second'), { target: { value: '15' } });
    await fireEvent.input(field('Wait for a slow answer (seconds)'), { target: { value: '90' } });
    await fireEvent.input(field('Repeated requests'), { target: { value: '0' } });
    await type('Error message', CURL_ERROR);
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    await fireEvent.click(button('Start diagnosis'));

    await waitFor(() => expect(api.callsTo('run:start')).toHaveLength(1));
    expect(api.callsTo('run:start')[0]).toEqual([
      {
        target: TARGET,
        errorText: CURL_ERROR,
        logFile: '/var/log/nginx/error.log',
        idleMaxSeconds: 30,
        concurrency: 8,
        rateMax: 15,
        timeoutSeconds: 5,
        waitSeconds: 90,
        repeat: 0,
      },
    ]);
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Identify the application'));
  });

  it('hides Choose… where files cannot be chosen (browser mode)', async () => {
    const api = new StubApi({
      'app:info': () => ({
        version: '0.1.0',
        mode: 'browser',
        platform: 'linux',
        privileged: true,
        privilegeNote: 'Running as root.',
        canChooseFiles: false,
      }),
    });
    renderApp(api);
    await waitFor(() => expect(screen.getByText('v0.1.0')).toBeTruthy());
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    expect(screen.queryByText('Running as root.')).toBeNull();
  });

  it('says in one line why a run could not start, and keeps the form', async () => {
    const api = new StubApi({
      'run:start': () => {
        throw new Error(
          "Error invoking remote method 'run:start': TargetError: port 0 is out of range\n    at x (y.js:1)",
        );
      },
    });
    renderApp(api);
    await type('Target', 'api.example.com');
    await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
    await fireEvent.click(button('Start diagnosis'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The diagnosis could not start: port 0 is out of range');
    expect(field('Target').value).toBe('api.example.com');
  });
});
