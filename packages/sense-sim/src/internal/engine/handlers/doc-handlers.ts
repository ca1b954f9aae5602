import type { LibraryKind } from '../app/app-doc.js';
import { localeInfo } from '../doc/locale-info.js';
import { appLayout, appProperties, infoList, itemLayoutData, objectEntries } from '../doc/object-views.js';
import { OpenDoc } from '../doc/open-doc.js';
import { NOT_FOUND_INTERFACE } from '../model/engine-object.js';
import { EngineError } from '../rpc/engine-error.js';
import { connectionHandlers } from './connection-handlers.js';
import { emptyScript } from './global-handlers.js';
import type { Call, HandlerTable, MethodHandler } from './handler.js';
import type { HandlerContext } from './handler-context.js';

/** The session's open doc behind a Doc handle. */
export function docOf(call: Call): OpenDoc {
  const doc = call.session.doc;
  if (!(doc instanceof OpenDoc) || doc.entity !== call.target)
    throw EngineError.of('LOCERR_APP_INVALID', 'No active document');
  return doc;
}

/** Get<Item>(qId) of one library kind (dimension, measure, bookmark). */
function getItem(kind: LibraryKind): MethodHandler<'Doc', 'GetDimension'> {
  return (call, [id]) => {
    const doc = docOf(call);
    const found = doc.findItem(kind, id);
    return { qReturn: found ? call.connection.bind(doc.itemEntity(kind, found)) : NOT_FOUND_INTERFACE };
  };
}

/** Create<Item>(qProp) of one library kind. */
function createItem(kind: LibraryKind): MethodHandler<'Doc', 'CreateDimension'> {
  return (call, [prop]) => {
    const doc = docOf(call);
    const found = doc.createItem(kind, prop, 'persistent');
    return { qInfo: found.stored.properties.qInfo, qReturn: call.connection.bind(doc.itemEntity(kind, found)) };
  };
}

/** Destroy<Item>(qId) of one library kind. */
function destroyItem(kind: LibraryKind): MethodHandler<'Doc', 'DestroyDimension'> {
  return (call, [id]) => {
    const doc = docOf(call);
    const found = doc.findItem(kind, id);
    if (found?.persistence !== 'persistent') return { qSuccess: false };
    doc.destroyItem(kind, found);
    return { qSuccess: true };
  };
}

/** The Doc interface: app properties and script, objects, master items, variables, connections. */
export function docHandlers(engine: HandlerContext): HandlerTable<'Doc'> {
  return {
    GetAppLayout: (call) => ({ qLayout: appLayout(docOf(call)) }),
    GetAppProperties: (call) => ({ qProp: appProperties(docOf(call)) }),
    SetAppProperties: (call, [prop]) => {
      const doc = docOf(call);
      // Read-only keys the client sends back (from GetAppProperties) are the engine's, not stored.
      const { qTitle, qLastReloadTime, qMigrationHash, qSavedInProductVersion, qHasSectionAccess, ...rest } = prop;
      void [qLastReloadTime, qMigrationHash, qSavedInProductVersion, qHasSectionAccess];
      if (typeof qTitle === 'string' && qTitle !== '') doc.app.title = qTitle;
      doc.app.appProperties = structuredClone(rest);
      doc.appChanged(call.connection);
      return {};
    },
    GetScript: (call) => ({ qScript: docOf(call).app.script }),
    GetScriptEx: (call) => ({ qScript: { qScript: docOf(call).app.script, qIsLocked: false } }),
    SetScript: (call, [script]) => {
      const doc = docOf(call);
      doc.app.script = script;
      doc.appChanged(call.connection);
      return {};
    },
    GetEmptyScript: (_call, [mainSection]) => ({ qReturn: emptyScript(mainSection) }),
    DoSave: async (call) => {
      const doc = docOf(call);
      await engine.apps.save(doc.app);
      return {};
    },
    GetLocaleInfo: (call) => ({ qReturn: localeInfo(docOf(call).app) }),

    // generic objects
    GetObject: (call, [id]) => {
      const doc = docOf(call);
      const found = doc.findObject(id);
      return { qReturn: found ? call.connection.bind(doc.objectEntity(found)) : NOT_FOUND_INTERFACE };
    },
    CreateObject: (call, [prop]) => {
      const doc = docOf(call);
      const found = doc.createObject(prop, 'persistent');
      return { qInfo: found.stored.properties.qInfo, qReturn: call.connection.bind(doc.objectEntity(found)) };
    },
    CreateSessionObject: (call, [prop]) => {
      const doc = docOf(call);
      const found = doc.createObject(prop, 'session');
      return { qReturn: call.connection.bind(doc.objectEntity(found)) };
    },
    DestroyObject: (call, [id]) => {
      const doc = docOf(call);
      const found = doc.findObject(id);
      if (found?.persistence !== 'persistent' || found.stored.parent !== undefined) return { qSuccess: false };
      doc.destroyObject(found);
      return { qSuccess: true };
    },
    DestroySessionObject: (call, [id]) => {
      const doc = docOf(call);
      const found = doc.findObject(id);
      if (found?.persistence !== 'session' || found.stored.parent !== undefined) return { qSuccess: false };
      doc.destroyObject(found);
      return { qSuccess: true };
    },
    GetObjects: (call, [options]) => {
      const opts = options as {
        qTypes?: string[];
        qIncludeSessionObjects?: boolean;
        qData?: Record<string, string>;
      };
      return { qList: objectEntries(docOf(call), opts) };
    },
    GetAllInfos: (call) => ({ qInfos: infoList(docOf(call)) }),

    // master items
    GetDimension: getItem('dimension'),
    CreateDimension: createItem('dimension'),
    DestroyDimension: destroyItem('dimension'),
    GetMeasure: getItem('measure'),
    CreateMeasure: createItem('measure'),
    DestroyMeasure: destroyItem('measure'),
    GetBookmark: getItem('bookmark'),
    // CreateBookmark is bookmark-handlers': a bookmark stores the selections.
    DestroyBookmark: destroyItem('bookmark'),
    GetBookmarks: (call, [options]) => {
      const doc = docOf(call);
      const opts = options as { qData?: Record<string, string> };
      return { qList: doc.allItems('bookmark').map((b) => itemLayoutData(b.stored.properties, opts.qData)) };
    },

    ...variableHandlers(),
    // alternate states
    AddAlternateState: (call, [state]) => {
      const doc = docOf(call);
      if (state === '' || state === '$') throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', state);
      if (!doc.app.stateNames.includes(state)) doc.app.stateNames.push(state);
      doc.appChanged(call.connection);
      return {};
    },
    RemoveAlternateState: (call, [name]) => {
      const doc = docOf(call);
      const index = doc.app.stateNames.indexOf(name);
      if (index >= 0) doc.app.stateNames.splice(index, 1);
      doc.appChanged(call.connection);
      return {};
    },

    ...connectionHandlers(engine),

    GetMediaList: () => ({ qList: { qItems: [] }, qReturn: true }),
    GetLibraryContent: () => ({ qList: { qItems: [] } }),
  };
}

