import {
  applySelections,
  type BookmarkData,
  type BookmarkVariableItem,
  bookmarkDataOf,
  captureSelections,
  qlikTimestamp,
} from '../../data/selections/bookmark-state.js';
import { dep } from '../doc/dependency-keys.js';
import type { LibraryEntity } from '../doc/entities.js';
import type { FoundItem, OpenDoc } from '../doc/open-doc.js';
import { EngineError } from '../rpc/engine-error.js';
import { docOf } from './doc-handlers.js';
import type { Call, HandlerTable, MethodHandler } from './handler.js';

/**
 * Doc methods of bookmarks that hold selections: CreateBookmark / CreateBookmarkEx store the
 * selections of every state (and the variables with `qIncludeVariables`), ApplyBookmark restores
 * them in the caller's session. Get/Destroy/GetBookmarks are the library's (doc-handlers).
 */
export function bookmarkDocHandlers(): HandlerTable<'Doc'> {
  const create: MethodHandler<'Doc', 'CreateBookmark'> = (call, [prop]) => {
    const doc = docOf(call);
    const found = doc.createItem('bookmark', prop, 'persistent');
    found.stored.bookmark = { ...captureBookmark(call, doc, found.stored.properties.qIncludeVariables === true) };
    return { qInfo: found.stored.properties.qInfo, qReturn: call.connection.bind(doc.itemEntity('bookmark', found)) };
  };
  return {
    CreateBookmark: create,
    CreateBookmarkEx: (call, [prop]) => create(call, [prop]),
    ApplyBookmark: (call, [id]) => {
      const doc = docOf(call);
      const found = doc.findItem('bookmark', id);
      if (!found) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', id);
      return { qSuccess: applyBookmark(call, doc, found) };
    },
  };
}

/** GenericBookmark methods beyond the library's: Apply. */
export function bookmarkHandlers(): HandlerTable<'GenericBookmark'> {
  return {
    Apply: (call) => {
      const doc = call.session.doc as OpenDoc | undefined;
      const entity = call.target as LibraryEntity;
      const found = doc?.findItem('bookmark', entity.id);
      if (!doc || !found || entity.destroyed) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', entity.id);
      return { qSuccess: applyBookmark(call, doc, found) };
    },
  };
}

/** The selections (and variables) of the doc's session now, as a bookmark holds them, stamped by the simulator's clock. */
function captureBookmark(call: Call, doc: OpenDoc, includeVariables: boolean): BookmarkData {
  return {
    qStateData: captureSelections(doc.data(), doc.app.stateNames),
    qUtcModifyTime: qlikTimestamp(call.session.now()),
    qVariableItems: includeVariables ? captureVariables(doc) : [],
  };
}

function captureVariables(doc: OpenDoc): BookmarkVariableItem[] {
  const data = doc.data();
  // A user's variables: those the script set, reserved and system variables are the reload's.
  return doc
    .allItems('variable')
    .filter((item) => item.stored.flags === undefined)
    .map((item) => {
      const qName = String(item.stored.properties.qName ?? '');
      const qDefinition = String(item.stored.properties.qDefinition ?? '');
      const value = /^\s*=/.test(qDefinition) && data ? data.evaluate(qDefinition) : literalValue(qDefinition);
      return { qName, qValue: value, qDefinition };
    });
}

function literalValue(text: string): BookmarkVariableItem['qValue'] {
  const num = text.trim() === '' ? Number.NaN : Number(text);
  return Number.isNaN(num) ? { qText: text, qIsNumeric: false } : { qText: text, qIsNumeric: true, qNumber: num };
}

/** Restores a bookmark in the caller's session; objects showing a changed state are invalidated. */
function applyBookmark(call: Call, doc: OpenDoc, found: FoundItem): boolean {
  const held = bookmarkDataOf(found.stored.bookmark);
  const data = doc.data();
  if (data) for (const state of applySelections(data, held.qStateData)) call.session.changed(dep.data(state));
  for (const item of held.qVariableItems) {
    const variable = doc.findVariableByName(item.qName);
    if (!variable || variable.stored.properties.qDefinition === item.qDefinition) continue;
    doc.setItemProperties(
      'variable',
      variable,
      { ...variable.stored.properties, qDefinition: item.qDefinition },
      call.connection,
    );
  }
  return true;
}
