import { describe, expect, expectTypeOf, it } from 'vitest';
import { methodSpec } from '../../../../src/internal/engine/api/engine-api.js';
import type { HandlerTable, MethodHandler } from '../../../../src/internal/engine/handlers/handler.js';
import type { HandlerContext } from '../../../../src/internal/engine/handlers/handler-context.js';
import { handlerTables } from '../../../../src/internal/engine/handlers/handler-tables.js';
import { NOT_FOUND_INTERFACE } from '../../../../src/internal/engine/model/engine-object.js';

// The type assertions are checked by `pnpm typecheck` (tsc covers the tests); vitest runs the rest.
describe('handler types (generated/engine-signatures.ts)', () => {
  it('types a handler by its method: Doc.GetObject takes (call, [qId: string]) and answers {qReturn}', () => {
    type GetObject = MethodHandler<'Doc', 'GetObject'>;
    expectTypeOf<Parameters<GetObject>[1]>().toEqualTypeOf<[qId: string]>();
    expectTypeOf<Awaited<ReturnType<GetObject>>>().toHaveProperty('qReturn');
    // Enum parameters arrive as the short title; an optional parameter with a schema default always arrives.
    expectTypeOf<Parameters<MethodHandler<'Global', 'GetBNF'>>[1]>().toEqualTypeOf<[qBnfType: 'S' | 'E']>();
    expectTypeOf<Parameters<MethodHandler<'Field', 'Select'>>[1]>().toEqualTypeOf<
      [qMatch: string, qSoftLock: boolean, qExcludedValuesMode: number]
    >();
  });

  it('rejects a misspelt method, a wrong argument type and a wrong result key at compile time', () => {
    const misspelt: HandlerTable<'Doc'> = {
      GetObject: () => ({ qReturn: NOT_FOUND_INTERFACE }),
      // @ts-expect-error -- the engine has no Doc.GetObjekt
      GetObjekt: () => ({ qReturn: NOT_FOUND_INTERFACE }),
    };
    const wrongArgument: HandlerTable<'Doc'> = {
      GetObject: (_call, [qId]) => {
        // @ts-expect-error -- qId is a string
        const id: number = qId;
        return { qReturn: { qType: null, qHandle: id } };
      },
    };
    const wrongArgumentDeclared: HandlerTable<'Doc'> = {
      // @ts-expect-error -- a handler that wants a number for qId does not fit Doc.GetObject
      GetObject: (_call, [qId]: [number]) => ({ qReturn: { qType: null, qHandle: qId } }),
    };
    const wrongResult: HandlerTable<'Doc'> = {
      // @ts-expect-error -- GetObject answers qReturn, not qObject
      GetObject: () => ({ qObject: NOT_FOUND_INTERFACE }),
    };
    expect([misspelt, wrongArgument, wrongArgumentDeclared, wrongResult].length).toBe(4);
  });

  it('implements only methods the engine schema has', () => {
    const engine = { options: { version: 'test', site: {} } } as unknown as HandlerContext;
    const methods = Object.entries(handlerTables(engine)).flatMap(([qType, table]) =>
      Object.keys(table ?? {}).map((method) => `${qType}.${method}`),
    );
    expect(methods.length).toBeGreaterThan(100);
    expect(methods.filter((m) => !methodSpec(...(m.split('.') as [string, string])))).toEqual([]);
  });
});
