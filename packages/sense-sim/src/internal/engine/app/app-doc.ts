import type { PropertyTree, SimAppFixture } from '../../../generated/schemas.js';
import type { LoadedModel } from '../../data/model/loaded-model.js';
import { syncScriptVariables } from './script-variables.js';
import type { StoredItem } from './stored-item.js';

/** A generic object as the app stores it: properties and the ids of its children, in order. */
export interface StoredObject {
  properties: Record<string, unknown>;
  parent: string | undefined;
  children: string[];
}

export type LibraryKind = 'dimension' | 'measure' | 'variable' | 'bookmark';

type ChangeListener = (dependency: string) => void;

/**
 * The persistent state of one app, shared by every engine session that opens it: script,
 * app properties, generic objects (with their child trees), master items, variables,
 * bookmarks and alternate states. Changes are announced as dependency keys (see
 * `dependency-keys.ts`) so each session can invalidate what it shows.
 */
export class AppDoc {
  readonly id: string;
  readonly isSessionApp: boolean;
  title: string;
  script: string;
  appProperties: Record<string, unknown>;
  createdDate: string;
  modifiedDate: string;
  lastReloadTime: string | undefined;
  readonly objects = new Map<string, StoredObject>();
  readonly library: Record<LibraryKind, Map<string, StoredItem>> = {
    dimension: new Map(),
    measure: new Map(),
    variable: new Map(),
    bookmark: new Map(),
  };
  readonly stateNames: string[] = [];
  /** The data model of the last successful reload (shared by every session; each has its own selections). */
  data: LoadedModel | undefined;
  /** A reload is running (a second one is refused). */
  reloading = false;
  /** The fixture this app was loaded from (repository metadata kept on save). */
  readonly fixture: SimAppFixture;
  readonly #listeners = new Set<ChangeListener>();

  constructor(fixture: SimAppFixture, options: { isSessionApp?: boolean } = {}) {
    this.fixture = fixture;
    this.id = fixture.id;
    this.isSessionApp = options.isSessionApp ?? false;
    this.title = fixture.name;
    this.script = fixture.script ?? '';
    this.appProperties = structuredClone(fixture.appProperties ?? {});
    this.createdDate = fixture.createdDate ?? new Date(0).toISOString();
    this.modifiedDate = fixture.modifiedDate ?? this.createdDate;
    this.lastReloadTime = fixture.lastReloadTime;
    for (const tree of fixture.objects ?? []) this.#addTree(tree, undefined);
    const items: [LibraryKind, Record<string, unknown>[] | undefined][] = [
      ['dimension', fixture.dimensions],
      ['measure', fixture.measures],
      ['variable', fixture.variables],
      ['bookmark', fixture.bookmarks],
    ];
    for (const [kind, list] of items) {
      for (const properties of list ?? []) {
        const id = (properties.qInfo as { qId: string }).qId;
        // A saved bookmark keeps what it holds as `qBookmark` next to its properties.
        const copy = structuredClone(properties);
        const { qBookmark, ...rest } = copy;
        if (kind === 'bookmark' && isRecord(qBookmark))
          this.library[kind].set(id, { properties: rest, bookmark: qBookmark });
        else this.library[kind].set(id, { properties: copy });
      }
    }
  }

  /** Stores a reload's data model and tells every session. */
  setData(model: LoadedModel, reloadTime: string): void {
    this.data = model;
    this.lastReloadTime = reloadTime;
    const variablesChanged = syncScriptVariables(this.library.variable, model.variables);
    this.changed('data:*', 'app', ...(variablesChanged ? ['library:variable'] : []));
  }

  /** Listens to changes; returns the function that stops listening. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Announces that something others may depend on changed. */
  changed(...dependencies: string[]): void {
    this.modifiedDate = new Date().toISOString();
    for (const dependency of dependencies) for (const listener of this.#listeners) listener(dependency);
  }

  /** Number of sessions watching this app. */
  get watchers(): number {
    return this.#listeners.size;
  }

  /** The app as a fixture again (what DoSave writes). */
  toFixture(): SimAppFixture {
    const trees = [...this.objects.entries()].filter(([, o]) => o.parent === undefined).map(([id]) => this.tree(id));
    const list = (kind: LibraryKind) =>
      [...this.library[kind].values()].map((i) =>
        structuredClone(i.bookmark ? { ...i.properties, qBookmark: i.bookmark } : i.properties),
      );
    const fixture: SimAppFixture = {
      ...this.fixture,
      name: this.title,
      script: this.script,
      appProperties: structuredClone(this.appProperties),
      modifiedDate: this.modifiedDate,
      objects: trees.filter((t): t is PropertyTree => t !== undefined),
      dimensions: list('dimension') as NonNullable<SimAppFixture['dimensions']>,
      measures: list('measure') as NonNullable<SimAppFixture['measures']>,
      variables: list('variable') as NonNullable<SimAppFixture['variables']>,
      bookmarks: list('bookmark') as NonNullable<SimAppFixture['bookmarks']>,
    };
    if (this.lastReloadTime !== undefined) fixture.lastReloadTime = this.lastReloadTime;
    return fixture;
  }

  /** The property tree of a stored object (GetFullPropertyTree without defaults). */
  tree(id: string): PropertyTree | undefined {
    const stored = this.objects.get(id);
    if (!stored) return undefined;
    return {
      qProperty: structuredClone(stored.properties) as PropertyTree['qProperty'],
      qChildren: stored.children.map((c) => this.tree(c)).filter((t): t is PropertyTree => t !== undefined),
    };
  }

  #addTree(tree: PropertyTree, parent: string | undefined): void {
    const id = tree.qProperty.qInfo.qId;
    const children = tree.qChildren ?? [];
    this.objects.set(id, {
      properties: structuredClone(tree.qProperty) as Record<string, unknown>,
      parent,
      children: children.map((c) => c.qProperty.qInfo.qId),
    });
    for (const child of children) this.#addTree(child, id);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
