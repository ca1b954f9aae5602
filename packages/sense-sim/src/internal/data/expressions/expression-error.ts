/**
 * Why an expression could not be evaluated. The message is what the engine shows to users
 * (`Error in expression: …`), so callers can put it straight into `qText` / `qErrorMsg`.
 */
export class ExpressionError extends Error {
  constructor(detail: string) {
    super(`Error in expression: ${detail}`);
    this.name = 'ExpressionError';
  }
}

/** The error for a function the simulator does not implement: never a silently wrong number. */
export function unsupportedFunction(name: string): ExpressionError {
  return new ExpressionError(`function ${name} is not supported`);
}
