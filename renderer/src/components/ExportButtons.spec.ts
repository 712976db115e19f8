import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportResult } from '../../../electron/shared/api-contract.js';
import ExportButtons from './ExportButtons.svelte';

const SUMMARY = '# Reset Doctor report: api.example.com\n\n## In short\n\n- Verdict: **x**\n';

/** A clipboard that keeps what it was given, or refuses as a browser does without permission. */
function fakeClipboard(refuse = false) {
  const writeText = vi.fn((text: string) =>
    refuse
      ? Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'))
      : Promise.resolve(void text),
  );
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
}

function renderButtons(copySummary?: (redact: boolean) => Promise<string>) {
  const exportAs = vi.fn((): Promise<ExportResult> =>
    Promise.resolve({ kind: 'saved', path: '/tmp/report.md' }),
  );
  render(ExportButtons, { props: { formats: ['md'], exportAs, ...(copySummary ? { copySummary } : {}) } });
  return exportAs;
}

const copyButton = () => screen.getByRole('button', { name: 'Copy summary' });

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Copy summary', () => {
  it('is offered only where the summary can be had', () => {
    renderButtons();
    expect(screen.queryByRole('button', { name: 'Copy summary' })).toBeNull();
  });

  it('copies the summary, redacted when asked, and says so where a screen reader hears it', async () => {
    const writeText = fakeClipboard();
    const summary = vi.fn((redact: boolean) => Promise.resolve(redact ? 'redacted' : SUMMARY));
    renderButtons(summary);
    await fireEvent.click(copyButton());
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SUMMARY));
    const status = screen.getByRole('status');
    await waitFor(() => expect(status.textContent).toMatch(/^Copied the summary/));
    await fireEvent.click(screen.getByRole('checkbox'));
    await fireEvent.click(copyButton());
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('redacted'));
    expect(summary.mock.calls).toEqual([[false], [true]]);
  });

  it('says the clipboard was refused, and leaves the summary selected to copy by hand', async () => {
    fakeClipboard(true);
    renderButtons(() => Promise.resolve(SUMMARY));
    await fireEvent.click(copyButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Copying was refused \(Write permission denied\.\)/);
    const box = screen.getByLabelText<HTMLTextAreaElement>('The summary, to copy by hand');
    expect(box.value).toBe(SUMMARY);
    await waitFor(() => expect([box.selectionStart, box.selectionEnd]).toEqual([0, SUMMARY.length]));
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('says so when the page has no clipboard at all', async () => {
    renderButtons(() => Promise.resolve(SUMMARY));
    await fireEvent.click(copyButton());
    expect((await screen.findByRole('alert')).textContent).toContain(
      'this page has no access to the clipboard',
    );
  });

  it('says so when the summary could not be made', async () => {
    const writeText = fakeClipboard();
    renderButtons(() => Promise.reject(new Error('the report is not ready yet')));
    await fireEvent.click(copyButton());
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The summary could not be made: the report is not ready yet',
    );
    expect(writeText).not.toHaveBeenCalled();
  });
});
