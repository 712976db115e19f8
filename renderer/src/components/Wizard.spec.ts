import '@testing-library/svelte/vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SAMPLE_RUN_ID, cancelledReport, demoReport, sampleRerunEvents } from '../../dev/sample-run.js';
import {
  button,
  emitUntil,
  probeElement,
  renderApp,
  sampleEvents,
  startRun,
} from '../../dev/spec-support.js';
import { StubApi } from '../../dev/stub-api.js';
import { ConnectionState } from '../lib/connection-state.svelte.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function heading(name: string | RegExp): HTMLElement {
  return screen.getByRole('heading', { level: 2, name });
}

function checklistItem(name: RegExp): HTMLElement {
  return within(screen.getByRole('navigation', { name: 'Checklist' })).getByRole('button', { name });
}

async function finishRun(api: StubApi) {
  for (const e of sampleEvents()) api.emit(e);
  await tick();
}

describe('Step views', () => {
  it('show each probe live: pending, running with progress, then complete with its assessment', async () => {
    const { api } = await startRun();
    const events = sampleEvents();
    emitUntil(api, events, (e) => e.type === 'run-started');
    await fireEvent.click(button('Next'));
    expect(heading('Network connectivity')).toBeTruthy();
    expect(probeElement('ping').dataset.status).toBe('pending');
    expect(probeElement('ping').textContent).toContain('Pending');

    emitUntil(api, events, (e) => e.type === 'probe-started' && e.probeId === 'ping');
    await tick();
    expect(probeElement('ping').dataset.status).toBe('running');
    expect(probeElement('ping').textContent).toContain('Running');

    emitUntil(api, events, (e) => e.type === 'probe-progress' && e.probeId === 'ping');
    emitUntil(api, events, (e) => e.type === 'probe-progress' && e.probeId === 'ping');
    await tick();
    expect(probeElement('ping').textContent).toContain('echo 2/10');
    const live = within(probeElement('ping')).getByRole('img');
    expect(live.getAttribute('aria-label')).toBe(
      'Ping round-trip times so far: 2 of 2 echoes answered, none lost; min 11.8 ms, average 12.1 ms, max 12.4 ms. Waiting for 8 more.',
    );

    emitUntil(api, events, (e) => e.type === 'probe-finished' && e.probe.id === 'ping');
    await tick();
    const ping = probeElement('ping');
    expect(ping.dataset.status).toBe('complete');
    expect(ping.textContent).toContain(
      '9 of 10 replies, RTT 11.8 / 13.9 / 24.6 ms (min / avg / max), 10% loss',
    );
    expect(ping.textContent).toContain('Warning');
    expect(within(ping).getByRole('img').getAttribute('aria-label')).toContain(
      '9 of 10 echoes answered, 1 lost (ping 5)',
    );

    expect(probeElement('path-mtu').dataset.status).toBe('failed');
    expect(probeElement('path-mtu').textContent).toContain(
      'The kernel refused to set the don’t-fragment flag',
    );
  });

  it('draw the traceroute, with the silent hop as * and the blamed hop highlighted', async () => {
    const { api } = await startRun();
    await finishRun(api);
    await fireEvent.click(checklistItem(/Network connectivity/));
    const picture = within(probeElement('traceroute')).getByRole('img');
    const label = picture.getAttribute('aria-label')!;
    expect(label).toMatch(/^Traceroute: 7 hops\. hop 1: 192\.168\.1\.1, 0\.9 ms, no loss; /);
    expect(label).toContain('hop 3: no answer (*)');
    expect(label).toContain('hop 5: 198.51.100.77, 10.4 ms, 33% loss');
    expect(label).toContain('Hop 4 is the one the diagnosis blames.');
    expect(picture.querySelectorAll('rect')).toHaveLength(6);
    expect(picture.querySelector('.blamed rect')).not.toBeNull();
    expect(picture.querySelector('.silent-mark')?.textContent).toBe('*');
    const rows = within(probeElement('traceroute')).getAllByRole('row');
    expect(rows).toHaveLength(8);
    expect(rows[4]!.textContent).toContain('4 (blamed)');
    // The check's own line says so too, and is no longer OK beside the verdict.
    const line = probeElement('traceroute').querySelector('.summary')!.textContent;
    expect(line).toContain('hop 4 (198.51.100.1) is the one the verdict blames');
    expect(probeElement('traceroute').querySelector('.head')!.textContent).toContain('Warning');
  });

  it('draw the timelines of the connections that ended badly, after what, and each reset’s signals', async () => {
    const { api } = await startRun();
    await finishRun(api);
    await fireEvent.click(checklistItem(/TCP handshake/));
    const capture = probeElement('packet-capture');
    const figures = capture.querySelectorAll<HTMLElement>('figure[data-connection]');
    expect([...figures].map((f) => f.dataset.connection)).toEqual([
      'request',
      'concurrency #1',
      'concurrency #2',
      'concurrency #3',
    ]);
    const request = figures[0]!;
    expect(within(request).getByRole('img').getAttribute('aria-label')).toBe(
      'Timeline of connection “request” (reset during tls): SYN sent at +0 ms; SYN-ACK received at +12.1 ms, TTL 58; ' +
        'Connected: handshake complete at +12.3 ms; TLS ClientHello sent at +12.3 ms; ' +
        'RST (reset) received at +12.7 ms, TTL 61; The application saw the reset at +13.2 ms. ' +
        'After what: reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello. ' +
        'The reset (TTL 61) came from a device on the path (hop 4).',
    );
    expect(request.querySelector('.after-what')?.textContent).toMatch(
      /After what\s+reset during the TLS handshake: ClientHello sent, nothing received/,
    );
    expect(
      within(request).getByRole('list', { name: 'Connection “request” in figures' }).textContent,
    ).toContain('ended: reset (RST captured, TTL 61, from 203.0.113.10) at +12.7 ms');
    const signals = within(request).getByRole('table', { name: /Signals: who sent the reset on “request”/ });
    const rows = within(signals)
      .getAllByRole('row')
      .slice(1)
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['TTL (how many routers away)', 'A device on the path', '3'],
      ['Arrival time (sooner than the server could answer)', 'A device on the path', '1'],
      ['IP ID sequence', 'Neither (neutral)', '0'],
      ['Sequence number', 'The server', '0.5'],
    ]);
    expect(request.textContent).toContain('Strength of the signals: strong (weight 4 for it, 0.5 against).');
    expect(request.textContent).not.toMatch(/\d%/);
    // The connections past the first four are listed in words, their signals kept under the verdicts.
    expect(within(capture).getByText('2 more connections ended badly')).toBeTruthy();
    expect(capture.textContent).toContain('concurrency #5: reset during the TLS handshake');
    expect(within(probeElement('reset-origin')).getByText(/Signals of 2 more resets/)).toBeTruthy();
    expect(within(probeElement('reset-origin')).getAllByRole('table', { hidden: true })).toHaveLength(2);
  });

  it('mark the hop that resets on the traceroute and list the replays by TTL', async () => {
    const { api } = await startRun();
    await finishRun(api);
    await fireEvent.click(checklistItem(/TCP handshake/));
    const hop = probeElement('reset-hop');
    expect(hop.textContent).toContain('hop 4 (198.51.100.1) resets this content');
    const facts = [...hop.querySelectorAll('dt')].map((dt) => [
      dt.textContent,
      dt.nextElementSibling?.textContent,
    ]);
    expect(facts).toEqual([
      ['Replayed', 'TLS ClientHello with SNI api.example.com (from “request”)'],
      ['First reset at', 'TTL 4 (TTL 2 still passed)'],
      ['Device sits', 'at hop 4 (198.51.100.1)'],
      ['Control exchange', 'answered by the server'],
    ]);
    const picture = within(hop).getByRole('img');
    expect(picture.getAttribute('aria-label')).toContain(
      'Hop 4 resets the connection: replays of the triggering bytes were reset from this TTL on.',
    );
    expect(picture.textContent).toContain('resets here');
    const attempts = within(hop).getByRole('table', { name: 'Replays of the triggering bytes, TTL by TTL' });
    const rows = within(attempts).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.querySelector('th')?.textContent)).toEqual(['1', '2', '3', '4', '5', '7']);
    expect(rows[3]!.textContent).toContain('RST came back');
    expect(rows[3]!.textContent).toContain('61');
    expect(rows[5]!.textContent).toContain('control (harmless bytes)');
    // The connectivity step’s traceroute shows the same mark.
    await fireEvent.click(checklistItem(/Network connectivity/));
    const trace = within(probeElement('traceroute'));
    expect(trace.getByRole('img').getAttribute('aria-label')).toContain('Hop 4 resets the connection');
    expect(trace.getAllByRole('row')[4]!.textContent).toContain('4 (blamed) (resets here)');
  });

  it('say what the step means from its status and the findings', async () => {
    const { api } = await startRun();
    const events = sampleEvents();
    emitUntil(api, events, (e) => e.type === 'run-started');
    await tick();
    expect(
      screen.getByText('This step has not started yet. Its results appear here as they come in.'),
    ).toBeTruthy();
    for (const e of events) api.emit(e);
    await tick();
    await fireEvent.click(checklistItem(/Application errors/));
    const meaning = screen.getByRole('region', { name: 'What this means' });
    expect(meaning.textContent).toContain(
      'This step is evidence for the verdict: A firewall or middlebox sends the reset (86% confidence, coming from a device on the path (hop 4)).',
    );
    await fireEvent.click(checklistItem(/Server logs/));
    expect(screen.getByRole('region', { name: 'What this means' }).textContent).toContain(
      'This step was skipped',
    );
  });
});

