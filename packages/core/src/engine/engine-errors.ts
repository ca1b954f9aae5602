import { ENGINE_ERRORS, type EngineErrorName } from '@qixflow/qix';
import { QixflowError } from '../errors.js';

const NAMES_BY_CODE: ReadonlyMap<number, EngineErrorName> = new Map(
  Object.values(ENGINE_ERRORS).map((entry) => [entry.code, entry.name]),
);

/**
 * enigma.js's own (client-side) codes (`enigma.js/error-codes`). They overlap the engine's (−1 is also the
 * engine's LOCERR_GENERIC_UNKNOWN): only the `enigmaError` flag tells them apart.
 */
const ENIGMA_CODES: Readonly<Record<number, string>> = {
  [-1]: 'NOT_CONNECTED',
  [-2]: 'OBJECT_NOT_FOUND',
  [-3]: 'EXPECTED_ARRAY_OF_PATCHES',
  [-4]: 'PATCH_HAS_NO_PARENT',
  [-11]: 'SESSION_SUSPENDED',
  [-12]: 'SESSION_NOT_ATTACHED',
};
const NOT_CONNECTED = -1;
const SESSION_SUSPENDED = -11;

/** The name of an engine error code (e.g. 1003 → LOCERR_APP_NOT_FOUND), from the engine schema. */
function engineErrorName(code: number): EngineErrorName | undefined {
  return NAMES_BY_CODE.get(code);
}

/** True for an error enigma.js raised itself (closed socket, suspended session, unknown object …). */
function isEnigmaClientError(error: unknown): error is { code: number; enigmaError: true } {
  const e = error as { code?: unknown; enigmaError?: unknown } | null | undefined;
  return e?.enigmaError === true && typeof e.code === 'number';
}

/** True for the error enigma.js rejects pending and new calls with once its socket closed. */
export function isNotConnected(error: unknown): boolean {
  return isEnigmaClientError(error) && error.code === NOT_CONNECTED;
}

/**
 * Turns what enigma.js rejects with into a QixflowError: engine errors keep their code, name and
 * parameter (`ERR_ENGINE`, `ERR_APP_NOT_FOUND` for LOCERR_APP_NOT_FOUND); enigma.js's own errors for a
 * closed or suspended socket become `ERR_SOCKET_CLOSED`, its other ones `ERR_ENGINE` without an engine name.
 * A QixflowError is returned as it is. Exported for packages that take a foreign enigma.js Doc (lineage).
 *
 * @example
 * ```ts
 * const script = await doc.getScript().catch((error: unknown) => { throw toEngineError(error, 'GetScript'); });
 * ```
 */
export function toEngineError(error: unknown, method: string): QixflowError {
  if (error instanceof QixflowError) return error;
  const { code, parameter, message } = (error ?? {}) as { code?: unknown; parameter?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : 'engine error';
  if (isEnigmaClientError(error)) {
    if (error.code === NOT_CONNECTED || error.code === SESSION_SUSPENDED) {
      return new QixflowError(
        'ERR_SOCKET_CLOSED',
        error.code === SESSION_SUSPENDED
          ? `${method}: the connection is suspended (reconnecting); try again once it has resumed`
          : `${method}: the websocket is closed`,
        { engineCode: error.code, cause: error },
      );
    }
    const clientName = ENIGMA_CODES[error.code];
    return new QixflowError(
      'ERR_ENGINE',
      `${method} failed: ${text} (enigma.js ${error.code}${clientName ? ` ${clientName}` : ''})`,
      { engineCode: error.code, cause: error },
    );
  }
  if (typeof code === 'number') {
    const name = engineErrorName(code);
    const param = typeof parameter === 'string' && parameter !== '' ? parameter : undefined;
    return new QixflowError(
      code === ENGINE_ERRORS.LOCERR_APP_NOT_FOUND.code ? 'ERR_APP_NOT_FOUND' : 'ERR_ENGINE',
      `${method} failed: ${text} (${code}${name ? ` ${name}` : ''})${param ? `: ${param}` : ''}`,
      {
        engineCode: code,
        ...(name ? { engineName: name } : {}),
        ...(param ? { parameter: param } : {}),
        cause: error,
      },
    );
  }
  return new QixflowError('ERR_ENGINE', `${method} failed: ${text}`, { cause: error });
}
