import { parseScript } from '@qixflow/script';
import type { DataEngine } from '../../data/data-engine.js';
import { ExpressionError } from '../../data/expressions/expression-error.js';
import { recordReload } from '../../reload/record-reload.js';
import { reloadApp } from '../../reload/reload-app.js';
import { scriptLogPath } from '../../reload/script-log.js';
import type { ReloadRecord } from '../../site/reload-history.js';
import { dep } from '../doc/dependency-keys.js';
import { type FieldEntity, fieldEntity } from '../doc/entities.js';
import { effectiveProperties } from '../doc/object-views.js';
import type { OpenDoc } from '../doc/open-doc.js';
import { NOT_FOUND_INTERFACE } from '../model/engine-object.js';
import { EngineError } from '../rpc/engine-error.js';
import { docOf } from './doc-handlers.js';
import type { Call, HandlerTable } from './handler.js';
import type { HandlerContext } from './handler-context.js';
import { reloadFailureData } from './reload-failure-data.js';

/** The data engine of the call's doc, or the engine's "no data" answer. */
function dataOf(doc: OpenDoc): DataEngine {
  const data = doc.data();
  if (!data) throw EngineError.of('LOCERR_APP_INVALID', doc.noData ? 'App opened without data' : 'App has no data');
  return data;
}

/** Selections changed in a state: every object that shows that state's data is invalid now. */
function selectionsChanged(call: Call, state: string): void {
  call.session.changed(dep.data(state === '' ? '$' : state));
}

/** Wraps the data engine's expression errors as engine errors. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ExpressionError) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', error.message);
    throw error;
  }
}

/** Doc methods that need data: fields, selections, evaluation, model information, reload, lineage. */
export function dataDocHandlers(engine: HandlerContext): HandlerTable<'Doc'> {
  const stateArg = (value: string): string => (value !== '' ? value : '$');
  return {
    GetField: (call, [fieldName, state]) => {
      const doc = docOf(call);
      const data = doc.data();
      if (data && !data.model.field(fieldName)) return { qReturn: NOT_FOUND_INTERFACE };
      const entity = call.session.object(`field:${stateArg(state)}:${fieldName}`, () =>
        fieldEntity(fieldName, stateArg(state)),
      );
      return { qReturn: call.connection.bind(entity) };
    },
    ClearAll: (call, [lockedAlso, state]) => {
      const doc = docOf(call);
      if (guarded(() => dataOf(doc).clearAll(lockedAlso, stateArg(state)))) selectionsChanged(call, stateArg(state));
      return {};
    },
    Back: (call) => stepHistory(call, 'back'),
    Forward: (call) => stepHistory(call, 'forward'),
    LockAll: (call, [state]) => {
      if (guarded(() => dataOf(docOf(call)).requireState(stateArg(state)).lockAll()))
        selectionsChanged(call, stateArg(state));
      return {};
    },
    UnlockAll: (call, [state]) => {
      if (guarded(() => dataOf(docOf(call)).requireState(stateArg(state)).unlockAll()))
        selectionsChanged(call, stateArg(state));
      return {};
    },
    Evaluate: (call, [expression]) => ({
      qReturn: guarded(() => {
        const data = docOf(call).data();
        return data ? data.evaluateText(expression) : '-';
      }),
    }),
    EvaluateEx: (call, [expression]) => ({
      qValue: guarded(() => {
        const data = docOf(call).data();
        return data ? data.evaluate(expression) : { qText: '-', qIsNumeric: false };
      }),
    }),
    CheckExpression: (call, [expression, labels]) => {
      const data = docOf(call).data();
      if (!data) return { qErrorMsg: '', qBadFieldNames: [], qDangerousFieldNames: [] };
      return { ...data.checkExpression(expression, labels) };
    },
    GetTablesAndKeys: (call, [, , , synthetic, includeSysVars]) => {
      const data = docOf(call).data();
      if (!data) return { qtr: [], qk: [] };
      return data.tablesAndKeys({ syntheticMode: synthetic, includeSysVars });
    },
    GetTableData: (call, [offset, rows, , table]) => ({
      qData: guarded(() => dataOf(docOf(call)).tableData(offset, rows, table)),
    }),
    GetFieldDescription: (call, [name]) => {
      const description = docOf(call).data()?.fieldDescription(name);
      if (!description) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', name);
      return { qReturn: description };
    },
    GetLineage: (call) => ({ qLineage: (docOf(call).app.data?.lineage ?? []).map((row) => ({ ...row })) }),
    CheckScriptSyntax: (call) => {
      const { diagnostics } = parseScript(docOf(call).app.script);
      return {
        qErrors: diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => ({
            qErrLen: Math.max(1, d.span.end.offset - d.span.start.offset),
            qTabIx: 0,
            qLineInTab: d.span.start.line - 1,
            qColInLine: d.span.start.column - 1,
            qTextPos: d.span.start.offset,
          })),
      };
    },
    DoReload: async (call) => ({ qReturn: (await reload(engine, call)).ok }),
    DoReloadEx: async (call) => {
      const { ok, record } = await reload(engine, call);
      return {
        qResult: {
          qSuccess: ok,
          // Session apps keep no log, as their reloads are not recorded.
          qScriptLogFile: record ? scriptLogPath(record) : '',
          // Budgets are script errors here; no reload ends by running out of memory.
          qEndedWithMemoryConstraint: false,
          ...(record?.error ? { qFailureData: reloadFailureData(record.error) } : {}),
        },
      };
    },
  };
}

