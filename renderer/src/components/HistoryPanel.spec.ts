import '@testing-library/svelte/vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { reportRecord, watchRecord, type HistoryRecord } from '../../../electron/shared/history-info.js';
import { button, renderApp } from '../../dev/spec-support.js';
import { demoReport } from '../../dev/sample-run.js';
import { sampleWatchResult } from '../../dev/sample-watch.js';
import { StubApi } from '../../dev/stub-api.js';
import { compareRows } from '../lib/compare-rows.js';

const DIAGNOSIS_ID = '00000000-0000-4000-8000-000000000001';
const WATCH_ID = '00000000-0000-4000-8000-000000000002';

/** A kept diagnosis and a kept watch, the watch newer. */
function kept(): HistoryRecord[] {
  const report = demoReport();
  return [
    watchRecord({ ...sampleWatchResult('time'), finishedAt: '2026-12-06T11:00:00.000Z' }, WATCH_ID),
    reportRecord({ ...report, finishedAt: '2026-12-06T10:00:00.000Z' }, DIAGNOSIS_ID),
  ];
}

function keptApi(records = kept()): StubApi {
  return new StubApi({
    'history:list': () => ({ entries: records.map((r) => r.entry), problems: ['x.json: not a kept run'] }),
    'history:get': (id) => records.find((r) => r.entry.id === id) ?? null,
  });
}

async function pastRuns(): Promise<HTMLElement> {
  return waitFor(() => screen.getByRole('region', { name: 'Past runs on this machine' }));
}

describe('Past runs', () => {
  it('lists nothing when no run is kept', async () => {
    const { api } = renderApp();
    await waitFor(() => expect(api.callsTo('history:list')).toHaveLength(1));
    expect(screen.queryByRole('region', { name: 'Past runs on this machine' })).toBeNull();
  });

  it('lists the kept runs newest first, and what was left out', async () => {
    renderApp(keptApi());
    const list = await pastRuns();
    const rows = within(list).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining(
        'Watch A firewall or middlebox sends the reset (path, hop 2, 90%), 2 resets of 14',
      ),
      expect.stringContaining('Diagnosis'),
    ]);
    expect(within(list).getByText(/Left out: x.json: not a kept run/)).toBeTruthy();
    expect(button('Compare the two ticked').disabled).toBe(true);
  });

  it('opens a kept diagnosis at its summary, without re-runs, and exports it from the kept copy', async () => {
    const { api } = renderApp(keptApi());
    const list = await pastRuns();
    await fireEvent.click(within(within(list).getAllByRole('row')[2]!).getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: 'Summary' })).toBeTruthy());
    expect(api.callsTo('history:get')).toEqual([[DIAGNOSIS_ID]]);
    // Nothing was started: the kept run is drawn from its own report.
    expect(api.callsTo('run:start')).toEqual([]);
    await fireEvent.click(button('Export Markdown'));
    await waitFor(() => expect(api.callsTo('history:export')).toEqual([[DIAGNOSIS_ID, 'md', false]]));
    expect(api.callsTo('report:export')).toEqual([]);
  });

  it('opens a kept watch with its catches, offering no pcapng (its packets are not kept)', async () => {
    renderApp(keptApi());
    const list = await pastRuns();
    await fireEvent.click(within(within(list).getAllByRole('row')[1]!).getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(screen.getByText(/from the copy kept on this machine/)).toBeTruthy());
    expect(screen.queryByRole('button', { name: /pcapng/i })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('compares two ticked runs side by side, marking the rows that differ', async () => {
    const { api } = renderApp(keptApi());
    const list = await pastRuns();
    for (const box of within(list).getAllByRole('checkbox')) await fireEvent.click(box);
    await fireEvent.click(button('Compare the two ticked'));
    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 2, name: 'Two runs side by side' })).toBeTruthy(),
    );
    expect(
      api
        .callsTo('history:get')
        .map(([id]) => id)
        .sort(),
    ).toEqual([DIAGNOSIS_ID, WATCH_ID]);
    const what = screen.getByRole('rowheader', { name: /^What(, differs)?$/ }).closest('tr')!;
    expect(what.className).toContain('differ');
    expect(what.textContent).toContain('Watch');
    expect(what.textContent).toContain('Diagnosis');
    await fireEvent.click(button('Back to the start'));
    expect(screen.getByRole('heading', { level: 2, name: 'Start a diagnosis' })).toBeTruthy();
  });

  it('says which rows agree: the same run twice differs only in nothing', () => {
    const [watch] = kept();
    const rows = compareRows(watch!, watch!);
    expect(rows.every((r) => !r.differ)).toBe(true);
    expect(rows.map((r) => r.label)).toEqual(
      expect.arrayContaining(['Verdict', 'Who sent the reset', 'Path', 'Evidence']),
    );
    expect(rows.find((r) => r.label === 'Path')?.values[0]).toMatch(/^Round trip 18–95 ms/);
  });
});
