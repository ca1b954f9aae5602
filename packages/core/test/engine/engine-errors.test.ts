import { ENGINE_ERRORS } from '@qixflow/qix';
import { describe, expect, it } from 'vitest';
import { toEngineError } from '../../src/engine/engine-errors.js';

const engineError = (code: number, message: string, parameter = ''): Error =>
  Object.assign(new Error(message), { code, parameter });
const enigmaError = (code: number, message: string): Error =>
  Object.assign(new Error(message), { code, enigmaError: true });

describe('toEngineError', () => {
  it('names engine codes from the engine schema', () => {
    const error = toEngineError(engineError(7009, 'Calculation pages too large', '/qHyperCubeDef'), 'GetHyperCubeData');
    expect(error).toMatchObject({
      code: 'ERR_ENGINE',
      engineCode: 7009,
      engineName: 'LOCERR_CALC_PAGES_TOO_LARGE',
      parameter: '/qHyperCubeDef',
    });
    expect(error.message).toBe(
      'GetHyperCubeData failed: Calculation pages too large (7009 LOCERR_CALC_PAGES_TOO_LARGE): /qHyperCubeDef',
    );
    expect(toEngineError(engineError(ENGINE_ERRORS.LOCERR_APP_NOT_FOUND.code, 'App not found'), 'OpenDoc').code).toBe(
      'ERR_APP_NOT_FOUND',
    );
  });

  it('tells enigma.js errors from engine errors by their flag, not by the number', () => {
    // −1 answered by the engine is LOCERR_GENERIC_UNKNOWN, not a closed socket
    const unknown = toEngineError(engineError(-1, 'Unknown error'), 'GetLayout');
    expect(unknown).toMatchObject({ code: 'ERR_ENGINE', engineCode: -1, engineName: 'LOCERR_GENERIC_UNKNOWN' });
    expect(unknown.message).toBe('GetLayout failed: Unknown error (-1 LOCERR_GENERIC_UNKNOWN)');

    const closed = toEngineError(enigmaError(-1, 'Socket closed'), 'GetLayout');
    expect(closed).toMatchObject({ code: 'ERR_SOCKET_CLOSED', engineCode: -1, engineName: undefined });
    expect(closed.message).toBe('GetLayout: the websocket is closed');

    const suspended = toEngineError(enigmaError(-11, 'Session suspended'), 'GetLayout');
    expect(suspended).toMatchObject({ code: 'ERR_SOCKET_CLOSED', engineCode: -11, engineName: undefined });

    const missing = toEngineError(enigmaError(-2, 'Object not found'), 'GetObject');
    expect(missing).toMatchObject({ code: 'ERR_ENGINE', engineCode: -2, engineName: undefined });
    expect(missing.message).toBe('GetObject failed: Object not found (enigma.js -2 OBJECT_NOT_FOUND)');
  });
});
