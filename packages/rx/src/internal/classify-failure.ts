import { ENGINE_ERRORS, type EngineErrorName } from '@qixflow/qix';
import { RxQixError } from '../errors.js';

/**
 * What a rejected engine call means to a stream:
 * - `suspended`: the session is suspended (enigma.js SESSION_SUSPENDED, -11): wait for `resumed`;
 * - `lost`: the socket closed under the call (enigma.js NOT_CONNECTED, -1): the session is about to
 *   be suspended (suspendOnClose) or closed — wait and see;
 * - `aborted`: the engine aborted the calculation (LOCERR_GENERIC_ABORTED, 15): a selection or a
 *   `CancelRequest` interrupted it;
 * - `not-found`: enigma.js OBJECT_NOT_FOUND (-2): `Get…` answered `{qType: null, qHandle: null}`;
 * - `engine`: any other engine error; `other`: anything else (enigma.js's other client errors included).
 *
 * Errors come either from plain enigma.js (`code` = number) or already wrapped, e.g. by
 * @qixflow/core (`engineCode` = number, `code` = a string such as `ERR_SOCKET_CLOSED`). enigma.js's own
 * codes overlap the engine's (−1 is also the engine's LOCERR_GENERIC_UNKNOWN): its errors are told apart
 * by their `enigmaError` flag, never by the number.
 */
export type FailureKind = 'suspended' | 'lost' | 'aborted' | 'not-found' | 'engine' | 'other';

interface ErrorShape {
  code?: unknown;
  engineCode?: unknown;
  enigmaError?: unknown;
  parameter?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** enigma.js's own codes (`enigma.js/error-codes`) rx reacts to. */
const NOT_CONNECTED = -1;
const OBJECT_NOT_FOUND = -2;
const SESSION_SUSPENDED = -11;

const NAMES_BY_CODE: ReadonlyMap<number, EngineErrorName> = new Map(
  Object.values(ENGINE_ERRORS).map((entry) => [entry.code, entry.name]),
);

/** The schema's name of an engine error code, e.g. 2 → `LOCERR_GENERIC_NOT_FOUND`. */
function engineErrorName(code: number): EngineErrorName | undefined {
  return NAMES_BY_CODE.get(code);
}

/**
 * enigma.js's code when enigma.js raised the error itself (`enigmaError: true`), also when a wrapper kept it
 * as `cause`; @qixflow/core's `ERR_SOCKET_CLOSED` carries it as `engineCode`.
 */
function enigmaCodeOf(error: unknown): number | undefined {
  let current = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const e = current as ErrorShape;
    if (e.enigmaError === true && typeof e.code === 'number') return e.code;
    if (e.code === 'ERR_SOCKET_CLOSED') return typeof e.engineCode === 'number' ? e.engineCode : NOT_CONNECTED;
    current = e.cause;
  }
  return undefined;
}

/** The numeric engine / enigma.js code of an error, wherever the wrapper put it. */
function engineCodeOf(error: unknown): number | undefined {
  const e = (error ?? {}) as ErrorShape;
  if (typeof e.code === 'number') return e.code;
  if (typeof e.engineCode === 'number') return e.engineCode;
  return undefined;
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof RxQixError) return error.code === 'ERR_OBJECT_NOT_FOUND' ? 'not-found' : 'other';
  const client = enigmaCodeOf(error);
  if (client === SESSION_SUSPENDED) return 'suspended';
  if (client === NOT_CONNECTED) return 'lost';
  if (client === OBJECT_NOT_FOUND) return 'not-found';
  if (client !== undefined) return 'other';
  const code = engineCodeOf(error);
  if (code === ENGINE_ERRORS.LOCERR_GENERIC_ABORTED.code) return 'aborted';
  if (code !== undefined) return 'engine';
  return 'other';
}

/** True when a failure only means "the connection is (about to be) suspended". */
export function isConnectionLoss(error: unknown): boolean {
  const kind = classifyFailure(error);
  return kind === 'suspended' || kind === 'lost';
}

/** Turns whatever a call rejected with into an {@link RxQixError} (kept as its `cause`). */
export function toRxQixError(error: unknown, context: { method?: string; objectId?: string } = {}): RxQixError {
  if (error instanceof RxQixError) return error;
  const e = (error ?? {}) as ErrorShape;
  const code = engineCodeOf(error);
  const rawMessage = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const parameter = typeof e.parameter === 'string' && e.parameter !== '' ? e.parameter : undefined;
  const name = code === undefined || enigmaCodeOf(error) !== undefined ? undefined : engineErrorName(code);
  const details = {
    ...(code === undefined ? {} : { engineCode: code }),
    ...(name === undefined ? {} : { engineName: name }),
    ...(parameter === undefined ? {} : { parameter }),
    ...(context.method === undefined ? {} : { method: context.method }),
    ...(context.objectId === undefined ? {} : { objectId: context.objectId }),
    cause: error,
  };
  const where = context.method ?? 'call';
  const what = context.objectId === undefined ? '' : ` (${context.objectId})`;
  switch (classifyFailure(error)) {
    case 'not-found':
      return new RxQixError('ERR_OBJECT_NOT_FOUND', `${where}${what}: no such object`, details);
    case 'suspended':
      return new RxQixError('ERR_SESSION_SUSPENDED', `${where}${what}: the session is suspended`, details);
    case 'lost':
      return new RxQixError('ERR_CALL_FAILED', `${where}${what}: the socket closed during the call`, details);
    case 'engine':
    case 'aborted':
      return new RxQixError(
        'ERR_ENGINE',
        `${where}${what} failed: ${rawMessage} (${code}${name ? ` ${name}` : ''})${parameter ? `: ${parameter}` : ''}`,
        details,
      );
    default:
      return new RxQixError('ERR_CALL_FAILED', `${where}${what} failed: ${rawMessage}`, details);
  }
}
