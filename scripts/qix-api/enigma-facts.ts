/**
 * What enigma.js 2.x does with engine responses, which the engine schema does not say: which class an object
 * handle belongs to, which methods it special-cases, which members it adds to every API object. The generator
 * reads them from here and checks the enigma.js it finds against them.
 */

/**
 * The API class of the object each method hands back as `qReturn: {qType, qHandle}`. The schema types them all
 * `ObjectInterface`; the class is the engine's `qType`, known only at run time. The generator fails when a
 * method returning an object is missing here or an entry names a method the schema no longer has.
 */
export const RETURNED_CLASS: Readonly<Record<string, string>> = {
  'Global.OpenDoc': 'Doc',
  'Global.GetActiveDoc': 'Doc',
  'Global.CreateDocEx': 'Doc',
  'Global.CreateSessionApp': 'Doc',
  'Global.CreateSessionAppFromApp': 'Doc',
  'Doc.GetField': 'Field',
  'Doc.GetVariable': 'Variable',
  'Doc.GetObject': 'GenericObject',
  'Doc.CreateObject': 'GenericObject',
  'Doc.CreateSessionObject': 'GenericObject',
  'Doc.GetOrCreateObject': 'GenericObject',
  'GenericObject.GetChild': 'GenericObject',
  'GenericObject.GetParent': 'GenericObject',
  'GenericObject.CreateChild': 'GenericObject',
  'GenericObject.GetSnapshotObject': 'GenericObject',
  'Doc.GetDimension': 'GenericDimension',
  'Doc.CreateDimension': 'GenericDimension',
  'Doc.GetMeasure': 'GenericMeasure',
  'Doc.GetMeasureWithLabel': 'GenericMeasure',
  'Doc.CreateMeasure': 'GenericMeasure',
  'Doc.GetVariableById': 'GenericVariable',
  'Doc.GetVariableByName': 'GenericVariable',
  'Doc.CreateVariableEx': 'GenericVariable',
  'Doc.CreateSessionVariable': 'GenericVariable',
  'Doc.GetBookmark': 'GenericBookmark',
  'Doc.CreateBookmark': 'GenericBookmark',
  'Doc.CreateBookmarkEx': 'GenericBookmark',
  'Doc.ReplaceBookmark': 'GenericBookmark',
};

/** enigma.js deletes `qReturn` of these before unwrapping, so they resolve to their other out-parameter. */
export const QRETURN_DROPPED: ReadonlySet<string> = new Set([
  'GetInteract',
  'StoreTempSelectionState',
  'CreateTemporaryBookmark',
]);
/** enigma.js copies `qSessionAppId` into the `qReturn` of these; they still resolve to the Doc object. */
const QRETURN_NORMALISED: ReadonlySet<string> = new Set(['CreateSessionApp', 'CreateSessionAppFromApp']);

/** Members enigma.js puts on every API object (`QixObject`): a method with one of these names would be hidden. */
export const API_OBJECT_MEMBERS: ReadonlySet<string> = new Set([
  'id',
  'type',
  'genericType',
  'handle',
  'session',
  'on',
  'once',
  'addListener',
  'removeListener',
  'removeAllListeners',
  'emit',
  'listeners',
  'setMaxListeners',
]);

/**
 * Checks that enigma.js 2.x unwraps results as `resultType` assumes: `generateDefaultApi` lowercases the first
 * letter and sets `outKey` only for one out-parameter, `outParamResponseInterceptor` prefers `qReturn`, special-cases
 * exactly the methods above, and `apiResponseInterceptor` turns `{qHandle, qType}` into an API object.
 */
export function checkEnigmaUnwrapping(source: string): void {
  const fail = (what: string): never => {
    throw new Error(`qix-api: enigma.js no longer ${what}; review resultType() in scripts/qix-api.ts`);
  };
  if (!/symbol\.substring\(0, 1\)\.toLowerCase\(\) \+ symbol\.substring\(1\)/.test(source)) {
    fail('names methods by lowercasing the first letter');
  }
  if (!/var outKey = out\.length === 1 \? out\[0\]\.Name : -1;/.test(source)) fail('unwraps single out-parameters');
  const start = source.indexOf('function outParamResponseInterceptor(');
  const end = source.indexOf('\n  }\n', start);
  if (start < 0 || end < 0) fail('has outParamResponseInterceptor');
  const body = source.slice(start, end);
  if (!/hasOwnProperty\.call\(response, RETURN_KEY\)\)\s*\{\s*return response\[RETURN_KEY\];/.test(body)) {
    fail('resolves to qReturn when present');
  }
  const branches = body.split('} else if');
  const named = (text: string | undefined): string[] =>
    [...(text ?? '').matchAll(/request\.method === '(\w+)'/g)].map((m) => m[1] ?? '');
  const same = (a: string[], b: ReadonlySet<string>): boolean => a.length === b.size && a.every((n) => b.has(n));
  if (!same(named(branches[0]), QRETURN_NORMALISED) || !/qSessionAppId/.test(branches[0] ?? '')) {
    fail(`normalises qReturn of exactly ${[...QRETURN_NORMALISED].join(', ')}`);
  }
  if (!same(named(branches[1]?.split('}')[0]), QRETURN_DROPPED) || !/delete response\[RETURN_KEY\]/.test(body)) {
    fail(`drops qReturn of exactly ${[...QRETURN_DROPPED].join(', ')}`);
  }
  if (!/if \(response && response\.qHandle && response\.qType\) \{\s*return session\.getObjectApi\(/.test(source)) {
    fail('turns {qHandle, qType} results into API objects');
  }
}
