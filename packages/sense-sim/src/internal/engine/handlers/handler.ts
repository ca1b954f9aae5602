import type { EngineObject } from '../model/engine-object.js';
import type { Connection, RunningRequest } from '../rpc/connection.js';
import type { EngineSession } from '../session/engine-session.js';

/** What a method handler gets besides its (normalised, positional) arguments. */
export interface Call {
  readonly connection: Connection;
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
