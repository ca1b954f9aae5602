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
  override readonly name: string = 'ExecutionError';
}

/** The reload was aborted (AbortAll, CancelRequest, a closed socket): no budget, no line in the text. */
export class ReloadAborted extends ExecutionError {
  override readonly name = 'ReloadAborted';

  constructor() {
    super('Reload aborted');
  }
}

/**
 * A reload budget ran out. The statement runner appends `at line N`, so the message names the
 * budget, its limit and where the script was when it ran out.
 */
export class BudgetExceeded extends ExecutionError {
  override readonly name = 'BudgetExceeded';
  readonly budget: string;

  constructor(budget: string, limit: string) {
    super(`Reload budget exceeded: ${budget} (${limit})`);
    this.budget = budget;
  }
}