/**
 * A client's reload: runs it with the request's progress (GetProgress), records it in the site's
 * repository (the app's last reload; no task ran) and reports its script error as `qErrorData`.
 */
async function reload(engine: HandlerContext, call: Call): Promise<{ ok: boolean; record: ReloadRecord | undefined }> {
  const doc = docOf(call);
  const app = doc.app;
  if (app.reloading) throw EngineError.of('LOCERR_RELOAD_IN_PROGRESS', app.id);
  app.reloading = true;
  try {
    const outcome = await reloadApp(app, engine.options.site, {
      dataDir: engine.dataDir,
      apps: () => engine.apps.list(),
      signal: call.signal,
      now: () => call.session.now(),
      ...(engine.options.reloadBudgets ? { budgets: engine.options.reloadBudgets } : {}),
      onProgress: (line) => call.request.progress.messages.push(line),
    });
    const record = recordReload(engine.options.site, app, outcome, {
      trigger: 'engine',
      aborted: call.signal.aborted,
    });
    if (call.signal.aborted) throw EngineError.of('LOCERR_GENERIC_ABORTED');
    if (outcome.error) {
      call.request.progress.errors.push({
        qErrorString: outcome.error.message,
        qLineEnd: '',
        qLine: outcome.error.statement,
        qErrorDataCode: 'EDC_ERROR',
        qMessage: { qMessageCode: 0, qMessageParameters: [String(outcome.error.line)] },
        // Not in the engine's schema: the simulator's line of the error, for tests and tools.
        qLineNr: outcome.error.line,
      });
    }
    return { ok: outcome.ok, record };
  } finally {
    app.reloading = false;
  }
}

function stepHistory(call: Call, direction: 'back' | 'forward'): Record<string, never> {
  const state = guarded(() => dataOf(docOf(call)).requireState('$'));
  if (direction === 'back' ? state.stepBack() : state.stepForward()) selectionsChanged(call, '$');
  return {};
}

/** The Field interface: selections in one field and state. */
export function fieldHandlers(): HandlerTable<'Field'> {
  const field = (call: Call) => {
    const entity = call.target as FieldEntity;
    const data = dataOf(docOf({ ...call, target: call.session.doc?.entity ?? call.target } as Call));
    const selector = data.fieldSelector(entity.field, entity.state);
    if (!selector) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', entity.field);
    return { selector, state: entity.state };
  };
  type Selector = NonNullable<ReturnType<DataEngine['fieldSelector']>>;
  const mutation =
    <A extends unknown[]>(run: (selector: Selector, args: A) => boolean) =>
    (call: Call, args: A): { qReturn: boolean } => {
      const { selector, state } = field(call);
      const changed = guarded(() => run(selector, args));
      if (changed) selectionsChanged(call, state);
      return { qReturn: true };
    };
  /**
   * A selection in the field: `false` when the field is locked (and the call does not soft-lock
   * past it), as real engines answer; `softLockAt` is the position of the call's qSoftLock.
   */
  const selection =
    <A extends unknown[]>(softLockAt: number | undefined, run: (selector: Selector, args: A) => boolean) =>
    (call: Call, args: A): { qReturn: boolean } => {
      const { selector, state } = field(call);
      if (selector.isLocked() && (softLockAt === undefined || args[softLockAt] !== true)) return { qReturn: false };
      const changed = guarded(() => run(selector, args));
      if (changed) selectionsChanged(call, state);
      return { qReturn: true };
    };
  return {
    Select: selection(1, (s, [match, softLock, excluded]) => s.select(match, softLock, excluded)),
    ToggleSelect: selection(1, (s, [match, softLock, excluded]) => s.toggleSelect(match, softLock, excluded)),
    SelectValues: selection(2, (s, [values, toggle, softLock]) =>
      s.selectValues(values as Parameters<typeof s.selectValues>[0], toggle, softLock),
    ),
    LowLevelSelect: selection(2, (s, [values, toggle, softLock]) => s.lowLevelSelect(values, toggle, softLock)),
    SelectAll: selection(0, (s, [softLock]) => s.selectAll(softLock)),
    SelectPossible: selection(0, (s, [softLock]) => s.selectPossible(softLock)),
    SelectExcluded: selection(0, (s, [softLock]) => s.selectExcluded(softLock)),
    SelectAlternative: selection(0, (s, [softLock]) => s.selectAlternative(softLock)),
    ClearAllButThis: mutation((s, [softLock]) => s.clearAllButThis(softLock)),
    Clear: selection(undefined, (s) => s.clear()),
    Lock: mutation((s) => s.lock()),
    Unlock: mutation((s) => s.unlock()),
    GetCardinal: (call) => ({ qReturn: field(call).selector.getCardinal() }),
    GetNxProperties: () => ({ qProperties: { qOneAndOnlyOne: false } }),
    GetAndMode: () => ({ qReturn: false }),
    SetAndMode: () => ({}),
  };
}

