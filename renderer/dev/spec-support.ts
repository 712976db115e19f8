/** Test only: renders the wizard against a StubApi and drives it as a person would. */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';
import type { RunEvent } from '../../electron/shared/run-event-info.js';
import App from '../src/App.svelte';
import { ConnectionState } from '../src/lib/connection-state.svelte.js';
import { SAMPLE_RUN_ID, sampleRunEvents } from './sample-run.js';
import { StubApi } from './stub-api.js';

export const TARGET = 'https://api.example.com:8443/v1/orders';

export function renderApp(api = new StubApi(), connection = new ConnectionState()) {
  const result = render(App, { props: { api, connection, debounceMs: 0 } });
  return { api, connection, ...result };
}

export function field(label: string): HTMLInputElement {
  return screen.getByLabelText(label) as HTMLInputElement;
}

export function button(name: string | RegExp): HTMLButtonElement {
  return screen.getByRole('button', { name }) as HTMLButtonElement;
}

export async function type(label: string, value: string) {
  await fireEvent.input(field(label), { target: { value } });
}

/** Types the target, waits for it to be valid, starts the run; the run has no events yet. */
export async function startRun(api = new StubApi()) {
  const rendered = renderApp(api);
  await type('Target', TARGET);
  await waitFor(() => expect(button('Start diagnosis').disabled).toBe(false));
  await fireEvent.click(button('Start diagnosis'));
  await waitFor(() => expect(api.callsTo('run:start')).toHaveLength(1));
  await waitFor(() =>
    expect(screen.getByRole('heading', { level: 2, name: 'Identify the application' })).toBeTruthy(),
  );
  return rendered;
}

/** The sample run's events, in order. */
export function sampleEvents(): RunEvent[] {
  return sampleRunEvents(SAMPLE_RUN_ID).map((e) => e.event);
}

/** Emits events up to and including the first that matches. */
export function emitUntil(api: StubApi, events: RunEvent[], stop: (e: RunEvent) => boolean): void {
  while (events.length) {
    const e = events.shift()!;
    api.emit(e);
    if (stop(e)) return;
  }
  throw new Error('the event sequence ended before the expected event');
}

export function probeElement(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-probe-id="${id}"]`);
  if (!el) throw new Error(`no probe ${id} on screen`);
  return el;
}
