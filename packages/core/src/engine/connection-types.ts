import type { Doc, Global } from '@qixflow/qix';
import type { QixflowError } from '../errors.js';

/**
 * The Doc an app connection opens.
 *
 * @deprecated Use `Doc` from `@qixflow/qix` (typed from the engine schema).
 */
export type EnigmaApi = Doc;

/** What a connection's `open()` resolves to: the Doc of an app or session app, or Global. */
export type ConnectionApi = Doc | Global;

/** How to open an app. */
export interface OpenAppOptions {
  /** `/identity/<x>`: an engine session of its own (own selections). */
  identity?: string;
  /** `/ttl/<s>`: the engine keeps the session `s` seconds after the socket drops, so a reconnect re-attaches. */
  ttl?: number;
  /** Open without data (faster; layouts have no data). */
  noData?: boolean;
  /**
   * The QIX delta protocol (default `false`, as enigma-go and RxQ; enigma.js's default is `true`):
   * with `true` each answer is a JSON-Patch against the previous one of the same object and
   * method — less to send when big layouts change little, at a CPU cost on both ends (the engine
   * computes the patch; enigma.js applies it and clones the whole answer, about 20 µs per small
   * answer). Turn it on for a client far from the engine that fetches big layouts often.
   */
  delta?: boolean;
  /**
   * Milliseconds for `open()` as a whole (handshake if needed, websocket, OnConnected, OpenDoc);
   * default `timeouts.openMs` of the site (30 000). Ends with `ERR_TIMEOUT` and a closed connection.
   */
  timeoutMs?: number;
}

/** What an app connection opens. */
export type ConnectionTarget = { kind: 'app'; appId: string } | { kind: 'session-app' } | { kind: 'global' };

/**
 * Where a connection is, ws-style: `idle` until `open()`, `connecting` while the socket and the
 * Doc open, `open`, `reconnecting` after a loss, `closing`, then `closed` for good.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** Events of an `AppConnection`. */
export interface AppConnectionEvents {
  /** A push notification from the proxy or the engine (OnConnected, OnSessionTimedOut …). */
  notification: [method: string, params: unknown];
  /** The socket was lost; a reconnect follows (unless reconnect is off). `error` says why, when known (e.g. ERR_PROTOCOL). */
  suspended: [info: { code: number; reason: string; error?: QixflowError }];
  reconnecting: [info: { attempt: number; delayMs: number }];
  /** Back: `attached` when the engine session survived (ttl); `lost` = ids of objects that could not be restored. */
  resumed: [info: { attached: boolean; lost: string[] }];
  /** A failure that ends the connection (no reconnect): licence, session limit, logout, reconnect gave up. */
  error: [error: QixflowError];
  /** The connection reached `closed` (once), whatever the reason. */
  closed: [info: { code: number; reason: string }];
}

/** Per-call options of `AppConnection.run`. */
export interface RunOptions {
  /** Aborts the call: the engine gets CancelRequest, the promise rejects with ERR_ABORTED. */
  signal?: AbortSignal;
  /** Milliseconds before the call is cancelled (ERR_TIMEOUT). */
  timeoutMs?: number;
}
