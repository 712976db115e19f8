// Tests for JSON of a shape not known yet: probe data from a report, a message from a socket. Each tells
// one kind of value, so a decoder can say exactly what it accepts. None of them throws.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isNumberOrNull(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}

export function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** An optional field: absent, or of the kind `test` accepts. */
export function isAbsentOr<T>(value: unknown, test: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || test(value);
}

export const numberOrNull = (value: unknown): number | null => (isFiniteNumber(value) ? value : null);
export const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The fields of T as a decoder reads them from a record of unknown shape: each may hold anything, and a
 * name T does not have fails to compile, so a field renamed in the engine's type cannot be read under its
 * old name.
 */
export type FieldsOf<T> = { readonly [K in keyof T]?: unknown };

export function fieldsOf<T>(value: unknown): FieldsOf<T> | null {
  return isRecord(value) ? (value as FieldsOf<T>) : null;
}

/**
 * A test for the words of a vocabulary, given as a record over all of them: the record's type keeps it
 * whole, and only its own keys count (not `toString` or `__proto__`).
 */
export function oneOf<T extends string>(words: Record<T, true>): (value: unknown) => value is T {
  return (value): value is T => typeof value === 'string' && Object.hasOwn(words, value);
}

/**
 * A record's value for a key read from outside, from its own keys only: a word such as "constructor" or
 * "toString" in a listing must not come back as Object.prototype's function.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The items of a list that decode, in order; null when `value` is not a list. */
export function decodeEach<T>(value: unknown, decode: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null;
  return (value as unknown[]).flatMap((item) => {
    const decoded = decode(item);
    return decoded === null ? [] : [decoded];
  });
}
