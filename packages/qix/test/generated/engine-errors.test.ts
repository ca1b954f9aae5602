import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ENGINE_ERRORS, type EngineErrorCode, type EngineErrorName } from '../../src/index.js';

const entries = Object.values(ENGINE_ERRORS);

describe('ENGINE_ERRORS', () => {
  it('maps codes to the names and messages of the engine schema', () => {
    expect(ENGINE_ERRORS.LOCERR_APP_NOT_FOUND).toEqual({ code: 1003, name: 'LOCERR_APP_NOT_FOUND', title: 'App not found' });
    expect(ENGINE_ERRORS.LOCERR_CALC_PAGES_TOO_LARGE.code).toBe(7009);
    expect(ENGINE_ERRORS.LOCERR_GENERIC_ABORTED).toMatchObject({ code: 15, title: 'Request aborted' });
  });

  it('names −1 LOCERR_GENERIC_UNKNOWN and holds the JSON-RPC codes', () => {
    const byCode = new Map(entries.map((e) => [e.code as number, e.name]));
    expect(byCode.get(-1)).toBe('LOCERR_GENERIC_UNKNOWN');
    expect(byCode.get(-32601)).toBe('LOCERR_JSON_RPC_METHOD_NOT_FOUND');
    expect(byCode.get(-32602)).toBe('LOCERR_JSON_RPC_INVALID_PARAMETERS');
    expect(byCode.get(-32700)).toBe('LOCERR_JSON_RPC_PARSE_ERROR');
  });

  it('has one entry per code, keyed by its name', () => {
    expect(new Set(entries.map((e) => e.code)).size).toBe(entries.length);
    for (const [key, entry] of Object.entries(ENGINE_ERRORS)) expect(entry.name).toBe(key);
  });

  it('keeps every code of the older schema enigma.js ships, with the same number', () => {
    const older = Object.entries(schema.enums.LocalizedErrorCode);
    expect(older.length).toBeGreaterThan(300);
    const table: Readonly<Record<string, { code: number }>> = ENGINE_ERRORS;
    for (const [name, code] of older) expect({ name, code: table[name]?.code }).toEqual({ name, code });
  });

  it('types names and codes as unions of literals', () => {
    expectTypeOf<'LOCERR_APP_NOT_FOUND'>().toExtend<EngineErrorName>();
    expectTypeOf<'LOCERR_NO_SUCH_THING'>().not.toExtend<EngineErrorName>();
    expectTypeOf(ENGINE_ERRORS.LOCERR_APP_NOT_FOUND.code).toEqualTypeOf<1003>();
    expectTypeOf<1003 | -32601>().toExtend<EngineErrorCode>();
    expectTypeOf<12345678>().not.toExtend<EngineErrorCode>();
    // @ts-expect-error -- not an engine error name
    const wrong: EngineErrorName = 'LOCERR_APP_NOT_FOUN';
    expect(wrong).toBeDefined();
  });
});
