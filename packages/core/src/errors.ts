import type { EngineErrorName } from '@qixflow/qix';
import { redact } from './redact.js';

/**
 * Stable error codes. Each is documented in the package README with what to do about it.
 */
export type QixflowErrorCode =
  | 'ERR_OPTIONS_INVALID'
  | 'ERR_JWT_KEY_INVALID'
  | 'ERR_JWT_ALGORITHM_MISMATCH'
  | 'ERR_JWT_SIGN_FAILED'
  | 'ERR_HANDSHAKE_REJECTED'
  | 'ERR_HANDSHAKE_LOGIN_PAGE'
  | 'ERR_HANDSHAKE_NO_COOKIE'
  | 'ERR_HANDSHAKE_FAILED'
  | 'ERR_FORBIDDEN_ORIGIN'
  | 'ERR_FORBIDDEN_CSRF'
  | 'ERR_FORBIDDEN'
  | 'ERR_TLS'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_SESSION_BUDGET_EXHAUSTED'
  | 'ERR_SESSION_STORE_CORRUPT'
  | 'ERR_SESSION_STORE_INSECURE'
  | 'ERR_SESSION_STORE_IO'
  | 'ERR_SESSION_LIMIT_EXCEEDED'
  | 'ERR_LICENSE_DENIED'
  | 'ERR_SESSION_LOGGED_OUT'
  | 'ERR_SESSION_ENDED'
  | 'ERR_SOCKET_CLOSED'
  | 'ERR_RECONNECT_FAILED'
  | 'ERR_BUDGET_STATE_CORRUPT'
  | 'ERR_ENGINE'
  | 'ERR_APP_NOT_FOUND'
  | 'ERR_HTTP'
  | 'ERR_CLOSED'
  | 'ERR_PROTOCOL'
  | 'ERR_RESPONSE_TOO_LARGE';

/** Details attached to an error (never a secret). */
export interface QixflowErrorDetails {
  /** HTTP status of the answer that caused it. */
  status?: number;
  /** Websocket close code. */
  closeCode?: number;
  /**
   * Engine error code (`NxLocalizedErrorCode`), or enigma.js's own negative code for an error it raised itself
   * (`ERR_SOCKET_CLOSED`: −1 not connected, −11 suspended).
   */
  engineCode?: number;
  /** The schema's name of the engine code; absent for enigma.js's own codes and codes newer than the schema. */
  engineName?: EngineErrorName;
  /** The engine's `parameter` (context such as an object id). */
  parameter?: string;
  /** The URL involved, without query string. */
  url?: string;
  /** When a budget slot frees up (ms since epoch). */
  retryAt?: number;
  cause?: unknown;
}

/**
 * The one error type qixflow throws for operational failures: a stable `code`, a message that
 * says what to do, and the status / close code / engine code that caused it. Messages never
 * contain private keys, JWTs or cookie values.
 *
 * Other packages subclass it for their own codes (jose-style: `LineageError extends
 * QixflowError<LineageErrorCode>` in `@qixflow/lineage`); `Code` defaults to core's codes, and a
 * code literal is checked against `Code`, never widened by it.
 *
 * @example
 * ```ts
 * try { await site.openApp(id).open(); }
 * catch (e) { if (e instanceof QixflowError && e.code === 'ERR_SESSION_BUDGET_EXHAUSTED') … }
 * ```
 */
export class QixflowError<Code extends string = QixflowErrorCode> extends Error {
  readonly code: Code;
  readonly status: number | undefined;
  readonly closeCode: number | undefined;
  readonly engineCode: number | undefined;
  readonly engineName: EngineErrorName | undefined;
  readonly parameter: string | undefined;
  readonly url: string | undefined;
  readonly retryAt: number | undefined;

  constructor(code: NoInfer<Code>, message: string, details: QixflowErrorDetails = {}) {
    // Messages quote what servers answered and what callers passed: either may hold a credential.
    super(redact(message), details.cause === undefined ? undefined : { cause: redactCause(details.cause) });
    this.name = 'QixflowError';
    this.code = code;
    this.status = details.status;
    this.closeCode = details.closeCode;
    this.engineCode = details.engineCode;
    this.engineName = details.engineName;
    this.parameter = details.parameter === undefined ? undefined : redact(details.parameter);
    this.url = details.url === undefined ? undefined : redact(details.url);
    this.retryAt = details.retryAt;
  }
}

/** True for a QixflowError (subclasses of other packages included), optionally with one of core's codes. */
export function isQixflowError(error: unknown, ...codes: QixflowErrorCode[]): error is QixflowError {
  return error instanceof QixflowError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * Redacts the message and stack of the errors in a cause chain, in place: the chain ends up in logs
 * and `--debug` output, and the errors of ws, undici or the engine quote URLs, headers and scripts.
 * The objects are kept (callers test `instanceof` and `code` on them); only their texts change.
 */
function redactCause(cause: unknown): unknown {
  let current = cause;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    for (const key of ['message', 'stack'] as const) {
      const text = current[key];
      if (typeof text !== 'string') continue;
      const clean = redact(text);
      if (clean === text) continue;
      try {
        Object.defineProperty(current, key, { value: clean, writable: true, configurable: true, enumerable: false });
      } catch {
        // A frozen error keeps its text; ours is already clean.
      }
    }
    current = current.cause;
  }
  return cause;
}
