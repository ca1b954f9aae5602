import { ENGINE_ERRORS, type EngineErrorName } from '@qixflow/qix';

/**
 * JSON-RPC protocol errors: the schema's codes, with the JSON-RPC 2.0 messages the engine answers with (DESIGN §3:
 * −32602 "Invalid method parameter(s)") rather than the schema's titles.
 */
export const RPC_ERRORS = {
  parse: { code: ENGINE_ERRORS.LOCERR_JSON_RPC_PARSE_ERROR.code, message: 'Parse error' },
  invalidRequest: { code: ENGINE_ERRORS.LOCERR_JSON_RPC_INVALID_REQUEST.code, message: 'Invalid Request' },
  methodNotFound: { code: ENGINE_ERRORS.LOCERR_JSON_RPC_METHOD_NOT_FOUND.code, message: 'Method not found' },
  invalidParams: {
    code: ENGINE_ERRORS.LOCERR_JSON_RPC_INVALID_PARAMETERS.code,
    message: 'Invalid method parameter(s)',
  },
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

  /** An engine error by its schema name (`NxLocalizedErrorCode`), with the schema's code and message. */
  static of(name: EngineErrorName, parameter = ''): EngineError {
    const { code, title } = ENGINE_ERRORS[name];
    return new EngineError(code, title, parameter);
  }

  toJSON(): { code: number; parameter: string; message: string } {
    return { code: this.code, parameter: this.parameter, message: this.message };
  }
}
