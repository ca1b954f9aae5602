/** Engine error codes (`LocalizedErrorCode`) the simulator uses, with the engine's messages. */
export const ENGINE_ERRORS = {
  LOCERR_INTERNAL_ERROR: { code: -128, message: 'Internal error' },
  LOCERR_GENERIC_UNKNOWN: { code: -1, message: 'Unknown error' },
  LOCERR_GENERIC_NOT_FOUND: { code: 2, message: 'Resource not found' },
  LOCERR_GENERIC_ALREADY_EXISTS: { code: 3, message: 'Resource already exists' },
  LOCERR_GENERIC_ACCESS_DENIED: { code: 5, message: 'Access denied' },
  LOCERR_GENERIC_INVALID_PARAMETERS: { code: 8, message: 'Invalid parameters' },
  LOCERR_GENERIC_EMPTY_PARAMETERS: { code: 9, message: 'Empty parameters' },
  LOCERR_GENERIC_ABORTED: { code: 15, message: 'Request aborted' },
  LOCERR_GENERIC_NOT_IMPLEMENTED: { code: 20, message: 'Not implemented' },
  LOCERR_APP_ALREADY_EXISTS: { code: 1000, message: 'App already exists' },
  LOCERR_APP_INVALID_NAME: { code: 1001, message: 'Invalid app name' },
  LOCERR_APP_ALREADY_OPEN: { code: 1002, message: 'App already open' },
  LOCERR_APP_NOT_FOUND: { code: 1003, message: 'App not found' },
  LOCERR_APP_INVALID: { code: 1007, message: 'App invalid' },
  LOCERR_CONNECTION_NOT_FOUND: { code: 2001, message: 'Connection not found' },
  LOCERR_CONNECTION_ALREADY_EXISTS: { code: 2000, message: 'Connection already exists' },
  LOCERR_HC_INVALID_OBJECT: { code: 6000, message: 'Invalid hypercube object' },
  LOCERR_CALC_PAGES_TOO_LARGE: { code: 7009, message: 'Calculation pages too large' },
  LOCERR_LAYOUT_EXTENDS_INVALID_ID: { code: 8000, message: 'Invalid extends id' },
  LOCERR_LAYOUT_LINKED_OBJECT_NOT_FOUND: { code: 8001, message: 'Linked object not found' },
  LOCERR_PERSISTENCE_WRITE_FAILED: { code: 9001, message: 'Write failed' },
  LOCERR_RELOAD_IN_PROGRESS: { code: 11000, message: 'Reload in progress' },
} as const;

export type EngineErrorName = keyof typeof ENGINE_ERRORS;

/** JSON-RPC protocol errors. */
export const RPC_ERRORS = {
  parse: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid method parameter(s)' },
} as const;

/** An error answered as `{"error": {code, parameter, message}}`. */
export class EngineError extends Error {
  readonly code: number;
  readonly parameter: string;

  constructor(code: number, message: string, parameter = '') {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.parameter = parameter;
  }

  /** An engine (`LocalizedErrorCode`) error by name. */
  static of(name: EngineErrorName, parameter = ''): EngineError {
    const { code, message } = ENGINE_ERRORS[name];
    return new EngineError(code, message, parameter);
  }

  toJSON(): { code: number; parameter: string; message: string } {
    return { code: this.code, parameter: this.parameter, message: this.message };
  }
}
