import type { ErrorTextCheck, StartRunRequest, TargetCheck } from '../../../electron/shared/api-contract.js';

/** What the start page holds; it outlives a run, so "New diagnosis" starts from the same values. */
export class StartForm {
  target = $state('');
  errorText = $state('');
  logFile = $state('');
  idleTest = $state(false);
  idleMaxSeconds = $state<number | null>(10);
  concurrency = $state<number | null>(8);
  timeoutSeconds = $state<number | null>(2);

  /** The latest target:check answer, for the text it was asked about. */
  targetCheck = $state<(TargetCheck & { input: string }) | null>(null);
  errorCheck = $state<ErrorTextCheck | null>(null);
  /** Said when the target was filled in from the error message. */
  filledFromError = $state('');

  get targetValid(): boolean {
    return this.target.trim() !== '' && this.targetCheck?.input === this.target && this.targetCheck.ok;
  }

  get idleError(): string | null {
    if (!this.idleTest) return null;
    const v = this.idleMaxSeconds;
    return typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 3600
      ? null
      : 'Enter a number of seconds from 1 to 3600.';
  }

  get concurrencyError(): string | null {
    const v = this.concurrency;
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 64
      ? null
      : 'Enter a whole number from 0 (off) to 64.';
  }

  get timeoutError(): string | null {
    const v = this.timeoutSeconds;
    return typeof v === 'number' && Number.isFinite(v) && v >= 0.1 && v <= 60
      ? null
      : 'Enter a number of seconds from 0.1 to 60.';
  }

  get canStart(): boolean {
    return this.targetValid && !this.idleError && !this.concurrencyError && !this.timeoutError;
  }

  toRequest(): StartRunRequest {
    return {
      target: this.target.trim(),
      errorText: this.errorText.trim() ? this.errorText : null,
      logFile: this.logFile.trim() ? this.logFile.trim() : null,
      idleMaxSeconds: this.idleTest ? Number(this.idleMaxSeconds) : null,
      concurrency: Number(this.concurrency),
      timeoutSeconds: Number(this.timeoutSeconds),
    };
  }
}
