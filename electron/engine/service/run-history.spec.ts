/**
 * The runs kept on this machine: saved whole, listed newest first, bounded, read by another window too,
 * and a folder's stray or broken files left out with a note, never handed to the wizard.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordEvents, reportRecord, watchRecord } from '../../shared/history-info.js';
import { sampleReport } from '../report/report-fixture.js';
import { sampleWatchResult } from '../../../renderer/dev/sample-watch.js';
import { defaultHistoryDir, RunHistory } from './run-history.js';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rd-history-'));
  dirs.push(dir);
  return join(dir, 'history');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A diagnosis that finished at minute n. */
function diagnosis(n: number) {
  const report = sampleReport();
  const at = `2026-12-06T10:${String(n).padStart(2, '0')}:00.000Z`;
  return reportRecord({ ...report, startedAt: at, finishedAt: at }, id(n));
}

describe('RunHistory', () => {
  it('keeps diagnoses and watches, lists them newest first, and gives each back whole', async () => {
    const history = new RunHistory(folder());
    expect(await history.list()).toEqual([]);
    await history.save(diagnosis(1));
    const watch = sampleWatchResult('time');
    await history.save(watchRecord({ ...watch, finishedAt: '2026-12-06T10:02:00.000Z' }, id(2)));
    await history.save(diagnosis(3));
    const entries = await history.list();
    expect(entries.map((e) => [e.id, e.kind])).toEqual([
      [id(3), 'diagnosis'],
      [id(2), 'watch'],
      [id(1), 'diagnosis'],
    ]);
    expect(entries[1]!.headline).toBe(
      'A firewall or middlebox sends the reset (path, hop 2, 90%), 2 resets of 14 connections',
    );
    const kept = await history.get(id(3));
    expect(kept && 'report' in kept ? kept.report.diagnosis : null).toEqual(diagnosis(3).report.diagnosis);
    expect(await history.get(id(9))).toBeNull();
    expect(await history.get('../../etc/passwd')).toBeNull();
  });

  it('replaces a run kept again (a step re-run), and keeps only the newest', async () => {
    const history = new RunHistory(folder(), 3);
    for (const n of [1, 2, 3, 4, 5]) await history.save(diagnosis(n));
    await history.save(diagnosis(4));
    expect((await history.list()).map((e) => e.id)).toEqual([id(5), id(4), id(3)]);
    expect(readdirSync(history.dir).sort()).toEqual([id(3), id(4), id(5)].map((i) => `${i}.json`));
  });

  it('lists what another window kept in the same folder, and forgets what was removed', async () => {
    const dir = folder();
    const one = new RunHistory(dir);
    const other = new RunHistory(dir);
    await one.save(diagnosis(1));
    expect((await other.list()).map((e) => e.id)).toEqual([id(1)]);
    rmSync(join(dir, `${id(1)}.json`));
    expect(await other.list()).toEqual([]);
  });

  it('leaves out the files that are not kept runs, with a note, and never reads them as one', async () => {
    const dir = folder();
    const history = new RunHistory(dir);
    await history.save(diagnosis(1));
    writeFileSync(join(dir, `${id(2)}.json`), '{"schema": "reset-doctor/history@1", "entry": ');
    writeFileSync(join(dir, `${id(3)}.json`), JSON.stringify({ ...diagnosis(3), schema: 'other@1' }));
    writeFileSync(join(dir, `${id(4)}.json`), JSON.stringify(diagnosis(5)));
    mkdirSync(join(dir, `${id(6)}.json`));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const broken = diagnosis(7);
    writeFileSync(
      join(dir, `${id(7)}.json`),
      JSON.stringify({ ...broken, report: { ...broken.report, diagnosis: 'healthy' } }),
    );
    expect((await history.list()).map((e) => e.id)).toEqual([id(7), id(1)]);
    // Listed by its entry, but its report breaks the schema: never handed to the wizard.
    expect(await history.get(id(7))).toBeNull();
    expect(history.problems.join('\n')).toMatch(new RegExp(`${id(2)}.json: .*JSON`));
    expect(history.problems).toContain(`${id(3)}.json: not a kept run`);
    expect(history.problems).toContain(`${id(4)}.json: not a kept run`);
    expect(history.problems).toContain(`${id(6)}.json: not a regular file`);
    expect(history.problems.join('\n')).toMatch(new RegExp(`${id(7)}.json: its report breaks the schema`));
  });

  it('draws a kept run again from two events: its plan and its end', () => {
    const record = diagnosis(1);
    const [started, finished] = recordEvents(record);
    expect(started).toMatchObject({ type: 'run-started', runId: id(1), target: record.report.target.input });
    expect(finished).toEqual({ type: 'run-finished', runId: id(1), report: record.report });
    const watch = watchRecord(sampleWatchResult(), id(2));
    expect(recordEvents(watch).map((e) => e.type)).toEqual(['watch-started', 'watch-finished']);
  });

  it("puts serve's runs in the XDG data directory", () => {
    expect(defaultHistoryDir({ XDG_DATA_HOME: '/data' }, '/home/a')).toBe('/data/reset-doctor/history');
    expect(defaultHistoryDir({ XDG_DATA_HOME: 'relative' }, '/home/a')).toBe(
      '/home/a/.local/share/reset-doctor/history',
    );
    expect(defaultHistoryDir({}, '/home/a')).toBe('/home/a/.local/share/reset-doctor/history');
  });
});
