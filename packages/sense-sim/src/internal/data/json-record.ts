/** A JSON object as the engine receives and returns it. */
export type JsonRecord = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends `key` to a JSON pointer, escaped as RFC 6901 requires. */
export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Keys starting with `q` followed by an upper-case letter belong to the engine; all others are the client's. */
export function isEngineKey(key: string): boolean {
  return /^q[A-Z]/.test(key);
}

/**
 * Sets `target[key]` as an own property. Keys come from the wire, and a plain assignment of
 * `__proto__` would replace the object's prototype instead of adding the key.
 */
export function setEntry(target: JsonRecord, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A double as the engine writes it: NaN (a text value, no value) is the string "NaN". */
export type NxNumber = number | 'NaN';

/** `value` as the engine writes a double. */
export function nxNumber(value: number): NxNumber {
  return Number.isFinite(value) ? value : 'NaN';
}

/** `value` if it is a JSON object, else an empty one. */
export function asRecord(value: unknown): Readonly<JsonRecord> {
  return isJsonRecord(value) ? value : {};
}

/** The JSON objects of `value` if it is an array, else none. */
export function asRecords(value: unknown): Readonly<JsonRecord>[] {
  return Array.isArray(value) ? value.filter(isJsonRecord) : [];
}

/** The strings of `value` if it is an array, else none. */
export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `value` if it is a string, else ''. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