/** Selection methods of generic objects: hypercube and list object values. */
export function objectSelectionHandlers(): HandlerTable<'GenericObject'> {
  const target = (call: Call, path: string, key: 'qHyperCubeDef' | 'qListObjectDef') => {
    const doc = call.session.doc as OpenDoc | undefined;
    const qId = (call.target as { qId?: string }).qId ?? '';
    const found = doc?.findObject(qId);
    if (!doc || !found) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', qId);
    const props = effectiveProperties(doc, found);
    let def: unknown = props;
    for (const part of path.split('/').filter((p) => p !== ''))
      def = (def as Record<string, unknown> | undefined)?.[part];
    const holder = def as Record<string, unknown> | undefined;
    const resolved = (holder && key in holder ? holder[key] : holder) as Record<string, unknown> | undefined;
    if (!resolved) throw EngineError.of('LOCERR_HC_INVALID_OBJECT', path);
    const state =
      typeof resolved.qStateName === 'string' && resolved.qStateName !== ''
        ? resolved.qStateName
        : typeof props.qStateName === 'string' && props.qStateName !== ''
          ? props.qStateName
          : '$';
    return { doc, def: resolved, state };
  };
  /** The field a dimension selects in: a cyclic or drill-down group's active one, else its first field. */
  const fieldOfDimension = (doc: OpenDoc, dimension: Record<string, unknown> | undefined, state: string): string => {
    const libraryId = dimension?.qLibraryId;
    const inline = (dimension?.qDef ?? {}) as Record<string, unknown>;
    const source =
      typeof libraryId === 'string' && libraryId !== ''
        ? ((doc.findItem('dimension', libraryId)?.stored.properties.qDim ?? {}) as Record<string, unknown>)
        : inline;
    const defs = Array.isArray(source.qFieldDefs) ? source.qFieldDefs.map(String) : [];
    const grouping = typeof source.qGrouping === 'string' ? source.qGrouping : 'N';
    const active = grouping === 'N' ? 0 : dataOf(doc).groupPosition(defs, grouping, inline, state);
    return String(defs[active] ?? '')
      .replace(/^=/, '')
      .replace(/^\[(.*)\]$/, '$1');
  };
  const selectIn = (
    call: Call,
    doc: OpenDoc,
    fieldName: string,
    state: string,
    values: number[],
    toggle: boolean,
  ): { qSuccess: boolean } => {
    const selector = dataOf(doc).fieldSelector(fieldName, state);
    if (!selector) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', fieldName);
    const changed = selector.lowLevelSelect(values, toggle);
    if (changed) selectionsChanged(call, state);
    return { qSuccess: true };
  };
  return {
    SelectHyperCubeValues: (call, [path, dimNo, values, toggle]) => {
      const { doc, def, state } = target(call, path, 'qHyperCubeDef');
      const dims = (def.qDimensions ?? []) as Record<string, unknown>[];
      const dimension = dims[dimNo];
      if (!dimension) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', `qDimNo ${dimNo}`);
      return selectIn(call, doc, fieldOfDimension(doc, dimension, state), state, values, toggle);
    },
    SelectListObjectValues: (call, [path, values, toggle]) => {
      const { doc, def, state } = target(call, path, 'qListObjectDef');
      const fieldName = fieldOfDimension(
        doc,
        def.qLibraryId ? { qLibraryId: def.qLibraryId } : { qDef: def.qDef },
        state,
      );
      return selectIn(call, doc, fieldName, state, values, toggle);
    },
    ClearSelections: (call, [path]) => {
      const isList = path.includes('ListObject');
      const { doc, def, state } = target(call, path, isList ? 'qListObjectDef' : 'qHyperCubeDef');
      const dims = isList ? [def] : ((def.qDimensions ?? []) as Record<string, unknown>[]);
      let changed = false;
      for (const dimension of dims) {
        const name = fieldOfDimension(
          doc,
          isList ? { qDef: dimension.qDef, qLibraryId: dimension.qLibraryId } : dimension,
          state,
        );
        changed = (dataOf(doc).fieldSelector(name, state)?.clear() ?? false) || changed;
      }
      if (changed) selectionsChanged(call, state);
      return {};
    },
    BeginSelections: () => ({}),
    EndSelections: () => ({}),
    ResetMadeSelections: () => ({}),
  };
}
