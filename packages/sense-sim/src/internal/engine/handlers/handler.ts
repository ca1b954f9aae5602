import type { EngineSignatures } from '../../../generated/engine-signatures.js';
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

/** The QIX interfaces whose methods the simulator serves (the `qType` of a handle). */
type EngineInterface = keyof EngineSignatures;

/**
 * The handler of method `M` of interface `I`, typed by the engine schema (`generated/engine-signatures.ts`):
 * it gets the arguments normalizeParams made of the request (positional, schema order) and returns the result
 * keyed by out-parameter names (`{}` when none).
 *
 * @example
 * const getObject: MethodHandler<'Doc', 'GetObject'> = (call, [qId]) => ({ qReturn: find(call, qId) });
 */
export type MethodHandler<
  I extends EngineInterface,
  M extends keyof EngineSignatures[I],
> = EngineSignatures[I][M] extends { params: infer P; result: infer R }
  ? (call: Call, args: P) => R | Promise<R>
  : never;

/** Handlers of interface `I`, by method name: only methods the schema has, each with its signature. */
export type HandlerTable<I extends EngineInterface> = {
  readonly [M in keyof EngineSignatures[I]]?: MethodHandler<I, M>;
};

/** The handlers of every interface. Methods of the schema missing here answer "Not implemented". */
export type HandlerTables = { readonly [I in EngineInterface]?: HandlerTable<I> };

/**
 * A handler as the connection calls it, by the `qType` and method name of a request: with the arguments
 * normalizeParams made against the same schema table the handler types come from.
 */
export type Handler = (call: Call, args: unknown[]) => Promise<Record<string, unknown>> | Record<string, unknown>;
