import { map, type Observable, switchMap } from 'rxjs';
import { assertApi, assertName, call } from '../internal/call.js';
import { layoutAt, tilePages } from '../internal/pages.js';
import { shareByKey } from '../internal/share-by-key.js';
import { immutable } from '../operators/immutable.js';
import { refetchOnChange } from '../operators/refetch-on-change.js';
import type { NxStateCounts, Size } from '../types/common.js';
import type { NxCell, NxDataPage, NxDimensionInfo } from '../types/hyper-cube.js';
import type { FieldStates } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObject } from './session-object.js';

const PATH = '/qListObjectDef';

/**
 * Every value of a field with its selection state (`S` selected, `O` possible, `X` excluded, `A`
 * alternative, `L` locked …), through a list-object session object: re-emitted after every
 * selection in `state`. Values come sorted by state then text/number (Qlik's list box order), paged
 * within the 10 000-cell limit.
 *
 * @example
 * ```ts
 * fieldStates(doc, 'Region').subscribe(({ values }) =>
 *   console.log(values.filter((v) => v.qState === 'S').map((v) => v.qText)));
 * ```
 */
export function fieldStates(doc: QixApi, fieldName: string, state = '$'): Observable<FieldStates> {
  assertApi(doc, 'doc', 'fieldStates');
  assertName(fieldName, 'fieldName', 'fieldStates');
  assertName(state, 'state', 'fieldStates');
  const props = {
    qInfo: { qType: 'qixflow-rx-field-states' },
    qListObjectDef: {
      qStateName: state,
      qDef: {
        qFieldDefs: [fieldName],
        qSortCriterias: [{ qSortByState: 1, qSortByAscii: 1, qSortByNumeric: 1, qSortByLoadOrder: 1 }],
      },
      qShowAlternatives: true,
      qInitialDataFetch: [],
    },
  };
  return shareByKey(doc, 'states:field', `${state}:${fieldName}`, () =>
    sessionObject(doc, props).pipe(
      switchMap((list) =>
        refetchOnChange(
          list,
          async (api, context) => {
            const layout = await context.track(call<unknown>(api, 'getLayout'));
            const listObject = layoutAt(layout, PATH) ?? {};
            const size = (listObject.qSize as Size | undefined) ?? { qcx: 1, qcy: 0 };
            const values: NxCell[] = [];
            for (const page of tilePages({ qcx: 1, qcy: size.qcy ?? 0 })) {
              if (context.signal.aborted) break;
              const [data] = await context.track(call<NxDataPage[]>(api, 'getListObjectData', PATH, [page]));
              for (const row of data?.qMatrix ?? []) if (row[0]) values.push(row[0]);
            }
            const info = listObject.qDimensionInfo as NxDimensionInfo | undefined;
            return { size, info, values };
          },
          { method: 'GetListObjectData' },
        ),
      ),
      map(
        ({ size, info, values }): FieldStates => ({
          field: fieldName,
          stateName: state,
          cardinal: info?.qCardinal ?? size.qcy ?? 0,
          stateCounts: info?.qStateCounts as NxStateCounts | undefined,
          values,
        }),
      ),
      immutable(),
    ),
  );
}