function withVariableType(prop: Record<string, unknown>): Record<string, unknown> {
  const info = (prop.qInfo ?? {}) as { qId?: string; qType?: string };
  return { ...prop, qInfo: { qId: info.qId ?? '', qType: info.qType || 'variable' } };
}

function destroyVariable(
  doc: OpenDoc,
  found: ReturnType<OpenDoc['findItem']>,
  persistence: 'persistent' | 'session',
): { qSuccess: boolean } {
  if (!found || found.persistence !== persistence) return { qSuccess: false };
  doc.destroyItem('variable', found);
  return { qSuccess: true };
}

/** Doc variables: by id or name, created and destroyed, persistent or for the session. */
function variableHandlers(): HandlerTable<'Doc'> {
  return {
    GetVariableById: (call, [id]) => {
      const doc = docOf(call);
      const found = doc.findItem('variable', id);
      return { qReturn: found ? call.connection.bind(doc.itemEntity('variable', found)) : NOT_FOUND_INTERFACE };
    },
    GetVariableByName: (call, [name]) => {
      const doc = docOf(call);
      const found = doc.findVariableByName(name);
      return { qReturn: found ? call.connection.bind(doc.itemEntity('variable', found)) : NOT_FOUND_INTERFACE };
    },
    CreateVariableEx: (call, [prop]) => {
      const doc = docOf(call);
      const found = doc.createItem('variable', withVariableType(prop), 'persistent');
      return {
        qInfo: found.stored.properties.qInfo,
        qReturn: call.connection.bind(doc.itemEntity('variable', found)),
      };
    },
    CreateSessionVariable: (call, [prop]) => {
      const doc = docOf(call);
      const found = doc.createItem('variable', withVariableType(prop), 'session');
      return { qReturn: call.connection.bind(doc.itemEntity('variable', found)) };
    },
    DestroyVariableById: (call, [id]) =>
      destroyVariable(docOf(call), docOf(call).findItem('variable', id), 'persistent'),
    DestroyVariableByName: (call, [name]) =>
      destroyVariable(docOf(call), docOf(call).findVariableByName(name), 'persistent'),
    DestroySessionVariable: (call, [id]) =>
      destroyVariable(docOf(call), docOf(call).findItem('variable', id), 'session'),
    DestroySessionVariableById: (call, [id]) =>
      destroyVariable(docOf(call), docOf(call).findItem('variable', id), 'session'),
    DestroySessionVariableByName: (call, [name]) =>
      destroyVariable(docOf(call), docOf(call).findVariableByName(name), 'session'),
  };
}
