import { describe, expect, it } from 'vitest';
import { RxQixError } from '../../src/errors.js';
import { classifyFailure, toRxQixError } from '../../src/internal/classify-failure.js';

const engineError = (code: number, message: string, parameter = ''): Error =>
  Object.assign(new Error(message), { code, parameter });
const enigmaError = (code: number, message: string): Error =>
  Object.assign(new Error(message), { code, enigmaError: true });

describe('classifyFailure', () => {
  it('tells connection losses from engine errors', () => {
    expect(classifyFailure(enigmaError(-11, 'Session suspended'))).toBe('suspended');
    expect(classifyFailure(enigmaError(-1, 'Socket closed'))).toBe('lost');
    // -1 answered by the engine (LOCERR_GENERIC_UNKNOWN) carries a parameter: an engine error
    expect(classifyFailure(engineError(-1, 'Unknown error'))).toBe('engine');
    expect(classifyFailure(engineError(15, 'Request aborted'))).toBe('aborted');
    expect(classifyFailure(enigmaError(-2, 'Object not found'))).toBe('not-found');
    expect(classifyFailure(engineError(2, 'Resource not found'))).toBe('engine');
    expect(classifyFailure(new TypeError('x'))).toBe('other');
  });

  it('understands errors already wrapped by @qixflow/core (string code, engineCode)', () => {
    const core = (code: string, engineCode?: number) => Object.assign(new Error('wrapped'), { code, engineCode });
    expect(classifyFailure(core('ERR_SOCKET_CLOSED', -11))).toBe('suspended');
    expect(classifyFailure(core('ERR_SOCKET_CLOSED', -1))).toBe('lost');
    expect(classifyFailure(core('ERR_ENGINE', 15))).toBe('aborted');
    expect(classifyFailure(core('ERR_ENGINE', 7009))).toBe('engine');
    // core keeps enigma.js's error as the cause of the ones it reports as ERR_ENGINE
    const wrapped = Object.assign(new Error('wrapped'), { code: 'ERR_ENGINE', engineCode: -2 });
    expect(classifyFailure(Object.assign(wrapped, { cause: enigmaError(-2, 'Object not found') }))).toBe('not-found');
  });

  it('tells enigma.js codes from engine codes by the enigmaError flag, not by the number', () => {
    // the engine's −1 (LOCERR_GENERIC_UNKNOWN), even without a parameter, is an engine error
    expect(classifyFailure(Object.assign(new Error('Unknown error'), { code: -1 }))).toBe('engine');
    const unknown = toRxQixError(engineError(-1, 'Unknown error'), { method: 'GetLayout' });
    expect(unknown).toMatchObject({ code: 'ERR_ENGINE', engineCode: -1, engineName: 'LOCERR_GENERIC_UNKNOWN' });
    const lost = toRxQixError(enigmaError(-1, 'Socket closed'), { method: 'GetLayout' });
    expect(lost).toMatchObject({ code: 'ERR_CALL_FAILED', engineCode: -1, engineName: undefined });
    // enigma.js's other client errors are no engine errors
    expect(toRxQixError(enigmaError(-12, 'Not attached')).code).toBe('ERR_CALL_FAILED');
  });
});

describe('toRxQixError', () => {
  it('keeps code, name, parameter, method and cause of an engine error', () => {
    const cause = engineError(7009, 'Calculation pages too large', '/qHyperCubeDef');
    const error = toRxQixError(cause, { method: 'GetHyperCubeData', objectId: 'obj' });
    expect(error).toBeInstanceOf(RxQixError);
    expect(error).toMatchObject({
      code: 'ERR_ENGINE',
      engineCode: 7009,
      engineName: 'LOCERR_CALC_PAGES_TOO_LARGE',
      parameter: '/qHyperCubeDef',
      method: 'GetHyperCubeData',
      objectId: 'obj',
      cause,
    });
    expect(error.message).toBe(
      'GetHyperCubeData (obj) failed: Calculation pages too large (7009 LOCERR_CALC_PAGES_TOO_LARGE): /qHyperCubeDef',
    );
  });

  it('maps the other kinds to their codes and passes RxQixErrors through', () => {
    expect(toRxQixError(enigmaError(-2, 'Object not found'), { method: 'GetObject', objectId: 'x' }).code).toBe(
      'ERR_OBJECT_NOT_FOUND',
    );
    expect(toRxQixError(enigmaError(-11, 'Session suspended')).code).toBe('ERR_SESSION_SUSPENDED');
    expect(toRxQixError(new TypeError('boom')).code).toBe('ERR_CALL_FAILED');
    const same = new RxQixError('ERR_SESSION_CLOSED', 'closed');
    expect(toRxQixError(same)).toBe(same);
  });
});
