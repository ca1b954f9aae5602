import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { QixflowError } from '../errors.js';

const ERROR_NAMES = new Map<number, string>(
  Object.entries((schema as { enums: { LocalizedErrorCode: Record<string, number> } }).enums.LocalizedErrorCode).map(
    ([name, code]) => [code, name],
  ),
);

/** enigma.js's own (client-side) codes, which are not engine codes. */
const ENIGMA_CODES: Record<number, string> = {
  [-1]: 'NOT_CONNECTED',
  [-2]: 'OBJECT_NOT_FOUND',
  [-3]: 'EXPECTED_ARRAY_OF_PATCHES',
  [-4]: 'PATCH_HAS_NO_PARENT',
  [-11]: 'SESSION_SUSPENDED',
  [-12]: 'SESSION_NOT_ATTACHED',
};

/** The name of an engine error code (e.g. 1003 → LOCERR_APP_NOT_FOUND). */
export function engineErrorName(code: number): string | undefined {
  return ERROR_NAMES.get(code);
}

/**
 * Turns what enigma.js rejects with into a QixflowError: engine errors keep their code, name and
 * parameter (`ERR_ENGINE`, `ERR_APP_NOT_FOUND` for 1003); lost sockets become `ERR_SOCKET_CLOSED`.
 */
export function toEngineError(error: unknown, method: string): QixflowError {
  if (error instanceof QixflowError) return error;
  const { code, parameter, message } = (error ?? {}) as { code?: unknown; parameter?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : 'engine error';
  if (typeof code === 'number' && (code === -1 || code === -11)) {
    return new QixflowError(
      'ERR_SOCKET_CLOSED',
      code === -11
        ? `${method}: the connection is suspended (reconnecting); try again once it has resumed`
        : `${method}: the websocket is closed`,
      { engineCode: code, engineName: ENIGMA_CODES[code], cause: error },
    );
  }
  if (typeof code === 'number') {
    const name = ERROR_NAMES.get(code) ?? ENIGMA_CODES[code];
    const param = typeof parameter === 'string' && parameter !== '' ? parameter : undefined;
    return new QixflowError(
      code === 1003 ? 'ERR_APP_NOT_FOUND' : 'ERR_ENGINE',
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
