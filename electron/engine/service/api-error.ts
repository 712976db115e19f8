/** A message for the person at the other end: shown as it is, never with a stack. */
export class ApiError extends Error {
  override name = 'ApiError';
}
