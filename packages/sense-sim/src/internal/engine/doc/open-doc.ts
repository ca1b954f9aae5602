import { randomBytes } from 'node:crypto';
import { DataEngine } from '../../data/data-engine.js';
import type { LoadedModel } from '../../data/model/loaded-model.js';
import type { AppDoc, LibraryKind, StoredObject } from '../app/app-doc.js';
import type { StoredItem } from '../app/stored-item.js';
import type { EngineObject } from '../model/engine-object.js';
import { EngineError } from '../rpc/engine-error.js';
import type { EngineSession, OpenDocLike, Pinned } from '../session/engine-session.js';
import type { SessionConnection } from '../session/session-connection.js';
import { dep } from './dependency-keys.js';
import {
  docEntity,
  type GenericObjectEntity,
  genericObjectEntity,
  type LibraryEntity,
  libraryEntity,
} from './entities.js';
import { userData } from './section-access-gate.js';

/** Where an object lives: in the app (persistent, shared by sessions) or in this session only. */
export type Persistence = 'persistent' | 'session';

/** A generic object found by id. */
export interface FoundObject {
  qId: string;
  stored: StoredObject;
  persistence: Persistence;
}

/** A library item found by id. */
export interface FoundItem {
  id: string;
  stored: StoredItem;
  persistence: Persistence;
}

/** `qInfo` as the engine returns it. */
export interface NxInfo {
  qId: string;
  qType: string;
}

/** Prefix of the change that tells other sessions a persistent object is gone. */
const DESTROYED = 'destroyed:';

/** What a mutation needs to report: which connection made it (its handle is listed regardless). */
export type Origin = SessionConnection | undefined;

/**
 * A session's view of an open app: the app's persistent objects and master items (shared by
 * every session of the app) plus this session's own objects and variables. Mutations announce
 * dependency keys: persistent ones through the app (reaching every session), session ones only
 * here.
 */
export class OpenDoc implements OpenDocLike {
  readonly app: AppDoc;
  readonly session: EngineSession;
  readonly noData: boolean;
  readonly entity: EngineObject;
  readonly sessionObjects = new Map<string, StoredObject>();
  readonly sessionItems: Record<LibraryKind, Map<string, StoredItem>> = {
    dimension: new Map(),
    measure: new Map(),
    variable: new Map(),
    bookmark: new Map(),
  };
  /** Soft patches per object (session only; in the layout, not in the properties). */
  readonly softPatched = new Map<string, Record<string, unknown>>();
  readonly #unsubscribe: () => void;
  #data: DataEngine | undefined;
  #dataFor: LoadedModel | undefined;