describe('Summary', () => {
  it('shows the verdict, its evidence and remedies, other findings and notes', async () => {
    const { api } = await startRun();
    await fireEvent.click(button('Run all'));
    expect(document.activeElement).toBe(heading('Summary'));
    expect(screen.getByText('The verdict appears here when every step has finished.')).toBeTruthy();
    await finishRun(api);

    const verdict = document.querySelector<HTMLElement>('[data-verdict]')!;
    expect(verdict.dataset.verdict).toBe('firewall-reset');
    expect(
      within(verdict).getByRole('heading', { name: 'A firewall or middlebox sends the reset' }),
    ).toBeTruthy();
    const facts = [...verdict.querySelectorAll('dl > div')].map((d) => [
      d.querySelector('dt')?.textContent,
      d.querySelector('dd')?.textContent,
    ]);
    expect(facts).toEqual([
      ['Confidence', '86%'],
      ['Origin', 'a device on the path (hop 4), address 198.51.100.1'],
      ['Phase', 'TLS handshake'],
      ['Target', 'https://api.example.com:8443/v1/orders'],
    ]);

    const evidence = within(screen.getByRole('region', { name: 'Evidence' })).getAllByRole('listitem');
    expect(evidence.map((li) => li.textContent)).toEqual(
      demoReport().diagnosis.findings[0]!.evidence.map((e) => e.text),
    );
    const remedies = within(screen.getByRole('region', { name: 'Remedies' })).getAllByRole('listitem');
    expect(remedies[0]!.textContent).toContain('Ask the network team that runs 198.51.100.1 (hop 4)');
    expect(remedies).toHaveLength(3);
    expect(screen.getByRole('region', { name: 'Other findings' }).textContent).toContain(
      'Packet loss on the path',
    );
    expect(screen.getByRole('region', { name: 'Notes' }).textContent).toContain(
      'Not checked: no TLS handshake completed with api.example.com',
    );
  });

  it('exports each format: downloads content, says where a file was saved, and reports a failure in one line', async () => {
    const createObjectURL = vi.fn(() => 'blob:report');
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const api = new StubApi();
    await startRun(api);
    await finishRun(api);
    await fireEvent.click(button('Run all'));

    await fireEvent.click(button('Export HTML'));
    await waitFor(() =>
      expect(screen.getByText('Downloaded reset-doctor-api.example.com.html')).toBeTruthy(),
    );
    expect(clicks).toEqual(['reset-doctor-api.example.com.html']);
    expect(createObjectURL).toHaveBeenCalledOnce();

    api.handlers['report:export'] = () => ({ kind: 'saved', path: '/home/me/reset-doctor.json' });
    await fireEvent.click(button('Export JSON'));
    await waitFor(() => expect(screen.getByText('Saved to /home/me/reset-doctor.json')).toBeTruthy());

    await fireEvent.click(screen.getByLabelText(/Hide addresses, host names and user names/));
    api.handlers['report:export'] = () => {
      throw new Error('EACCES: permission denied, open /report.md\n    at open (node:fs:1:1)');
    };
    await fireEvent.click(button('Export Markdown'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Export failed: EACCES: permission denied, open /report.md');
    expect(document.querySelector('[data-verdict="firewall-reset"]')).not.toBeNull();

    expect(api.callsTo('report:export')).toEqual([
      [SAMPLE_RUN_ID, 'html', false],
      [SAMPLE_RUN_ID, 'json', false],
      [SAMPLE_RUN_ID, 'md', true],
    ]);

    // The summary for a ticket goes to the clipboard, redacted as the box asks.
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: (text: string) => (copied.push(text), Promise.resolve()) },
      configurable: true,
    });
    api.handlers['report:summary'] = () => ({ markdown: '## In short\n- Verdict: x' });
    await fireEvent.click(button('Copy summary'));
    await waitFor(() => expect(copied).toEqual(['## In short\n- Verdict: x']));
    expect(api.callsTo('report:summary')).toEqual([[SAMPLE_RUN_ID, true]]);
    Reflect.deleteProperty(navigator, 'clipboard');
  });
});

