import type { EngineObject, ObjectInterface } from '../model/engine-object.js';
import type { RunningRequest } from '../rpc/running-request.js';
import type { EngineSession } from '../session/engine-session.js';
import type { SessionConnection } from '../session/session-connection.js';

/** What a handler uses of the connection its request came on; `rpc/connection.ts` implements it. */
export interface CallConnection extends SessionConnection {
  /** A handle for the object on this connection (the same one when it is bound already). */
  bind(object: EngineObject): ObjectInterface;
  /** Recently finished requests, by request id (GetProgress). */
  readonly finished: ReadonlyMap<number | string, RunningRequest>;
}

/** What a method handler gets besides its (normalised, positional) arguments. */
export interface Call {
  readonly connection: CallConnection;
  readonly session: EngineSession;
  /** The object the request's handle points at. */
  readonly target: EngineObject;
  readonly handle: number;
  readonly request: RunningRequest;
  /** Aborted by CancelRequest/AbortRequest/AbortAll or a fault. */
  readonly signal: AbortSignal;
}

/** A method: returns the result keyed by out-parameter names (`{}` when none). */
export type Handler = (call: Call, args: unknown[]) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Handlers of one interface type, by method name. */
export type HandlerTable = Readonly<Record<string, Handler>>;