  constructor(session: EngineSession, app: AppDoc, noData: boolean) {
    this.session = session;
    this.app = app;
    this.noData = noData;
    this.entity = session.object('doc', () => docEntity(app.id));
    this.#unsubscribe = app.onChange((dependency) => {
      // Another session destroyed a persistent object: its handles close here too.
      if (dependency.startsWith(DESTROYED)) session.destroyed([dependency.slice(DESTROYED.length)]);
      else session.changed(dependency);
    });
  }

  pinSelections(): Pinned {
    const data = this.data();
    if (!data) return (compute) => compute();
    const mark = data.mark();
    // After a reload the data engine is new and selections start over: nothing to go back to.
    return (compute) => (this.#data === data ? data.computeAt(mark, compute) : compute());
  }

  /**
   * This session's data engine over the app's last reload (own selections), built on first use
   * and rebuilt after a reload; undefined when the app has no data or was opened without data.
   */
  data(): DataEngine | undefined {
    const loaded = userData(this.app.data, this.session.user);
    if (this.noData || !loaded) return undefined;
    if (!this.#data || this.#dataFor !== loaded) {
      const engine = new DataEngine(loaded, {
        variable: (name) => this.#variableDefinition(name),
        now: () => this.session.now(),
      });
      for (const state of this.app.stateNames) engine.addState(state);
      this.#data = engine;
      this.#dataFor = loaded;
    }
    return this.#data;
  }

  /** The definition of an app variable (GenericVariable) by name, for `$(name)` in expressions. */
  #variableDefinition(name: string): string | undefined {
    const found = this.findVariableByName(name);
    const definition = found?.stored.properties.qDefinition;
    return typeof definition === 'string' ? definition : undefined;
  }

  close(): void {
    this.#unsubscribe();
    const keys = [...this.session.objects.keys()].filter((k) => k !== 'global');
    this.session.destroyed(keys);
    this.sessionObjects.clear();
    for (const map of Object.values(this.sessionItems)) map.clear();
  }

  // ---------------------------------------------------------------- generic objects

  findObject(qId: string): FoundObject | undefined {
    const own = this.sessionObjects.get(qId);
    if (own) return { qId, stored: own, persistence: 'session' };
    const shared = this.app.objects.get(qId);
    return shared ? { qId, stored: shared, persistence: 'persistent' } : undefined;
  }

  objectEntity(found: FoundObject): GenericObjectEntity {
    return this.session.object(dep.object(found.qId), () =>
      genericObjectEntity(found.qId, String(infoOf(found.stored.properties).qType)),
    );
  }

  /** Every generic object of the app and (optionally) of the session. */
  allObjects(includeSession: boolean): FoundObject[] {
    const list: FoundObject[] = [...this.app.objects.entries()].map(([qId, stored]) => ({
      qId,
      stored,
      persistence: 'persistent' as const,
    }));
    if (includeSession) {
      for (const [qId, stored] of this.sessionObjects) list.push({ qId, stored, persistence: 'session' });
    }
    return list;
  }

  /**
   * Creates a generic object (and the children its qChildren would carry are not part of
   * CreateObject: children come through CreateChild/SetFullPropertyTree).
   */
  createObject(properties: Record<string, unknown>, persistence: Persistence, parent?: FoundObject): FoundObject {
    const info = readInfo(properties);
    const qId = info.qId === '' ? newId() : info.qId;
    if (this.findObject(qId)) throw EngineError.of('LOCERR_GENERIC_ALREADY_EXISTS', qId);
    const extendsId = properties.qExtendsId;
    if (typeof extendsId === 'string' && extendsId !== '') {
      const base = this.findObject(extendsId);
      if (!base) throw EngineError.of('LOCERR_LAYOUT_EXTENDS_INVALID_ID', extendsId);
      if (base.persistence === 'session') throw EngineError.of('LOCERR_LAYOUT_EXTENDS_INVALID_ID', extendsId);
    }
    const stored: StoredObject = {
      properties: { ...structuredClone(properties), qInfo: { ...info, qId } },
      parent: parent?.qId,
      children: [],
    };
    const where = persistence === 'session' ? this.sessionObjects : this.app.objects;
    where.set(qId, stored);
    if (parent) parent.stored.children.push(qId);
    const found = { qId, stored, persistence };
    this.#announce(persistence, dep.type(info.qType), ...(parent ? [dep.children(parent.qId)] : []));
    return found;
  }

  /** Replaces an object's properties (qInfo kept). */
  setProperties(found: FoundObject, properties: Record<string, unknown>, origin: Origin): void {
    const info = infoOf(found.stored.properties);
    found.stored.properties = { ...structuredClone(properties), qInfo: info };
    this.#objectChanged(found, origin);
  }

  /** Soft patches: kept per session, shown in the layout only. */
  setSoftProperties(found: FoundObject, properties: Record<string, unknown>, origin: Origin): void {
    this.softPatched.set(found.qId, properties);
    this.session.changed(dep.object(found.qId), origin ? { origin, objectKey: dep.object(found.qId) } : undefined);
  }

  /** Destroys an object and its children; returns the ids destroyed. */
  destroyObject(found: FoundObject): string[] {
    const ids: string[] = [];
    const collect = (qId: string): void => {
      const f = this.findObject(qId);
      if (!f) return;
      for (const child of f.stored.children) collect(child);
      ids.push(qId);
    };
    collect(found.qId);
    const where = found.persistence === 'session' ? this.sessionObjects : this.app.objects;
    const types = new Set<string>();
    for (const qId of ids) {
      const stored = where.get(qId);
      if (stored) types.add(String(infoOf(stored.properties).qType));
      where.delete(qId);
      this.softPatched.delete(qId);
    }
    const parentId = found.stored.parent;
    if (parentId !== undefined) {
      const parent = this.findObject(parentId);
      if (parent) parent.stored.children = parent.stored.children.filter((c) => c !== found.qId);
    }
    // Close the handles in every session that has them open.
    const keys = ids.map((id) => dep.object(id));
    if (found.persistence === 'persistent') this.app.changed(...keys.map((k) => `${DESTROYED}${k}`));
    else this.session.destroyed(keys);
    this.#announce(
      found.persistence,
      ...[...types].map((t) => dep.type(t)),
      ...(parentId ? [dep.children(parentId)] : []),
    );
    return ids;
  }

  childrenOf(found: FoundObject): FoundObject[] {
    return found.stored.children.map((id) => this.findObject(id)).filter((f): f is FoundObject => f !== undefined);
  }

  // ---------------------------------------------------------------- library items

  findItem(kind: LibraryKind, id: string): FoundItem | undefined {
    const own = this.sessionItems[kind].get(id);
    if (own) return { id, stored: own, persistence: 'session' };
    const shared = this.app.library[kind].get(id);
    return shared ? { id, stored: shared, persistence: 'persistent' } : undefined;
  }

  /** A variable by name (session variables first). */
  findVariableByName(name: string): FoundItem | undefined {
    for (const [persistence, map] of [
      ['session', this.sessionItems.variable],
      ['persistent', this.app.library.variable],
    ] as const) {
      for (const [id, stored] of map) if (stored.properties.qName === name) return { id, stored, persistence };
    }
    return undefined;
  }

  allItems(kind: LibraryKind): FoundItem[] {
    const list: FoundItem[] = [...this.app.library[kind].entries()].map(([id, stored]) => ({
      id,
      stored,
      persistence: 'persistent' as const,
    }));
    for (const [id, stored] of this.sessionItems[kind]) list.push({ id, stored, persistence: 'session' });
    return list;
  }

  itemEntity(kind: LibraryKind, found: FoundItem): LibraryEntity {
    return this.session.object(dep.libraryItem(kind, found.id), () =>
      libraryEntity(kind, found.id, String(infoOf(found.stored.properties).qType)),
    );
  }

  createItem(kind: LibraryKind, properties: Record<string, unknown>, persistence: Persistence): FoundItem {
    const info = readInfo(properties, kind);
    const id = info.qId === '' ? newId() : info.qId;
    if (this.findItem(kind, id)) throw EngineError.of('LOCERR_GENERIC_ALREADY_EXISTS', id);
    if (kind === 'variable') {
      const name = properties.qName;
      if (typeof name !== 'string' || name === '') throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qName');
      if (this.findVariableByName(name)) throw EngineError.of('LOCERR_GENERIC_ALREADY_EXISTS', name);
    }
    const stored: StoredItem = { properties: { ...structuredClone(properties), qInfo: { ...info, qId: id } } };
    (persistence === 'session' ? this.sessionItems[kind] : this.app.library[kind]).set(id, stored);
    this.#announce(persistence, dep.library(kind));
    return { id, stored, persistence };
  }

  setItemProperties(kind: LibraryKind, found: FoundItem, properties: Record<string, unknown>, origin: Origin): void {
    const info = infoOf(found.stored.properties);
    found.stored.properties = { ...structuredClone(properties), qInfo: info };
    const key = dep.libraryItem(kind, found.id);
    this.#announce(found.persistence, key, dep.library(kind));
    if (origin) this.session.changed(key, { origin, objectKey: key });
  }

  destroyItem(kind: LibraryKind, found: FoundItem): void {
    (found.persistence === 'session' ? this.sessionItems[kind] : this.app.library[kind]).delete(found.id);
    const key = dep.libraryItem(kind, found.id);
    if (found.persistence === 'persistent') this.app.changed(`${DESTROYED}${key}`);
    else this.session.destroyed([key]);
    this.#announce(found.persistence, dep.library(kind));
  }

  // ---------------------------------------------------------------- app

  /** App properties or script changed. */
  appChanged(origin: Origin): void {
    this.app.changed(dep.app);
    if (origin) this.session.changed(dep.app, { origin, objectKey: 'doc' });
  }

  #objectChanged(found: FoundObject, origin: Origin): void {
    const key = dep.object(found.qId);
    const parent = found.stored.parent;
    this.#announce(found.persistence, key, ...(parent ? [dep.children(parent)] : []));
    if (origin) this.session.changed(key, { origin, objectKey: key });
  }

  #announce(persistence: Persistence, ...keys: string[]): void {
    if (persistence === 'persistent') this.app.changed(...keys);
    else for (const k of keys) this.session.changed(k);
  }
}

/** `qInfo` of stored properties. */
export function infoOf(properties: Record<string, unknown>): NxInfo {
  const info = properties.qInfo as Partial<NxInfo> | undefined;
  return { qId: String(info?.qId ?? ''), qType: String(info?.qType ?? '') };
}

function readInfo(properties: Record<string, unknown>, defaultType?: string): NxInfo {
  const info = properties.qInfo;
  if (info !== undefined && (typeof info !== 'object' || info === null)) {
    throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qInfo');
  }
  const { qId, qType } = (info ?? {}) as { qId?: unknown; qType?: unknown };
  const type = typeof qType === 'string' && qType !== '' ? qType : defaultType;
  if (type === undefined) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qInfo.qType');
  return { qId: typeof qId === 'string' ? qId : '', qType: type };
}

/** Engine-style short random object id. */
function newId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(7);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
