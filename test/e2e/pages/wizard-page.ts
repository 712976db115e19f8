import { expect, type Locator, type Page } from '@playwright/test';
import { STEP_IDS, STEP_TITLES, type ProbeStatus } from '../../../electron/shared/step-info.js';

/** The checklist as the wizard names it: the six steps, then the summary. */
export const STEP_NAMES: string[] = [...STEP_IDS.map((id) => STEP_TITLES[id]), 'Summary'];

/** A probe's statuses once it has stopped changing. */
export const FINAL_STATUSES: ProbeStatus[] = ['complete', 'skipped', 'failed'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function statusPattern(status: ProbeStatus | ProbeStatus[]): RegExp {
  const list = Array.isArray(status) ? status : [status];
  return new RegExp(`^(${list.map(escapeRegExp).join('|')})$`);
}

/** The wizard once a run has started: the checklist, the current step's view and the controls. */
export class WizardPage {
  readonly checklist: Locator;
  /** The checklist entry the wizard shows now (aria-current="step"). */
  readonly currentItem: Locator;
  /** The heading of the view (step or summary) on screen. */
  readonly viewHeading: Locator;
  readonly nextButton: Locator;
  readonly backButton: Locator;
  readonly runAllButton: Locator;
  readonly cancelButton: Locator;
  readonly rerunButton: Locator;
  /** Every probe of the step on screen. */
  readonly probes: Locator;

  constructor(readonly page: Page) {
    this.checklist = page.getByRole('navigation', { name: 'Checklist' });
    this.currentItem = this.checklist.locator('[aria-current="step"]');
    this.viewHeading = page.getByRole('main').getByRole('heading', { level: 2 });
    this.nextButton = page.getByRole('button', { name: 'Next', exact: true });
    this.backButton = page.getByRole('button', { name: 'Back', exact: true });
    this.runAllButton = page.getByRole('button', { name: 'Run all', exact: true });
    this.cancelButton = page.getByRole('button', { name: 'Cancel', exact: true });
    this.rerunButton = page.getByRole('button', { name: 'Re-run step', exact: true });
    this.probes = page.getByRole('main').locator('[data-probe-id]');
  }

  /** The checklist entry of a step (its accessible name starts with the step's name, then its state). */
  item(name: string): Locator {
    return this.checklist.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)}\\b`) });
  }

  /** Waits until a step's checklist entry shows a state word (Pending, Running, Passed, Failed, …). */
  async waitForStepState(
    name: string,
    state: RegExp | string,
    options: { timeout?: number } = {},
  ): Promise<void> {
    await expect(this.item(name), `checklist entry ${name}`).toContainText(state, options);
  }

  /** The names of the checklist's entries, in order. */
  async stepNames(): Promise<string[]> {
    const names = await this.checklist.getByRole('listitem').allInnerTexts();
    // Each entry reads "<number>\n<name>\n<state>": keep the names.
    return names.map((text) => {
      const name = STEP_NAMES.find((n) => text.includes(n));
      return name ?? text.trim();
    });
  }

  /** Waits until the wizard shows `name`: its heading, and the checklist marks it current. */
  async expectStep(name: string): Promise<void> {
    await expect(this.viewHeading).toHaveText(name);
    await expect(this.currentItem).toHaveCount(1);
    await expect(this.currentItem).toContainText(name);
  }

  async goToStep(name: string): Promise<void> {
    await this.item(name).click();
    await this.expectStep(name);
  }

  async next(): Promise<void> {
    await this.nextButton.click();
  }

  async back(): Promise<void> {
    await this.backButton.click();
  }

  async runAll(): Promise<void> {
    await this.runAllButton.click();
  }

  async cancel(): Promise<void> {
    await this.cancelButton.click();
  }

  async rerun(): Promise<void> {
    await expect(this.rerunButton).toBeEnabled();
    await this.rerunButton.click();
  }

  probe(id: string): Locator {
    return this.page.getByRole('main').locator(`[data-probe-id="${id}"]`);
  }

  async probeStatus(id: string): Promise<string | null> {
    return this.probe(id).getAttribute('data-status');
  }

  /** Waits for probe `id` to show `status` (one of several, if a list). */
  async waitForProbe(
    id: string,
    status: ProbeStatus | ProbeStatus[],
    options: { timeout?: number } = {},
  ): Promise<void> {
    await expect(this.probe(id), `probe ${id}`).toHaveAttribute(
      'data-status',
      statusPattern(status),
      options,
    );
  }

  /** The ids of the probes the step on screen shows. */
  async probeIds(): Promise<string[]> {
    return this.probes.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-probe-id') ?? ''),
    );
  }

  /** Waits until every probe of the step on screen has stopped (complete, skipped or failed). */
  async waitForStepFinished(options: { timeout?: number } = {}): Promise<Record<string, string>> {
    const ids = await this.probeIds();
    for (const id of ids) await this.waitForProbe(id, FINAL_STATUSES, options);
    const statuses: Record<string, string> = {};
    for (const id of ids) statuses[id] = (await this.probeStatus(id)) ?? '';
    return statuses;
  }
}
