import '@testing-library/svelte/vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { sampleCatch, sampleWatchEvents, sampleWatchResult } from '../../dev/sample-watch.js';
import type { RunEvent } from '../../../electron/shared/run-event-info.js';
import { button, field, renderApp, sampleEvents, type } from '../../dev/spec-support.js';
import { SAMPLE_WATCH_ID, StubApi } from '../../dev/stub-api.js';

const TARGET = 'https://api.example.com/';

async function startWatch(api = new StubApi(), choose = async () => undefined) {
  renderApp(api);
  await type('Target', TARGET);
  await waitFor(() => expect(button('Start watching').disabled).toBe(false));
  await choose();
  await fireEvent.click(button('Start watching'));
  await waitFor(() => expect(api.callsTo('watch:start')).toHaveLength(1));
  return api;
}

describe('Watch view', () => {
  it('starts a watch with the start page target and its own limits', async () => {
    const api = await startWatch(new StubApi(), async () => {
      await fireEvent.change(field('Watch for'), { target: { value: '1 minute' } });
      (field('Watch for') as unknown as HTMLSelectElement).selectedIndex = 0;
      await fireEvent.change(field('Watch for'));
      await type('Stop after this many resets', '3');
    });
    expect(api.callsTo('watch:start')[0]).toEqual([
      { target: TARGET, forSeconds: 60, until: 3, everySeconds: null },
    ]);
    expect(screen.getByRole('heading', { level: 2, name: /Watching/ })).toBeTruthy();
  });

  it('refuses a limit out of bounds, in words, before anything is sent', async () => {
    const api = new StubApi();
    renderApp(api);
    await type('Target', TARGET);
    await type('Stop after this many resets', '0');
    await tick();
    expect(screen.getByText('From 1 to 1000000, or empty.')).toBeTruthy();
    expect(button('Start watching').disabled).toBe(true);
    await type('Stop after this many resets', '2');
    await type('Also send the request and a ping every (seconds)', '0.5');
    await tick();
    expect(button('Start watching').disabled).toBe(true);
  });

  it('shows each reset as it is caught, newest first, with who sent it, and the timeline', async () => {
    const api = await startWatch();
    for (const e of sampleWatchEvents(SAMPLE_WATCH_ID)) api.emit(e);
    await tick();
    expect(screen.getByText(/Following every connection to 203\.0\.113\.7 from their packets/)).toBeTruthy();
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('sent by the target (TTL 52, 12 routers away)'),
      expect.stringContaining('sent by a device on the path (hop 2) (TTL 62, 2 routers away)'),
    ]);
    expect(rows[1]!.textContent).toContain('firefox (pid 4242)');
    expect(rows[1]!.textContent).toContain('after 0.1 s idle, 5,120 bytes in');
    const picture = screen.getByRole('img', { name: /^Connections over/ });
    expect(picture.getAttribute('aria-label')).toBe(
      'Connections over 10.0 s: 14 opened, 2 reset, 3 retransmitted, round trip up to 95 ms; each reset marked by who sent it',
    );
    expect(picture.querySelectorAll('circle.mark.path')).toHaveLength(1);
    expect(picture.querySelectorAll('circle.mark.server')).toHaveLength(1);
    const resets = screen.getByText('Resets', { selector: 'dt' }).parentElement!;
    expect(resets.textContent).toContain('2');
  });

  it('Stop keeps what was caught; the result is exported and the start page comes back', async () => {
    const api = await startWatch();
    for (const e of sampleWatchEvents(SAMPLE_WATCH_ID)) api.emit(e);
    await tick();
    await fireEvent.click(button('Stop and keep what was caught'));
    expect(api.callsTo('watch:stop')).toEqual([[SAMPLE_WATCH_ID]]);
    api.emit({ type: 'watch-finished', runId: SAMPLE_WATCH_ID, result: sampleWatchResult(), error: null });
    await tick();
    expect(screen.getByRole('heading', { level: 2, name: /Watched/ })).toBeTruthy();
    expect(screen.getByText(/until stopped: 14 connections, 2 reset/)).toBeTruthy();
    expect(
      screen.getByText(
        'Verdict over the 2 resets: A firewall or middlebox sends the reset (90%), from a device on the path, hop 2.',
      ),
    ).toBeTruthy();
    expect(screen.getByText('Ask the operator of hop 2 why it resets these connections.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Stop and keep what was caught' })).toBeNull();
    await fireEvent.click(button('Export Markdown'));
    await waitFor(() => expect(api.callsTo('watch:export')).toEqual([[SAMPLE_WATCH_ID, 'md']]));
    // The HTML export too: the timeline drawn by this same component, on the engine's side.
    await fireEvent.click(button('Export HTML'));
    await waitFor(() =>
      expect(api.callsTo('watch:export')).toEqual([
        [SAMPLE_WATCH_ID, 'md'],
        [SAMPLE_WATCH_ID, 'html'],
      ]),
    );
    await fireEvent.click(button('New diagnosis or watch'));
    expect(screen.getByRole('heading', { level: 2, name: 'Start a diagnosis' })).toBeTruthy();
  });

  it('keeps events that come before watch:start answers, and ignores other runs', async () => {
    const api = new StubApi({
      'watch:start': () => {
        for (const e of sampleWatchEvents(SAMPLE_WATCH_ID).slice(0, 3)) api.emit(e);
        api.emit({ ...sampleWatchEvents('00000000-0000-0000-0000-00000000beef')[2]! });
        return { runId: SAMPLE_WATCH_ID };
      },
    });
    await startWatch(api);
    await tick();
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2);
  });

  it('a watch that cannot go on says why in one line', async () => {
    const api = await startWatch();
    api.emit({
      type: 'watch-finished',
      runId: SAMPLE_WATCH_ID,
      result: null,
      error: 'api.example.com: no address to watch',
    });
    await tick();
    expect(screen.getByText('The watch could not go on: api.example.com: no address to watch')).toBeTruthy();
  });

  it('a reloaded page draws the watch as it stands (run:latest) and follows it on, each catch once', async () => {
    const events = sampleWatchEvents(SAMPLE_WATCH_ID);
    const api = new StubApi({ 'run:latest': () => ({ events }) });
    renderApp(api);
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: /Watching/ })).toBeTruthy());
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(3);
    // The last catch again (it was in the log and comes live too), then a new one.
    api.emit(events[4]!, { ...events[4]!, caught: { ...sampleCatch(3, 'server', 9900) } } as RunEvent);
    await tick();
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByRole('button', { name: 'Stop and keep what was caught' })).toBeTruthy();
  });

  it('a reloaded page draws a diagnosis in progress where it stands', async () => {
    const events = sampleEvents().slice(0, 12);
    const api = new StubApi({ 'run:latest': () => ({ events }) });
    renderApp(api);
    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 2, name: 'Identify the application' })).toBeTruthy(),
    );
    expect(api.callsTo('run:start')).toHaveLength(0);
  });
});
