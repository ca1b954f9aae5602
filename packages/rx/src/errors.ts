import type { EngineErrorName } from '@qixflow/qix';

/**
 * Stable codes of {@link RxQixError} (documented in the package README).
 * - `ERR_ENGINE`: the engine answered an error (`engineCode`, `engineName`, `parameter`, `method`).
 * - `ERR_OBJECT_NOT_FOUND`: no object with that id / name (also when it was destroyed meanwhile).
 * - `ERR_HANDLE_CLOSED`: the engine closed a handle rx could not re-acquire (the Doc itself).
 * - `ERR_SESSION_CLOSED`: the enigma.js session closed (not suspended): nothing more will come.
 * - `ERR_SESSION_SUSPENDED`: a one-shot action (a selection) was attempted while the session was suspended.
 * - `ERR_SELECTION_REJECTED`: the engine refused a selection round (`EndSelections` / `qSuccess: false`).
 * - `ERR_CALL_FAILED`: a call failed without an engine error (a closed socket, a broken API object).
 */
export type RxQixErrorCode =
  | 'ERR_ENGINE'
  | 'ERR_OBJECT_NOT_FOUND'
  | 'ERR_HANDLE_CLOSED'
  | 'ERR_SESSION_CLOSED'
  | 'ERR_SESSION_SUSPENDED'
  | 'ERR_SELECTION_REJECTED'
  | 'ERR_CALL_FAILED';

/** Details of an {@link RxQixError}. */
export interface RxQixErrorDetails {
  /** Engine error code (`NxLocalizedErrorCode`, e.g. 2 = not found, 15 = aborted) or enigma.js client code (negative). */
  engineCode?: number;
  /**
   * The schema's name of the engine code, e.g. `LOCERR_GENERIC_NOT_FOUND`; absent for enigma.js's own codes
   * and for codes newer than the schema.
   */
  engineName?: EngineErrorName;
  /** The engine's `parameter` (context such as an object id). */
  parameter?: string;
  /** The engine method that failed, e.g. `GetLayout`. */
  method?: string;
  /** The object concerned (id, field name, variable name). */
  objectId?: string;
  cause?: unknown;
}

/**
 * The error every rx stream fails with: a stable `code` plus the engine's code, name, parameter
 * and the method that failed. Subscribers receive it in `error`.
 *
 * @example
 * ```ts
 * objectLayout(doc, 'nope').subscribe({
 *   error: (e) => { if (isRxQixError(e, 'ERR_OBJECT_NOT_FOUND')) console.log(e.objectId); },
 * });
 * ```
 */
export class RxQixError extends Error {
  readonly code: RxQixErrorCode;
  readonly engineCode: number | undefined;
  readonly engineName: EngineErrorName | undefined;
  readonly parameter: string | undefined;
  readonly method: string | undefined;
  readonly objectId: string | undefined;

  constructor(code: RxQixErrorCode, message: string, details: RxQixErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RxQixError';
    this.code = code;
    this.engineCode = details.engineCode;
    this.engineName = details.engineName;
    this.parameter = details.parameter;
    this.method = details.method;
    this.objectId = details.objectId;
  }
}

/** True when `error` is an {@link RxQixError} (with one of `codes`, when given). */
export function isRxQixError(error: unknown, ...codes: RxQixErrorCode[]): error is RxQixError {
  return error instanceof RxQixError && (codes.length === 0 || codes.includes(error.code));
}
