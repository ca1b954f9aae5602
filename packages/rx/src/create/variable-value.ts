import { map, type Observable, switchMap } from 'rxjs';
import { assertApi, assertName, call } from '../internal/call.js';
import { handleStream } from '../internal/handle-stream.js';
import { liveCall } from '../internal/live-fetch.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import type { GenericVariableLayout, VariableValue } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixGenericVariable } from '../types/qix-objects.js';

/**
 * The value of a variable by name (`GetVariableByName`, then the variable's layout): `{ name,
 * text, num }` now and whenever it changes (its definition, or — for `=…` definitions — the
 * selections it depends on). `num` is `NaN` for text. Shared per (Doc, name).
 *
 * @example
 * ```ts
 * variableValue(doc, 'vTopN').subscribe(({ num }) => console.log('top', num));
 * ```
 */
export function variableValue(doc: QixApi, name: string): Observable<VariableValue> {
  assertApi(doc, 'doc', 'variableValue');
  assertName(name, 'name', 'variableValue');
  return shareByKey<VariableValue>(doc, 'value:variable', name, () =>
    shareByKey<QixGenericVariable>(doc, 'handle:variable', name, () =>
      handleStream<QixGenericVariable>(doc, {
        objectId: name,
        method: 'GetVariableByName',
        acquire: (d) => call<QixGenericVariable>(d, 'getVariableByName', name),
        reacquire: true,
      }),
    ).pipe(
      switchMap((variable) => liveCall<GenericVariableLayout>(variable, 'getLayout', 'GetLayout')),
      map((layout) => ({
        name,
        text: layout.qText ?? '',
        num: typeof layout.qNum === 'number' ? layout.qNum : Number.NaN,
      })),
      immutable(),
    ),
  );
}
