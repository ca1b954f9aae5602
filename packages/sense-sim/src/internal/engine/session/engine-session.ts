import type { Clock } from '../../../clock.js';
import type { AppDoc } from '../app/app-doc.js';
import type { EngineObject } from '../model/engine-object.js';
import type { SessionConnection } from './session-connection.js';

/** The user an engine session belongs to. */
export interface EngineUser {
  userDirectory: string;
  userId: string;
  attributes: Record<string, string[]>;
}

/** An object that can hold a session's view of an open app. */
export interface OpenDocLike {
  readonly app: AppDoc;
  readonly entity: EngineObject;
  /** Opened without data (`OpenDoc`'s `qNoData`). */
  readonly noData: boolean;
  /** Stops listening to the app and forgets session state. */
  close(): void;
  /**
   * This moment's selections (every state), as a function that runs a synchronous calculation
   * against them later: what a calculation that starts now sees (`concurrent` calculation model).
   */
  pinSelections(): Pinned;
}

/** Runs a synchronous calculation against the selections of an earlier moment. */
export type Pinned = <T>(compute: () => T) => T;

/** setTimeout's longest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * An engine session: one user + app + identity. Connections with the same key share it (and its
 * selections); with `/ttl/<s>` it outlives its last socket so a reconnect re-attaches. It numbers
 * handles (never reusing one), tracks which objects' layouts depend on what, and routes
 * invalidations to every connection's handles.
 */
export class EngineSession {
  readonly key: string;
  readonly user: EngineUser;
  readonly identity: string | undefined;
  /** App id from the websocket URL (routing; `SessionApp_…` creates a session app). */
  readonly urlAppId: string | undefined;
  readonly global: EngineObject = { qType: 'Global', genericType: '', genericId: '', key: 'global', destroyed: false };
  readonly connections = new Set<SessionConnection>();
  /** Objects of this session by key (one instance per object, shared by connections). */
  readonly objects = new Map<string, EngineObject>();
  ttlSeconds: number;
  /**
   * Seconds a session on a `/app/SessionApp_<id>` URL outlives its last socket when the URL has no
   * `/ttl` (so enigma.js's suspend/resume finds the session app as it left it).
   */
  readonly sessionAppGraceSeconds: number;
  doc: OpenDocLike | undefined;
  /** When the session last saw traffic, by the simulator's clock. */
  lastActivity: number;
  /** Set when the session is gone for good. */
  ended = false;
  #handleCounter = 0;
  /** object key → dependency keys its last layout read. */
  readonly #dependsOn = new Map<string, Set<string>>();
  /** dependency key → object keys whose last layout read it. */
  readonly #dependents = new Map<string, Set<string>>();
  readonly #onEmpty: (session: EngineSession) => void;
  readonly #clock: Clock;
  /** While the session lingers without a socket: when it ends, by the simulator's clock. */
  #lingerUntil: number | undefined;
  #ttlTimer: NodeJS.Timeout | undefined;

  constructor(
    key: string,
    init: {
      user: EngineUser;
      identity: string | undefined;
      urlAppId: string | undefined;
      ttlSeconds: number;
      sessionAppGraceSeconds?: number;
      clock: Clock;
    },
    onEmpty: (session: EngineSession) => void,
  ) {
    this.key = key;
    this.user = init.user;
    this.identity = init.identity;
    this.urlAppId = init.urlAppId;
    this.ttlSeconds = init.ttlSeconds;
    this.sessionAppGraceSeconds = init.sessionAppGraceSeconds ?? 0;
    this.#clock = init.clock;
    this.lastActivity = init.clock.now();
    this.#onEmpty = onEmpty;
  }

  /** Next handle: per session, monotonic, so handles differ across reconnects. */
  nextHandle(): number {
    this.#handleCounter += 1;
    return this.#handleCounter;
  }

  /** The simulator's clock time now (ms since the epoch): what the session's requests stamp things with. */
  now(): number {
    return this.#clock.now();
  }

  touch(): void {
    this.lastActivity = this.#clock.now();
  }