describe('Run controls', () => {
  it('Cancel calls run:cancel while the run is active, and goes away when it ends', async () => {
    const { api } = await startRun();
    const events = sampleEvents();
    emitUntil(api, events, (e) => e.type === 'step-finished' && e.step.id === 'identify');
    await tick();
    await fireEvent.click(button('Cancel'));
    expect(api.callsTo('run:cancel')).toEqual([[SAMPLE_RUN_ID]]);
    expect(button('Cancelling…').disabled).toBe(true);
    api.emit({
      type: 'run-finished',
      runId: SAMPLE_RUN_ID,
      report: cancelledReport(demoReport(), ['identify']),
    });
    await tick();
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    await fireEvent.click(button('Run all'));
    expect(screen.getByText(/The run was cancelled/)).toBeTruthy();
  });

  it('moves the focus to the heading when the run ends under a focused Cancel', async () => {
    const { api } = await startRun();
    const events = sampleEvents();
    emitUntil(api, events, (e) => e.type === 'run-started');
    await tick();
    button('Cancel').focus();
    for (const e of events) api.emit(e);
    await tick();
    await tick();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(document.activeElement).toBe(heading('Identify the application'));
  });

  it('Re-run step calls step:rerun for that step, and is disabled until the engine is done', async () => {
    const { api } = await startRun();
    expect(button('Re-run step').disabled).toBe(true);
    await finishRun(api);
    await fireEvent.click(checklistItem(/Firewall and security/));
    expect(button('Re-run step').disabled).toBe(false);
    await fireEvent.click(button('Re-run step'));
    await waitFor(() => expect(api.callsTo('step:rerun')).toEqual([[SAMPLE_RUN_ID, 'firewall']]));
    await waitFor(() => expect(button('Re-run step').disabled).toBe(true));
    const rerun = sampleRerunEvents(SAMPLE_RUN_ID, 'firewall').map((e) => e.event);
    emitUntil(api, rerun, (e) => e.type === 'step-started');
    await tick();
    expect(probeElement('local-rules').dataset.status).toBe('pending');
    for (const e of rerun) api.emit(e);
    await tick();
    expect(probeElement('local-rules').dataset.status).toBe('complete');
    expect(button('Re-run step').disabled).toBe(false);
  });

  it('Re-run step copes with the step’s events arriving before the call’s answer', async () => {
    const api = new StubApi();
    await startRun(api);
    await finishRun(api);
    await fireEvent.click(checklistItem(/Firewall and security/));
    api.handlers['step:rerun'] = (runId, stepId) => {
      for (const { event } of sampleRerunEvents(runId, stepId)) api.emit(event);
      return { started: true };
    };
    await fireEvent.click(button('Re-run step'));
    await waitFor(() => expect(api.callsTo('step:rerun')).toHaveLength(1));
    await tick();
    expect(probeElement('local-rules').dataset.status).toBe('complete');
    expect(button('Re-run step').disabled).toBe(false);
  });

  it('Re-run step says so in one line when the engine refuses', async () => {
    const api = new StubApi({ 'step:rerun': () => ({ started: false }) });
    await startRun(api);
    await finishRun(api);
    await fireEvent.click(button('Re-run step'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('“Identify the application” could not run again right now.');
    expect(button('Re-run step').disabled).toBe(false);
    expect(probeElement('target').dataset.status).toBe('complete');
  });
});

describe('New diagnosis', () => {
  it('is offered once the run is over, and goes back to the start page with the same values', async () => {
    const { api } = await startRun();
    expect(screen.queryByRole('button', { name: 'New diagnosis' })).toBeNull();
    await finishRun(api);
    await fireEvent.click(button('New diagnosis'));
    expect(document.activeElement).toBe(heading('Start a diagnosis'));
    expect((screen.getByLabelText('Target') as HTMLInputElement).value).toBe(
      'https://api.example.com:8443/v1/orders',
    );
    expect(screen.queryByRole('button', { name: 'Next' })).toBeNull();
    // Events of the finished run no longer reach the page.
    api.emit({ type: 'step-started', runId: SAMPLE_RUN_ID, stepId: 'identify', at: '' });
    await tick();
    expect(within(screen.getByRole('main')).getByRole('heading', { level: 2 }).textContent).toBe(
      'Start a diagnosis',
    );
  });
});

describe('Keyboard and screen readers', () => {
  it('Next and Back walk the steps, focus the heading, and mark the current checklist item', async () => {
    const { api } = await startRun();
    emitUntil(api, sampleEvents(), (e) => e.type === 'run-started');
    await tick();
    expect(document.activeElement).toBe(heading('Identify the application'));
    expect(button('Back').disabled).toBe(true);

    await fireEvent.click(button('Next'));
    expect(document.activeElement).toBe(heading('Network connectivity'));
    expect(checklistItem(/Network connectivity/).getAttribute('aria-current')).toBe('step');
    expect(checklistItem(/Identify the application/).hasAttribute('aria-current')).toBe(false);

    for (let i = 0; i < 5; i++) await fireEvent.click(button('Next'));
    expect(document.activeElement).toBe(heading('Summary'));
    expect(button('Next').disabled).toBe(true);
    await fireEvent.click(button('Back'));
    expect(document.activeElement).toBe(heading('TCP handshake'));
    expect(screen.getByText('Step 6 of 6')).toBeTruthy();
  });

  it('has landmarks, and every control is a labelled native control in the tab order', async () => {
    const { api } = await startRun();
    await finishRun(api);
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Checklist' })).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    const controls = [
      ...document.querySelectorAll<HTMLElement>('button, input, textarea, select, summary, a[href]'),
    ];
    expect(controls.length).toBeGreaterThan(10);
    for (const control of controls) {
      expect(control.getAttribute('tabindex')).not.toBe('-1');
      expect(control.textContent?.trim() || control.getAttribute('aria-label')).toBeTruthy();
    }
  });

  it('announces step completions and the verdict politely', async () => {
    const { api } = await startRun();
    const region = document.querySelector('[aria-live="polite"][role="status"][aria-atomic="true"]')!;
    const events = sampleEvents();
    emitUntil(api, events, (e) => e.type === 'step-finished' && e.step.id === 'identify');
    await tick();
    expect(region.textContent).toBe('Step 1, Identify the application: passed.');
    for (const e of events) api.emit(e);
    await tick();
    expect(region.textContent).toBe('Diagnosis ready: A firewall or middlebox sends the reset.');
  });

  it('shows a banner when the connection to Reset Doctor is lost, keeping what is shown', async () => {
    const connection = new ConnectionState();
    renderApp(new StubApi(), connection);
    connection.lost = 'The connection to Reset Doctor was lost. Reload the page to reconnect.';
    await tick();
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toMatch(/connection to Reset Doctor lost/i);
    expect(within(banner).getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByLabelText('Target')).toBeTruthy();
  });
});
