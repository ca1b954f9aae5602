import { ENGINE_ERRORS } from '@qixflow/qix';
import type { WebSocket } from 'ws';
import { methodSpec, normalizeParams } from '../api/engine-api.js';
import type { CallConnection, Handler } from '../handlers/handler.js';
import { type EngineObject, type ObjectInterface, objectInterface } from '../model/engine-object.js';
import type { EngineSession } from '../session/engine-session.js';
import type { CalculationSlot } from './calculation-slot.js';
import { EngineError, RPC_ERRORS } from './engine-error.js';
import { jsonPatchDiff } from './json-patch-diff.js';
import type { RunningRequest } from './running-request.js';

/** A request as it arrived. */
interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  handle?: unknown;
  method?: unknown;
  params?: unknown;
  delta?: unknown;
}

interface HandleEntry {
  handle: number;
  object: EngineObject;
  /** Validated (GetLayout or a data fetch) since the last change notification. */
  valid: boolean;
}

/** Collaborators a connection needs; one set per engine. */
export interface ConnectionDeps {
  handlers: (qType: string) => Readonly<Record<string, Handler>> | undefined;
  faults: {
    /** Throws an injected error for this method, or returns nothing. */
    injectedError(method: string): EngineError | undefined;
    /** Milliseconds to hold this response. */
    delayFor(method: string): number;
  };
  /**
   * The calculation slot of the `queued` and `concurrent` calculation models; absent in the default
   * `inline` model, where every request is handled as soon as it is read.
   */
  calculations?: CalculationSlot;
  /** A change that lists a handle aborts the calculations waiting or running on it. */
  abortOnChange?: boolean;
  /** Counts for leak checks and benchmarks. */
  counters: {
    requests: number;
    openConnections: number;
    completed: Record<string, number>;
    aborted: Record<string, number>;
    busyMs: Record<string, number>;
  };
}

/** Methods that make a handle valid again (the client has seen the current state). */
const VALIDATING = new Set([
  'GetLayout',
  'GetAppLayout',
  'GetHyperCubeData',
  'GetHyperCubePivotData',
  'GetHyperCubeStackData',
  'GetHyperCubeReducedData',
  'GetHyperCubeContinuousData',
  'GetListObjectData',
]);

/**
 * One websocket of an engine session: JSON-RPC framing, handles (per connection, numbered by the
 * session so they are never reused after a reconnect), concurrent requests answered in any order,
 * change/close lists, the delta protocol and cancellation.
 */
export class Connection implements CallConnection {
  readonly socket: WebSocket;
  readonly session: EngineSession;
  readonly #deps: ConnectionDeps;
  readonly #handles = new Map<number, HandleEntry>();
  readonly #byObject = new Map<string, HandleEntry>();
  /** (handle → method\0key → last value sent) for delta. */
  readonly #deltaCache = new Map<number, Map<string, unknown>>();
  readonly running = new Map<number | string, RunningRequest>();
  /** Finished requests' progress, kept briefly for GetProgress after the fact. */
  readonly finished = new Map<number | string, RunningRequest>();
  #pendingChange = new Set<number>();
  #pendingClose = new Set<number>();
  #flushScheduled = false;
  #closed = false;

