import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { ClientOptions, WebSocket } from 'ws';
import type { CloudJwtAuth, CookieAuth, JwtAuth, NoAuth, QixflowConfig } from './generated/config-schema.js';
import type { HttpClient } from './http/http-client.js';
import type { Logger, TrafficEvent } from './logger.js';
import type { SessionBudget } from './session/session-budget.js';
import type { SessionStore } from './session/session-store.js';

export type {
  Budget,
  CloudJwtAuth,
  CookieAuth,
  JwtAuth,
  NoAuth,
  QixflowConfig,
  Tls,
} from './generated/config-schema.js';

/** A private key as text (PEM or JWK JSON), a JWK object or a KeyObject. */
export type PrivateKeyOption = string | KeyObject | JsonWebKey;

/** Authentication options: the JSON config forms, with keys also accepted as KeyObject or JWK. */
export type SiteAuth =
  | (Omit<JwtAuth, 'privateKey'> & { privateKey?: PrivateKeyOption })
  | (Omit<CloudJwtAuth, 'privateKey'> & { privateKey?: PrivateKeyOption })
  | CookieAuth
  | NoAuth;

/** A WebSocket constructor compatible with `ws` (injectable for tests). */
export type WebSocketConstructor = new (url: string, options: ClientOptions) => WebSocket;

/** Timers used for reconnect backoff (injectable for fake-timer tests). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Options of {@link createSite}: everything of the JSON config
 * (`schemas/qixflow.config.schema.json`), plus what only code can pass.
 */
export interface SiteOptions extends Omit<QixflowConfig, 'auth' | '$schema'> {
  auth: SiteAuth;
  /** Receives what the site does (handshakes, reconnects). Never secrets. */
  logger?: Logger;
  /** Sees every HTTP request/answer and websocket frame, redacted (no headers, no query strings). */
  onTraffic?: (event: TrafficEvent) => void;
  /** A shared budget instead of one built from `budget` (e.g. one budget for several sites). */
  sessionBudget?: SessionBudget;
  /**
   * Keeps the proxy session across processes (JWT and Qlik Cloud JWT authentication): a new site
   * re-uses the stored session while the proxy accepts it, and makes one new handshake — within
   * the budget — only when it is gone. None by default; `createFileSessionStore()` is the one the
   * CLI uses. With a file store, the budget's state lives beside it unless `budget.stateFile` says
   * otherwise.
   */
  sessionStore?: SessionStore;
  /** I/O, injectable for tests. */
  io?: {
    http?: HttpClient;
    WebSocket?: WebSocketConstructor;
    clock?: { now(): number };
    timers?: Timers;
    /** Randomness of the backoff jitter (0 ≤ x < 1). */
    random?: () => number;
  };
}
