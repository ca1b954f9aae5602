import type { WebSocket } from 'ws';
import type { RunningRequest } from '../rpc/running-request.js';

/**
 * What an engine session (and the simulator's controls and stats) use of one of its websocket
 * connections; `rpc/connection.ts` implements it. An interface of its own so that the session does
 * not import the connection, which imports the handlers, which take the session.
 */
export interface SessionConnection {
  readonly socket: WebSocket;
  /** Requests being processed, by request id. */
  readonly running: ReadonlyMap<number | string, RunningRequest>;
  /** Handles bound on this connection (leak checks). */
  readonly handleCount: number;
  /** The object changed: list its handle in the next change list (`force`: even if the client has not validated it). */
  invalidate(objectKey: string, force?: boolean): void;
  /** The object is gone: list its handle in the next close list and forget it. */
  release(objectKey: string): void;
  /** Aborts every running request (but `except`). */
  abortAll(except?: { controller: AbortController }): void;
}
