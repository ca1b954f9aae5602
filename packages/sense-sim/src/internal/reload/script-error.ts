/**
 * A script error as the engine reports it: a message and where (line, column, the statement
 * text). The reload stops; `DoReload` answers false and `GetProgress` carries it in `qErrorData`.
 */
export class ScriptError extends Error {
  readonly line: number;
  readonly column: number;
  readonly statement: string;

  constructor(message: string, where: { line: number; column: number; statement: string }) {
    super(message);
    this.name = 'ScriptError';
    this.line = where.line;
    this.column = where.column;
    this.statement = where.statement;
  }
}

/** Thrown inside the executor without a position; the statement runner adds it. */
export class ExecutionError extends Error {
  override readonly name = 'ExecutionError';
}
