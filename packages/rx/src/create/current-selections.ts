import { distinctUntilChanged, filter, map, type Observable } from 'rxjs';
import { assertApi, assertName } from '../internal/call.js';
import type { SelectionObject } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

/**
 * The current selections of a state (default `$`): a `qSelectionObjectDef` session object whose
 * `qSelectionObject` (`qSelections`, `qBackCount`, `qForwardCount`) re-emits after every selection.
 *
 * @example
 * ```ts
 * currentSelections(doc).subscribe((s) => console.log(s.qSelections.map((f) => `${f.qField}: ${f.qSelected}`)));
 * ```
 */
export function currentSelections(doc: QixApi, state = '$'): Observable<SelectionObject> {
  assertApi(doc, 'doc', 'currentSelections');
  assertName(state, 'state', 'currentSelections');
  return sessionObjectLayout(doc, {
    qInfo: { qType: 'qixflow-rx-current-selections' },
    qStateName: state,
    qSelectionObjectDef: {},
  }).pipe(
    map((layout) => layout.qSelectionObject),
    filter((selection): selection is SelectionObject => selection !== undefined),
    distinctUntilChanged(),
  );
}
