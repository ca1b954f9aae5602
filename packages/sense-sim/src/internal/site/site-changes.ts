/** Entity types whose changes the repository announces (QRS names). */
export type RepositoryEntityType = 'App' | 'ReloadTask' | 'ExecutionResult' | 'Stream';

/** QRS's ChangeType (Undefined 0, Add 1, Update 2, Delete 3). */
export type RepositoryChangeType = 'Add' | 'Update' | 'Delete';

/** One change of one repository entity. */
export interface RepositoryChange {
  readonly objectType: RepositoryEntityType;
  readonly objectId: string;
  readonly changeType: RepositoryChangeType;
  /** The properties that changed (Update), as QRS names them (`lastReloadTime`, `published` …). */
  readonly changedProperties: readonly string[];
  /** When it changed (ISO). */
  readonly at: string;
  /** A number that grows with every change: the order changes happened in. */
  readonly sequence: number;
}

type Listener = (change: RepositoryChange) => void;

/**
 * The repository's change feed: every add, update and delete of an app, reload task, execution
 * result or stream, in order. QRS change subscriptions (`/qrs/notification`) listen to it; tests
 * and the simulator's own records read `recent()`.
 */
export class SiteChanges {
  readonly #listeners = new Set<Listener>();
  readonly #recent: RepositoryChange[] = [];
  readonly #keep: number;
  #sequence = 0;

  constructor(keep = 10_000) {
    this.#keep = keep;
  }

  /** Announces a change to every listener. */
  emit(change: Omit<RepositoryChange, 'sequence' | 'at'> & { at?: string }): RepositoryChange {
    this.#sequence += 1;
    const full: RepositoryChange = { ...change, at: change.at ?? new Date().toISOString(), sequence: this.#sequence };
    this.#recent.push(full);
    if (this.#recent.length > this.#keep) this.#recent.splice(0, this.#recent.length - this.#keep);
    for (const listener of this.#listeners) listener(full);
    return full;
  }

  /** Listens; returns the function that stops listening. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The changes kept (the last 10 000), oldest first. */
  recent(): readonly RepositoryChange[] {
    return this.#recent;
  }
}
