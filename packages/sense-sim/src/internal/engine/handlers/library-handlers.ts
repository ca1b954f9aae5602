import type { LibraryKind } from '../app/app-doc.js';
import { applyPropertyPatches } from '../doc/apply-property-patches.js';
import type { LibraryEntity } from '../doc/entities.js';
import { itemLayout, itemProperties } from '../doc/object-views.js';
import { type FoundItem, infoOf, type OpenDoc } from '../doc/open-doc.js';
import { EngineError } from '../rpc/engine-error.js';
import type { Call, HandlerTable } from './handler.js';

function itemOf(call: Call): { doc: OpenDoc; found: FoundItem; kind: LibraryKind } {
  const doc = call.session.doc as OpenDoc | undefined;
  const entity = call.target as LibraryEntity;
  const found = doc?.findItem(entity.kind, entity.id);
  if (!doc || !found || entity.destroyed) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', entity.id);
  return { doc, found, kind: entity.kind };
}

/** The library interfaces: master items and variables. */
type LibraryInterface = 'GenericDimension' | 'GenericMeasure' | 'GenericVariable' | 'GenericBookmark';

/** Methods every library interface has, with the same signature in each. */
function common(): Pick<
  HandlerTable<LibraryInterface>,
  'GetLayout' | 'GetProperties' | 'SetProperties' | 'ApplyPatches' | 'GetInfo'
> {
  return {
    GetLayout: (call) => {
      const { doc, found, kind } = itemOf(call);
      return { qLayout: itemLayout(call.session, doc, kind, found) };
    },
    GetProperties: (call) => {
      const { found, kind } = itemOf(call);
      return { qProp: itemProperties(kind, found) };
    },
    SetProperties: (call, [prop]) => {
      const { doc, found, kind } = itemOf(call);
      doc.setItemProperties(kind, found, prop, call.connection);
      return {};
    },
    ApplyPatches: (call, [patches]) => {
      const { doc, found, kind } = itemOf(call);
      doc.setItemProperties(kind, found, applyPropertyPatches(itemProperties(kind, found), patches), call.connection);
      return {};
    },
    GetInfo: (call) => ({ qInfo: infoOf(itemOf(call).found.stored.properties) }),
  };
}

/** GenericDimension, GenericMeasure, GenericVariable and GenericBookmark. */
export function libraryHandlers(): { [I in LibraryInterface]: HandlerTable<I> } {
  const setDefinition = (call: Call, definition: string): Record<string, never> => {
    const { doc, found } = itemOf(call);
    doc.setItemProperties('variable', found, { ...found.stored.properties, qDefinition: definition }, call.connection);
    return {};
  };
  return {
    GenericDimension: {
      ...common(),
      GetLinkedObjects: () => ({ qItems: [] }),
      GetDimension: (call) => ({ qDim: itemProperties('dimension', itemOf(call).found).qDim ?? {} }),
    },
    GenericMeasure: {
      ...common(),
      GetLinkedObjects: () => ({ qItems: [] }),
      GetMeasure: (call) => ({ qMeasure: itemProperties('measure', itemOf(call).found).qMeasure ?? {} }),
    },
    GenericVariable: {
      ...common(),
      GetRawContent: (call) => ({ qReturn: String(itemOf(call).found.stored.properties.qDefinition ?? '') }),
      // A definition without '=' is the value itself (text, or a number when it reads as one).
      SetStringValue: (call, [value]) => setDefinition(call, value),
      SetNumValue: (call, [value]) => setDefinition(call, String(value)),
      // A dual needs both parts: kept as an expression the engine evaluates to that dual.
      SetDualValue: (call, [text, num]) => setDefinition(call, `=Dual('${text.replace(/'/g, "''")}', ${num})`),
    },
    GenericBookmark: { ...common() },
  };
}
