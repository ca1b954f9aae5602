import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { GenericObjectProperties, NxContainerEntry } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

/** The kinds of master item {@link masterItems} lists. */
export type MasterItemKind = 'dimension' | 'measure';

const DATA: Readonly<Record<MasterItemKind, Readonly<Record<string, string>>>> = {
  dimension: {
    title: '/qMetaDef/title',
    description: '/qMetaDef/description',
    tags: '/qMetaDef/tags',
    grouping: '/qDim/qGrouping',
    fieldDefs: '/qDim/qFieldDefs',
    labels: '/qDim/qFieldLabels',
  },
  measure: {
    title: '/qMetaDef/title',
    description: '/qMetaDef/description',
    tags: '/qMetaDef/tags',
    label: '/qMeasure/qLabel',
    expression: '/qMeasure/qDef',
  },
};

const NONE: readonly never[] = Object.freeze([]);

/**
 * The app's master dimensions or measures (a `qDimensionListDef` / `qMeasureListDef` session
 * object), re-emitted when one is added, removed or changed. `qData` holds title, description,
 * tags and the definition (`fieldDefs`/`labels`/`grouping`, or `label`/`expression`), unless
 * `data` says otherwise.
 *
 * @example
 * ```ts
 * masterItems(doc, 'measure').subscribe((measures) => console.log(measures.map((m) => m.qData.expression)));
 * ```
 */
export function masterItems<D = Readonly<Record<string, unknown>>>(
  doc: QixApi,
  kind: MasterItemKind,
  data?: Readonly<Record<string, string>>,
): Observable<readonly NxContainerEntry<D>[]> {
  assertApi(doc, 'doc', 'masterItems');
  if (kind !== 'dimension' && kind !== 'measure') {
    throw new TypeError(`masterItems: kind must be 'dimension' or 'measure', got ${JSON.stringify(kind)}`);
  }
  const listKey = kind === 'dimension' ? 'qDimensionListDef' : 'qMeasureListDef';
  const layoutKey = kind === 'dimension' ? 'qDimensionList' : 'qMeasureList';
  // The list key is computed: typed as plain properties, the layout is a GenericObjectLayout.
  return sessionObjectLayout<GenericObjectProperties>(doc, {
    qInfo: { qType: `qixflow-rx-${kind}-list` },
    [listKey]: { qType: kind, qData: data ?? DATA[kind] },
  }).pipe(
    map((layout) => (layout[layoutKey]?.qItems ?? NONE) as readonly NxContainerEntry<D>[]),
    distinctUntilChanged(),
  );
}
