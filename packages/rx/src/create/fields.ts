import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { NxFieldDescription } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

/** Options of {@link fields}. */
export interface FieldsOptions {
  /** System fields ($Field, $Table …; default false). */
  showSystem?: boolean;
  /** Hidden fields (default false). */
  showHidden?: boolean;
  /** Derived (calendar) fields (default false). */
  showDerivedFields?: boolean;
  /** Fields on the fly / implicit (default false). */
  showImplicit?: boolean;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The app's fields (a `qFieldListDef` session object): name, cardinality, tags, source tables,
 * re-emitted when the data model changes (reload).
 *
 * @example
 * ```ts
 * fields(doc).subscribe((list) => console.log(list.map((f) => `${f.qName} (${f.qCardinal})`)));
 * ```
 */
export function fields(doc: QixApi, options: FieldsOptions = {}): Observable<readonly NxFieldDescription[]> {
  assertApi(doc, 'doc', 'fields');
  return sessionObjectLayout(doc, {
    qInfo: { qType: 'qixflow-rx-field-list' },
    qFieldListDef: {
      qShowSystem: options.showSystem === true,
      qShowHidden: options.showHidden === true,
      qShowDerivedFields: options.showDerivedFields === true,
      qShowImplicit: options.showImplicit === true,
      qShowSemantic: true,
      qShowSrcTables: true,
    },
  }).pipe(
    map((layout) => layout.qFieldList?.qItems ?? NONE),
    distinctUntilChanged(),
  );
}
