import { RxQixError } from '../errors.js';
import { engineErrorName } from './engine-error-names.js';

/**
 * What a rejected engine call means to a stream:
 * - `suspended`: the session is suspended (enigma.js SESSION_SUSPENDED, -11): wait for `resumed`;
 * - `lost`: the socket closed under the call (enigma.js NOT_CONNECTED, -1): the session is about to
 *   be suspended (suspendOnClose) or closed — wait and see;
 * - `aborted`: the engine aborted the calculation (LOCERR_GENERIC_ABORTED, 15): a selection or a
 *   `CancelRequest` interrupted it;
 * - `not-found`: enigma.js OBJECT_NOT_FOUND (-2): `Get…` answered `{qType: null, qHandle: null}`;
 * - `engine`: any other engine error; `other`: anything else.
 *
 * Errors come either from plain enigma.js (`code` = number) or already wrapped, e.g. by
 * @qixflow/core (`engineCode` = number, `code` = a string such as `ERR_SOCKET_CLOSED`).
 */
export type FailureKind = 'suspended' | 'lost' | 'aborted' | 'not-found' | 'engine' | 'other';

interface ErrorShape {
  code?: unknown;
  engineCode?: unknown;
  enigmaError?: unknown;
  parameter?: unknown;
  message?: unknown;
}

/** The numeric engine / enigma.js code of an error, wherever the wrapper put it. */
export function engineCodeOf(error: unknown): number | undefined {
  const e = (error ?? {}) as ErrorShape;
  if (typeof e.code === 'number') return e.code;
  if (typeof e.engineCode === 'number') return e.engineCode;
  return undefined;
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof RxQixError) return error.code === 'ERR_OBJECT_NOT_FOUND' ? 'not-found' : 'other';
  const e = (error ?? {}) as ErrorShape;
  const code = engineCodeOf(error);
  if (code === -11) return 'suspended';
  // -1 is also the engine's LOCERR_GENERIC_UNKNOWN; enigma.js's NOT_CONNECTED has no `parameter`.
  if (code === -1 && (e.enigmaError === true || !('parameter' in (e as object)) || typeof e.code === 'string')) {
    return 'lost';
  }
  if (e.code === 'ERR_SOCKET_CLOSED') return 'lost';
  if (code === 15) return 'aborted';
  if (code === -2) return 'not-found';
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
  const details = {
    ...(code === undefined ? {} : { engineCode: code }),
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
    case 'aborted': {
      const name = code === undefined ? undefined : engineErrorName(code);
      return new RxQixError(
        'ERR_ENGINE',
        `${where}${what} failed: ${rawMessage} (${code}${name ? ` ${name}` : ''})${parameter ? `: ${parameter}` : ''}`,
        details,
      );
    }
    default:
      return new RxQixError('ERR_CALL_FAILED', `${where}${what} failed: ${rawMessage}`, details);
  }
}
