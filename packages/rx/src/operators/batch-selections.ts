import { combineLatest, from, map, type Observable, switchMap } from 'rxjs';
import { field } from '../create/field.js';
import { RxQixError } from '../errors.js';
import { activityOf } from '../internal/activity.js';
import { assertApi, assertName } from '../internal/call.js';
import { toRxQixError } from '../internal/classify-failure.js';
import { withFirst } from '../internal/with-first.js';
import type { FieldValue } from '../types/common.js';
import type { QixApi } from '../types/qix-api.js';
import type { QixField } from '../types/qix-objects.js';

/** One field selection of a {@link batchSelections} round. */
export interface FieldSelection {
  readonly field: string;
  /** Strings select by text, numbers by number; or FieldValue objects. An empty list clears the field. */
  readonly values: readonly (string | number | FieldValue)[];
  /** Alternate state (default `$`). */
  readonly state?: string;
  /** Toggle instead of replace (default false). */
  readonly toggle?: boolean;
  readonly softLock?: boolean;
}

/**
 * Several field selections in one round trip: the Field handles are acquired (shared), then every
 * `SelectValues` (or `Clear` for an empty list) is sent at once, without waiting for the previous
 * answer; then rx waits until every invalidated live stream has refetched — once, not per field.
 * Emits the engine's answers in order and completes. A rejected selection (`false`) is reported
 * in the array, not as an error.
 *
 * @example
 * ```ts
 * batchSelections(doc, [{ field: 'Region', values: ['Nordics'] }, { field: 'Year', values: [2026] }])
 *   .subscribe(([region, year]) => console.log(region && year));
 * ```
 */
export function batchSelections(doc: QixApi, selections: readonly FieldSelection[]): Observable<readonly boolean[]> {
  assertApi(doc, 'doc', 'batchSelections');
  if (!Array.isArray(selections) || selections.length === 0) {
    throw new TypeError('batchSelections: selections must be a non-empty array of { field, values }');
  }
  for (const s of selections) {
    assertName(s?.field, 'selections[].field', 'batchSelections');
    if (!Array.isArray(s.values)) throw new TypeError(`batchSelections: values of '${s.field}' must be an array`);
  }
  return withFirst(combineLatest(selections.map((s) => field(doc, s.field, s.state ?? '$'))), (handles) =>
    from(Promise.all(selections.map((s, i) => selectOne(handles[i] as QixField, s)))).pipe(
      switchMap((answers) =>
        activityOf(doc)
          .settled()
          .pipe(map(() => answers)),
      ),
    ),
  );
}

async function selectOne(handle: QixField, selection: FieldSelection): Promise<boolean> {
  try {
    const answer =
      selection.values.length === 0
        ? await handle.clear()
        : await handle.selectValues(
            selection.values.map(toFieldValue),
            selection.toggle === true,
            selection.softLock === true,
          );
    return answer !== false;
  } catch (error) {
    throw toRxQixError(error, {
      method: selection.values.length === 0 ? 'Clear' : 'SelectValues',
      objectId: selection.field,
    });
  }
}

function toFieldValue(value: string | number | FieldValue): FieldValue {
  if (typeof value === 'string') return { qText: value };
  if (typeof value === 'number') return { qIsNumeric: true, qNumber: value };
  if (typeof value === 'object' && value !== null) return value;
  throw new RxQixError('ERR_CALL_FAILED', `batchSelections: cannot select ${String(value)}`);
}
