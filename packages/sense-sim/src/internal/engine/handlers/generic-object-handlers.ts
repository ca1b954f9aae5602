import { applyPropertyPatches } from '../doc/apply-property-patches.js';
import type { GenericObjectEntity } from '../doc/entities.js';
import {
  dataPages,
  effectiveProperties,
  fullPropertyTree,
  objectLayout,
  objectProperties,
} from '../doc/object-views.js';
import { type FoundObject, infoOf, type OpenDoc } from '../doc/open-doc.js';
import { NOT_FOUND_INTERFACE } from '../model/engine-object.js';
import { EngineError } from '../rpc/engine-error.js';
import type { Call, HandlerTable } from './handler.js';
import { objectParam } from './object-param.js';

/** The doc and the stored object behind a GenericObject handle. */
export function objectOf(call: Call): { doc: OpenDoc; found: FoundObject } {
  const doc = call.session.doc as OpenDoc | undefined;
  const entity = call.target as GenericObjectEntity;
  const found = doc?.findObject(entity.qId);
  if (!doc || !found || entity.destroyed) throw EngineError.of('LOCERR_GENERIC_NOT_FOUND', entity.qId);
  return { doc, found };
}

interface PropertyTreeEntry {
  qProperty?: Record<string, unknown>;
  qChildren?: PropertyTreeEntry[];
}

/** Sets an object's properties and makes its children match `children` (create, update, destroy). */
function setTree(doc: OpenDoc, found: FoundObject, entry: PropertyTreeEntry, call: Call): void {
  doc.setProperties(found, objectParam(entry.qProperty, 'qProperty'), call.connection);
  const wanted = entry.qChildren ?? [];
  const keep = new Set(wanted.map((c) => infoOf(c.qProperty ?? {}).qId).filter((id) => id !== ''));
  for (const child of doc.childrenOf(found)) if (!keep.has(child.qId)) doc.destroyObject(child);
  for (const childEntry of wanted) {
    const props = objectParam(childEntry.qProperty, 'qProperty');
    const existing = doc.findObject(infoOf(props).qId);
    const child =
      existing && existing.stored.parent === found.qId ? existing : doc.createObject(props, found.persistence, found);
    setTree(doc, child, childEntry, call);
  }
}

/** The GenericObject interface (without the data methods' selections, which need the data engine). */
export function genericObjectHandlers(): HandlerTable<'GenericObject'> {
  return {
    GetLayout: (call) => {
      const { doc, found } = objectOf(call);
      return { qLayout: objectLayout(call.session, doc, found) };
    },
    GetProperties: (call) => {
      const { doc, found } = objectOf(call);
      return { qProp: objectProperties(doc, found) };
    },
    GetEffectiveProperties: (call) => {
      const { doc, found } = objectOf(call);
      return { qProp: effectiveProperties(doc, found) };
    },
    SetProperties: (call, [prop]) => {
      const { doc, found } = objectOf(call);
      doc.setProperties(found, prop, call.connection);
      return {};
    },
    ApplyPatches: (call, [patches, soft]) => {
      const { doc, found } = objectOf(call);
      if (soft) {
        const base = doc.softPatched.get(found.qId) ?? objectProperties(doc, found);
        doc.setSoftProperties(found, applyPropertyPatches(base, patches), call.connection);
      } else {
        doc.setProperties(found, applyPropertyPatches(objectProperties(doc, found), patches), call.connection);
      }
      return {};
    },
    GetInfo: (call) => ({ qInfo: infoOf(objectOf(call).found.stored.properties) }),
    GetFullPropertyTree: (call) => {
      const { doc, found } = objectOf(call);
      return { qPropEntry: fullPropertyTree(doc, found) };
    },
    SetFullPropertyTree: (call, [entry]) => {
      const { doc, found } = objectOf(call);
      setTree(doc, found, entry as PropertyTreeEntry, call);
      return {};
    },
    CreateChild: (call, [prop, propForThis]) => {
      const { doc, found } = objectOf(call);
      const child = doc.createObject(prop, found.persistence, found);
      if (propForThis !== undefined) doc.setProperties(found, propForThis, call.connection);
      return { qInfo: child.stored.properties.qInfo, qReturn: call.connection.bind(doc.objectEntity(child)) };
    },
    DestroyChild: (call, [id, propForThis]) => {
      const { doc, found } = objectOf(call);
      const child = doc.findObject(id);
      if (!child || child.stored.parent !== found.qId) return { qSuccess: false };
      doc.destroyObject(child);
      if (propForThis !== undefined) doc.setProperties(found, propForThis, call.connection);
      return { qSuccess: true };
    },
    DestroyAllChildren: (call, [propForThis]) => {
      const { doc, found } = objectOf(call);
      for (const child of doc.childrenOf(found)) doc.destroyObject(child);
      if (propForThis !== undefined) doc.setProperties(found, propForThis, call.connection);
      return {};
    },
    GetChild: (call, [id]) => {
      const { doc, found } = objectOf(call);
      const child = doc.findObject(id);
      if (!child || child.stored.parent !== found.qId) return { qReturn: NOT_FOUND_INTERFACE };
      return { qReturn: call.connection.bind(doc.objectEntity(child)) };
    },
    GetChildInfos: (call) => {
      const { doc, found } = objectOf(call);
      return { qInfos: doc.childrenOf(found).map((c) => infoOf(c.stored.properties)) };
    },
    GetParent: (call) => {
      const { doc, found } = objectOf(call);
      const parent = found.stored.parent === undefined ? undefined : doc.findObject(found.stored.parent);
      return { qReturn: parent ? call.connection.bind(doc.objectEntity(parent)) : NOT_FOUND_INTERFACE };
    },
    GetLinkedObjects: (call) => {
      const { doc, found } = objectOf(call);
      const linked = doc
        .allObjects(true)
        .filter((o) => o.stored.properties.qExtendsId === found.qId)
        .map((o) => ({ qInfo: infoOf(o.stored.properties), qItemType: 'GenericObject', qUsedIn: [] }));
      return { qItems: linked };
    },
    GetHyperCubeData: (call, [path, pages]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: dataPages('hypercube', call.session, doc, found, path, pages) };
    },
    GetListObjectData: (call, [path, pages]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: dataPages('listobject', call.session, doc, found, path, pages) };
    },
  };
}
