import { distinctUntilChanged, map, type Observable } from 'rxjs';
import { assertApi } from '../internal/call.js';
import type { NxVariableListItem } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { sessionObjectLayout } from './session-object-layout.js';

/** Options of {@link variables}. */
export interface VariablesOptions {
  /** Include reserved variables (`ThousandSep`, `DateFormat`, `ScriptError` …; default false). */
  showReserved?: boolean;
  /** Include the engine's system variables (`QvPath` …; default false). */
  showConfig?: boolean;
  /** Include session variables (`CreateSessionVariable`; default true). */
  showSession?: boolean;
  /** `qData` paths (default `{ tags: '/tags' }`). */
  data?: Readonly<Record<string, string>>;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The app's variables (a `qVariableListDef` session object): name, definition, comment, …,
 * re-emitted when one is added, removed or changed.
 *
 * @example
 * ```ts
 * variables(doc).subscribe((vars) => console.log(vars.map((v) => `${v.qName} = ${v.qDefinition}`)));
 * ```
 */
export function variables(doc: QixApi, options: VariablesOptions = {}): Observable<readonly NxVariableListItem[]> {
  assertApi(doc, 'doc', 'variables');
  return sessionObjectLayout(doc, {
    qInfo: { qType: 'qixflow-rx-variable-list' },
    qVariableListDef: {
      qType: 'variable',
      qShowReserved: options.showReserved === true,
      qShowConfig: options.showConfig === true,
      qShowSession: options.showSession !== false,
      qData: options.data ?? { tags: '/tags' },
    },
  }).pipe(
    map((layout) => layout.qVariableList?.qItems ?? NONE),
    distinctUntilChanged(),
  );
}
