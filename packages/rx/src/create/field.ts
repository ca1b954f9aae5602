import type { Observable } from 'rxjs';
import { assertApi, assertName, call } from '../internal/call.js';
import { handleStream } from '../internal/handle-stream.js';
import { shareByKey } from '../internal/share-by-key.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixField } from '../types/qix-objects.js';

/**
 * A field (`Doc.GetField(name, state)`) as an Observable of its enigma.js API object, shared per
 * (field, state). enigma.js cannot restore Field handles after a resume and closes them: this
 * stream then acquires the field again and emits the new API object.
 *
 * @example
 * ```ts
 * selectAndWait(field(doc, 'Region'), (f) => f.selectValues([{ qText: 'Nordics' }]))
 * ```
 */
export function field(doc: QixApi, name: string, state = '$'): Observable<QixField> {
  assertApi(doc, 'doc', 'field');
  assertName(name, 'name', 'field');
  assertName(state, 'state', 'field');
  return shareByKey(doc, 'handle:field', `${state}:${name}`, () =>
    handleStream<QixField>(doc, {
      objectId: name,
      method: 'GetField',
      acquire: (d) => call<QixField>(d, 'getField', name, state),
      reacquire: true,
    }),
  );
}
