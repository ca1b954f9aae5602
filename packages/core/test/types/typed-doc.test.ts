import type { Doc, EngineErrorName, GenericObject, Global, NxAppLayout, QixPromise } from '@qixflow/qix';
import { describe, expectTypeOf, it } from 'vitest';
import { type AppConnection, QixflowError, type Site } from '../../src/index.js';

// Type tests: `pnpm typecheck` compiles this file (the `@ts-expect-error` lines must stay errors); vitest runs
// the few runtime checks. The functions below are never called: only the compiler looks inside them.

async function appTitle(site: Site, id: string): Promise<string | undefined> {
  const layout = await (await site.openApp(id).open()).getAppLayout();
  expectTypeOf(layout).toEqualTypeOf<NxAppLayout>();
  return layout.qTitle;
}

async function wrongCalls(site: Site, id: string): Promise<void> {
  const doc = await site.openApp(id).open();
  // @ts-expect-error GetAppLayout takes no parameter
  await doc.getAppLayout('x');
  // @ts-expect-error an object id is a string
  await doc.getObject(42);
  // @ts-expect-error Global's methods are not the Doc's
  await doc.openDoc(id);
  // @ts-expect-error the Doc has no such method
  await doc.getAppLayoutt();
  await site.withApp(id, async (app) => {
    // @ts-expect-error the job's Doc is typed as well
    await app.getScript(true);
  });
}

describe('createSite gives a typed QIX API', () => {
  it('openApp / openSessionApp open a Doc, openGlobal opens Global', () => {
    expectTypeOf<ReturnType<Site['openApp']>>().toEqualTypeOf<AppConnection<Doc>>();
    expectTypeOf<ReturnType<Site['openSessionApp']>>().toEqualTypeOf<AppConnection<Doc>>();
    expectTypeOf<ReturnType<Site['openGlobal']>>().toEqualTypeOf<AppConnection<Global>>();
    expectTypeOf<AppConnection<Doc>['open']>().returns.resolves.toEqualTypeOf<Doc>();
    expectTypeOf<AppConnection<Doc>['global']>().returns.resolves.toEqualTypeOf<Global>();
    expectTypeOf(appTitle).returns.resolves.toEqualTypeOf<string | undefined>();
    expectTypeOf(wrongCalls).toBeFunction();
  });

  it('types parameters and results of the Doc from the engine schema', () => {
    expectTypeOf<Doc['getAppLayout']>().parameters.toEqualTypeOf<[]>();
    expectTypeOf<Doc['getAppLayout']>().returns.toEqualTypeOf<QixPromise<NxAppLayout>>();
    expectTypeOf<Doc['getObject']>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<ReturnType<Doc['getObject']>>().resolves.toEqualTypeOf<GenericObject>();
    expectTypeOf<Parameters<Site['withApp']>[1]>().parameter(0).toEqualTypeOf<Doc>();
  });

  it('names engine errors with the typed union of the schema', () => {
    expectTypeOf<QixflowError['engineName']>().toEqualTypeOf<EngineErrorName | undefined>();
    const error = new QixflowError('ERR_APP_NOT_FOUND', 'gone', {
      engineCode: 1003,
      engineName: 'LOCERR_APP_NOT_FOUND',
    });
    expectTypeOf(error.engineName).toEqualTypeOf<EngineErrorName | undefined>();
    // @ts-expect-error not a name the engine schema knows
    new QixflowError('ERR_ENGINE', 'x', { engineName: 'LOCERR_NO_SUCH_ERROR' });
    if (error.engineName === 'LOCERR_APP_NOT_FOUND')
      expectTypeOf(error.engineName).toEqualTypeOf<'LOCERR_APP_NOT_FOUND'>();
  });
});