  constructor(socket: WebSocket, session: EngineSession, deps: ConnectionDeps) {
    this.socket = socket;
    this.session = session;
    this.#deps = deps;
    deps.counters.openConnections++;
    this.bindGlobal();
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      void this.#onMessage(text);
    });
    socket.on('close', () => this.#onClose());
  }

  /** Number of handles this connection holds (leak checks). */
  get handleCount(): number {
    return this.#handles.size;
  }

  /** Binds the Global object to handle -1. */
  bindGlobal(): void {
    const entry: HandleEntry = { handle: -1, object: this.session.global, valid: true };
    this.#handles.set(-1, entry);
    this.#byObject.set(this.session.global.key, entry);
  }

  /**
   * The handle of an object on this connection, allocating one (listed in the next `change`,
   * like the engine lists new handles in the creating call's response) when it has none.
   */
  bind(object: EngineObject): ObjectInterface {
    let entry = this.#byObject.get(object.key);
    if (!entry) {
      entry = { handle: this.session.nextHandle(), object, valid: false };
      this.#handles.set(entry.handle, entry);
      this.#byObject.set(object.key, entry);
      this.#pendingChange.add(entry.handle);
    }
    return objectInterface(object, entry.handle);
  }

  /** The handle bound to an object, if any. */
  handleOf(objectKey: string): number | undefined {
    return this.#byObject.get(objectKey)?.handle;
  }

  /**
   * The object changed: list its handle in the next change list if the client had validated it,
   * or always when `force` (a direct mutation by this connection's own call).
   */
  invalidate(objectKey: string, force = false): void {
    const entry = this.#byObject.get(objectKey);
    if (!entry) return;
    if (entry.valid || force) {
      entry.valid = false;
      this.#pendingChange.add(entry.handle);
      this.#scheduleFlush();
      if (this.#deps.abortOnChange) this.#abortCalculations(entry.handle);
    }
  }

  /** Aborts the calculations on a handle that a change made outdated (they answer LOCERR_GENERIC_ABORTED). */
  #abortCalculations(handle: number): void {
    for (const request of this.running.values()) {
      if (request.handle === handle && VALIDATING.has(request.method)) request.controller.abort();
    }
  }

  /** The object is gone: its handle is closed and forgotten. */
  release(objectKey: string): void {
    const entry = this.#byObject.get(objectKey);
    if (!entry || entry.handle === -1) return;
    this.#byObject.delete(objectKey);
    this.#handles.delete(entry.handle);
    this.#deltaCache.delete(entry.handle);
    this.#pendingChange.delete(entry.handle);
    this.#pendingClose.add(entry.handle);
    this.#scheduleFlush();
  }

  /** Drops every handle but Global (the doc was closed or replaced). */
  releaseAll(): void {
    for (const key of [...this.#byObject.keys()]) this.release(key);
  }

  /** Sends a notification frame. */
  notify(method: string, params: Record<string, unknown>): void {
    this.#send({ jsonrpc: '2.0', method, params });
  }

  /** Aborts every running request of this connection (but `except`). */
  abortAll(except?: { controller: AbortController }): void {
    for (const request of this.running.values()) if (request !== except) request.controller.abort();
  }

  async #onMessage(text: string): Promise<void> {
    let request: RpcRequest;
    try {
      request = JSON.parse(text) as RpcRequest;
    } catch {
      this.#send({ jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.parse, parameter: '' } });
      return;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      this.#send({ jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.invalidRequest, parameter: '' } });
      return;
    }
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    this.#deps.counters.requests++;
    this.session.touch();
    if (typeof request.method !== 'string' || typeof request.handle !== 'number') {
      this.#respond(id, request, { error: { ...RPC_ERRORS.invalidRequest, parameter: '' } });
      return;
    }
    const method = request.method;
    const handle = request.handle;
    const entry = this.#handles.get(handle);
    if (!entry) {
      this.#respond(id, request, { error: { ...RPC_ERRORS.invalidParams, parameter: 'Invalid handle' } });
      return;
    }
    const spec = methodSpec(entry.object.qType, method);
    const handler = this.#deps.handlers(entry.object.qType)?.[method];
    if (!spec) {
      this.#respond(id, request, { error: { ...RPC_ERRORS.methodNotFound, parameter: method } });
      return;
    }
    const normalized = normalizeParams(spec, request.params);
    if (!normalized.ok) {
      this.#respond(id, request, { error: { ...RPC_ERRORS.invalidParams, parameter: normalized.parameter } });
      return;
    }
    const running: RunningRequest = {
      id: id ?? -1,
      method,
      handle,
      startedAt: Date.now(),
      controller: new AbortController(),
      progress: { completed: 0, total: 0, messages: [], errors: [] },
    };
    if (id !== null) this.running.set(id, running);
    const validating = VALIDATING.has(method) ? entry : undefined;
    const slot = validating ? this.#deps.calculations : undefined;
    // Queued: the request itself validates the handle — from the moment it is accepted, a change is
    // listed (the client cannot know whether its calculation will see it), so it can be cancelled.
    if (slot && validating) validating.valid = true;
    // Concurrent: the calculation answers for the selections of this moment, whenever it runs.
    const pinned = slot?.model === 'concurrent' ? this.session.doc?.pinSelections() : undefined;
    let release: (() => void) | undefined;
    let outcome: { result: Record<string, unknown> } | { error: ReturnType<EngineError['toJSON']> };
    try {
      if (slot) release = await slot.acquire(running.controller.signal);
      const injected = this.#deps.faults.injectedError(method);
      if (injected) throw injected;
      // A delay fault plays a slow calculation: the request is running (cancellable) meanwhile.
      const delay = this.#deps.faults.delayFor(method);
      if (delay > 0) await abortableSleep(delay, running.controller.signal);
      if (!handler) throw EngineError.of('LOCERR_GENERIC_NOT_IMPLEMENTED', method);
      // Valid from the moment the handler reads the state, not from its answer: a change that lands
      // in between (another frame of the same read, handled before this call's continuation) must
      // list the handle, or the client keeps the layout of the state before it, unnotified.
      // (Concurrent: it reads the selections pinned when it was read; a change since listed it.)
      if (validating && !pinned) validating.valid = true;
      const started = performance.now();
      const call = () =>
        handler(
          {
            connection: this,
            session: this.session,
            target: entry.object,
            handle,
            request: running,
            signal: running.controller.signal,
          },
          normalized.args,
        );
      const answer = pinned ? pinned(call) : call();
      // The synchronous part only: awaiting would add the work of every frame read in the same chunk.
      const spent = performance.now() - started;
      const { busyMs } = this.#deps.counters;
      busyMs[method] = (busyMs[method] ?? 0) + spent;
      const result = await answer;
      // Queued: the turn lasts as long again, answering other requests meanwhile — the time a real
      // engine's calculation thread keeps working while its socket thread answers a selection (which
      // lists this handle: the answer will be stale) or a CancelRequest (which ends the turn).
      if (slot) await abortableSleep(spent, running.controller.signal);
      if (running.controller.signal.aborted) throw EngineError.of('LOCERR_GENERIC_ABORTED');
      outcome = { result };
    } catch (error) {
      // The client saw nothing: the next change must not be skipped for it.
      if (validating) validating.valid = false;
      outcome = { error: toRpcError(error, running.controller.signal.aborted) };
    } finally {
      release?.();
      if (id !== null) {
        this.running.delete(id);
        this.finished.set(id, running);
        if (this.finished.size > 64) this.finished.delete(this.finished.keys().next().value as number | string);
      }
    }
    const { completed, aborted } = this.#deps.counters;
    if (!('error' in outcome)) completed[method] = (completed[method] ?? 0) + 1;
    else if (outcome.error.code === ENGINE_ERRORS.LOCERR_GENERIC_ABORTED.code)
      aborted[method] = (aborted[method] ?? 0) + 1;
    this.#respond(id, request, outcome);
  }

  #respond(
    id: number | string | null,
    request: RpcRequest,
    outcome: { result: Record<string, unknown> } | { error: { code: number; parameter: string; message: string } },
  ): void {
    const frame: Record<string, unknown> = { jsonrpc: '2.0', id };
    if ('error' in outcome) {
      frame.error = outcome.error;
    } else if (request.delta === true && typeof request.handle === 'number') {
      frame.delta = true;
      frame.result = this.#deltaEncode(request.handle, String(request.method), outcome.result);
    } else {
      frame.result = outcome.result;
    }
    this.#attachChangeLists(frame);
    this.#send(frame);
  }

  #deltaEncode(handle: number, method: string, result: Record<string, unknown>): Record<string, unknown> {
    let cache = this.#deltaCache.get(handle);
    if (!cache && this.#handles.has(handle)) {
      cache = new Map();
      this.#deltaCache.set(handle, cache);
    }
    const encoded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(result)) {
      const cacheKey = `${method}\u0000${key}`;
      const previous = cache?.get(cacheKey);
      encoded[key] =
        previous === undefined && !cache?.has(cacheKey)
          ? [{ op: 'add', path: '/', value }]
          : jsonPatchDiff(previous, value);
      cache?.set(cacheKey, value);
    }
    return encoded;
  }

  #attachChangeLists(frame: Record<string, unknown>): void {
    if (this.#pendingChange.size > 0) frame.change = [...this.#pendingChange].sort((a, b) => a - b);
    if (this.#pendingClose.size > 0) frame.close = [...this.#pendingClose].sort((a, b) => a - b);
    this.#pendingChange = new Set();
    this.#pendingClose = new Set();
  }

  /** Pushes change/close lists that no response carried (another connection changed shared state). */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#pendingChange.size === 0 && this.#pendingClose.size === 0) return;
      if (this.running.size > 0) {
        // A response is on its way and will carry the lists.
        return;
      }
      const frame: Record<string, unknown> = { jsonrpc: '2.0' };
      this.#attachChangeLists(frame);
      this.#send(frame);
    });
  }

  #send(frame: Record<string, unknown>): void {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deps.counters.openConnections--;
    this.abortAll();
    this.#handles.clear();
    this.#byObject.clear();
    this.#deltaCache.clear();
    this.session.detach(this);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(EngineError.of('LOCERR_GENERIC_ABORTED'));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function toRpcError(error: unknown, aborted: boolean): { code: number; parameter: string; message: string } {
  if (error instanceof EngineError) return error.toJSON();
  if (aborted) return EngineError.of('LOCERR_GENERIC_ABORTED').toJSON();
  process.emitWarning(`qixflow-sim engine: handler failed: ${(error as Error)?.stack ?? String(error)}`);
  return EngineError.of('LOCERR_INTERNAL_ERROR').toJSON();
}
