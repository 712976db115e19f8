/**
 * Input a person gave that cannot be used as it is (a target, a log file): the message is one line for
 * that person, and every face shows it as such (the CLI exits 2, the wizard shows it at the start).
 */
export class InputError extends Error {
  override name = 'InputError';
}
