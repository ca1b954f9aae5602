import { LineageError, type LineageErrorCode } from '../../lineage-error.js';

/** Node's reason without the path and syscall it repeats: `EACCES: permission denied, open '/x'` → `EACCES: permission denied`. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, '');
}

/**
 * The LineageError for a file operation that failed: `cannot <action> <path>: <reason>`, with the path and
 * Node's error as `cause`. A LineageError (a failure already described) passes through as it is.
 */
export function fileError(code: LineageErrorCode, action: string, path: string, error: unknown): LineageError {
  if (error instanceof LineageError) return error;
  return new LineageError(code, `cannot ${action} ${path}: ${reason(error)}`, { path, cause: error });
}
