import { expect, type Locator, type Page } from '@playwright/test';

export interface StartOptions {
  target: string;
  errorText?: string;
  logFile?: string;
  /** Turns the idle test on with this maximum (seconds). */
  idleMaxSeconds?: number;
  concurrency?: number;
  timeoutSeconds?: number;
}

/** The wizard's start page: the target, what the application printed, and the run's options. */
export class StartPage {
  readonly heading: Locator;
  readonly target: Locator;
  readonly errorMessage: Locator;
  readonly serverLog: Locator;
  readonly idleTest: Locator;
  readonly idleMax: Locator;
  readonly concurrency: Locator;
  readonly timeout: Locator;
  readonly startButton: Locator;
  /** The Options box, closed at first (its summary line says what the options are). */
  readonly options: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Start a diagnosis' });
    this.target = page.getByLabel('Target', { exact: true });
    this.errorMessage = page.getByLabel('Error message', { exact: true });
    this.serverLog = page.getByLabel('Server log file', { exact: true });
    this.idleTest = page.getByRole('checkbox', { name: 'Idle test' });
    this.idleMax = page.getByLabel('Maximum idle seconds', { exact: true });
    this.concurrency = page.getByLabel('Concurrent connections', { exact: true });
    this.timeout = page.getByLabel('Timeout (seconds)', { exact: true });
    this.startButton = page.getByRole('button', { name: 'Start diagnosis' });
    this.options = page.locator('details.options-box');
  }

  /** Opens the Options box, as a person clicks its summary. */
  async openOptions(): Promise<void> {
    if (await this.options.evaluate((d) => (d as unknown as { open: boolean }).open)) return;
    await this.options.locator('summary').click();
    await expect(this.concurrency).toBeVisible();
  }

  /** Opens the URL serve printed (it carries the token) and waits for the form. */
  async open(url: string): Promise<void> {
    const response = await this.page.goto(url);
    expect(response?.status(), `GET ${url}`).toBe(200);
    await expect(this.target).toBeVisible();
  }

  async fill(options: StartOptions): Promise<void> {
    await this.target.fill(options.target);
    if (options.errorText !== undefined) await this.errorMessage.fill(options.errorText);
    if (options.logFile !== undefined) await this.serverLog.fill(options.logFile);
    const { idleMaxSeconds, concurrency, timeoutSeconds } = options;
    if (idleMaxSeconds !== undefined || concurrency !== undefined || timeoutSeconds !== undefined)
      await this.openOptions();
    if (options.idleMaxSeconds !== undefined) {
      await this.idleTest.check();
      await this.idleMax.fill(String(options.idleMaxSeconds));
    }
    if (options.concurrency !== undefined) await this.concurrency.fill(String(options.concurrency));
    if (options.timeoutSeconds !== undefined) await this.timeout.fill(String(options.timeoutSeconds));
  }

  /** Clicks "Start diagnosis" once the target has been checked (the button is enabled then). */
  async start(): Promise<void> {
    await expect(this.startButton).toBeEnabled();
    await this.startButton.click();
  }

  async fillAndStart(options: StartOptions): Promise<void> {
    await this.fill(options);
    await this.start();
  }
}
