import type { QixApi, QixPromise } from '../types/qix-api.js';

/**
 * Calls an engine method of an enigma.js API object by its enigma.js (camelCase) name. rx knows
 * API objects only structurally, so a missing method is a programmer error (not an enigma.js API
 * object, or a schema without that method).
 */
export function call<T>(api: QixApi, method: string, ...args: unknown[]): QixPromise<T> {
  const fn = (api as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `@qixflow/rx: ${api?.type ?? 'object'} '${api?.id ?? '?'}' has no method ${method}() — pass an enigma.js API object`,
    );
  }
  return (fn as (...a: unknown[]) => QixPromise<T>).apply(api, args);
}

/** The JSON-RPC request id enigma.js attaches to the promises it returns (`promise.requestId`). */
export function requestIdOf(value: unknown): number | undefined {
  if (typeof value !== 'object' && typeof value !== 'function') return undefined;
  const id = (value as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'number' ? id : undefined;
}

/** Checks the first argument of a public function: an enigma.js API object. */
export function assertApi(value: unknown, name: string, fn: string): asserts value is QixApi {
  const api = value as Partial<QixApi> | null | undefined;
  if (
    typeof api !== 'object' ||
    api === null ||
    typeof api.on !== 'function' ||
    typeof api.type !== 'string' ||
    typeof api.handle !== 'number'
  ) {
    throw new TypeError(
      `${fn}: ${name} must be an enigma.js API object ({ id, handle, type, on() … }), got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).slice(0, 5).join(', ')}]`;
  return typeof value;
}

/** Checks a non-empty string argument of a public function. */
export function assertName(value: unknown, name: string, fn: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${fn}: ${name} must be a non-empty string, got ${value === '' ? "''" : describe(value)}`);
  }
}