  attach(connection: SessionConnection): void {
    if (this.#ttlTimer) clearTimeout(this.#ttlTimer);
    this.#ttlTimer = undefined;
    this.#lingerUntil = undefined;
    this.connections.add(connection);
  }

  detach(connection: SessionConnection): void {
    this.connections.delete(connection);
    if (this.connections.size > 0 || this.ended) return;
    const linger = this.lingerSeconds;
    if (linger > 0) {
      this.#lingerUntil = this.#clock.now() + linger * 1000;
      this.#armLingerTimer();
    } else {
      this.#onEmpty(this);
    }
  }

  /**
   * Ends the session if it lingers without a socket and its linger is over by the simulator's
   * clock (a sweep). Returns whether it ended.
   */
  expireIfDue(): boolean {
    if (this.#lingerUntil === undefined || this.ended || this.connections.size > 0) return false;
    if (this.#clock.now() < this.#lingerUntil) return false;
    this.#onEmpty(this);
    return true;
  }

  /**
   * A real timer for the rest of the linger. The clock decides: when the timer fires before the
   * clock says the linger is over (a test's ManualClock that did not move), it waits again.
   */
  #armLingerTimer(): void {
    const left = (this.#lingerUntil ?? 0) - this.#clock.now();
    this.#ttlTimer = setTimeout(
      () => {
        this.#ttlTimer = undefined;
        if (!this.expireIfDue() && this.#lingerUntil !== undefined && !this.ended) this.#armLingerTimer();
      },
      Math.min(Math.max(left, 0), MAX_TIMER_MS),
    );
    this.#ttlTimer.unref();
  }

  /**
   * Seconds the session outlives its last socket: the URL's `/ttl`, else the session-app grace
   * when the URL names a session app that is still this session's doc, else 0.
   */
  get lingerSeconds(): number {
    if (this.ttlSeconds > 0) return this.ttlSeconds;
    const onSessionApp = this.urlAppId?.startsWith('SessionApp_') === true && this.doc?.app.id === this.urlAppId;
    return onSessionApp ? this.sessionAppGraceSeconds : 0;
  }

  /** Ends the session: closes its doc and forgets everything. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.#ttlTimer) clearTimeout(this.#ttlTimer);
    this.doc?.close();
    this.doc = undefined;
    this.objects.clear();
    this.#dependsOn.clear();
    this.#dependents.clear();
    for (const connection of this.connections) connection.socket.terminate();
  }

  /** Registers (once) and returns the session's instance of an object. */
  object<T extends EngineObject>(key: string, create: () => T): T {
    let found = this.objects.get(key) as T | undefined;
    if (!found || found.destroyed) {
      found = create();
      this.objects.set(key, found);
    }
    return found;
  }

  /** Records what an object's freshly computed layout read (replacing the previous record). */
  recordDependencies(objectKey: string, dependencies: Iterable<string>): void {
    const previous = this.#dependsOn.get(objectKey);
    if (previous) for (const dep of previous) this.#dependents.get(dep)?.delete(objectKey);
    const next = new Set(dependencies);
    next.add(objectKey);
    this.#dependsOn.set(objectKey, next);
    for (const dep of next) {
      let set = this.#dependents.get(dep);
      if (!set) {
        set = new Set();
        this.#dependents.set(dep, set);
      }
      set.add(objectKey);
    }
  }

  /** Adds to what an object depends on (data fetches without a layout). */
  addDependencies(objectKey: string, dependencies: Iterable<string>): void {
    this.recordDependencies(objectKey, [...(this.#dependsOn.get(objectKey) ?? []), ...dependencies]);
  }

  /**
   * Something changed: every object whose layout read it becomes invalid on every connection
   * (listed in change where the client had validated it). `force` lists the handle of `origin`
   * for the object `directObjectKey` regardless (a direct mutation by that call).
   */
  changed(dependency: string, direct?: { origin: SessionConnection; objectKey: string }): void {
    const keys = new Set(this.#dependents.get(dependency) ?? []);
    // A reload changes the data of every state.
    if (dependency === 'data:*') {
      for (const [dep, dependents] of this.#dependents)
        if (dep.startsWith('data:')) for (const k of dependents) keys.add(k);
    }
    if (this.objects.has(dependency)) keys.add(dependency);
    if (direct) keys.add(direct.objectKey);
    for (const key of keys) {
      for (const connection of this.connections) {
        connection.invalidate(key, direct !== undefined && connection === direct.origin && key === direct.objectKey);
      }
    }
  }

  /** Objects are gone: close their handles everywhere and forget them. */
  destroyed(keys: Iterable<string>): void {
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object) object.destroyed = true;
      this.objects.delete(key);
      const deps = this.#dependsOn.get(key);
      if (deps) for (const dep of deps) this.#dependents.get(dep)?.delete(key);
      this.#dependsOn.delete(key);
      for (const connection of this.connections) connection.release(key);
    }
  }

  /** Aborts every running request of every connection (but the one asking). */
  abortAll(except?: { controller: AbortController }): void {
    for (const connection of this.connections) connection.abortAll(except);
  }

  /** Number of dependency records (leak checks). */
  get dependencyCount(): number {
    return this.#dependsOn.size;
  }
}
