import { QixflowError, type QixflowErrorDetails } from '@qixflow/core';

/**
 * Stable codes of lineage's own failures, each documented in the package README (code, when, what to
 * do). Where the fault is one core already names, lineage uses core's code instead (`ERR_ENGINE` when
 * GetScript fails, `ERR_TIMEOUT` for an app slower than `appTimeoutMs`, QRS errors of the inventory).
 *
 * - `ERR_LINEAGE_OUTPUT`: a file of the output folder cannot be written (or read back).
 * - `ERR_LINEAGE_FRAGMENT_INVALID`: an app's fragment is missing or damaged when the outputs are stitched.
 * - `ERR_LINEAGE_VIEWER_UNAVAILABLE`: the HTML viewer bundle is missing and cannot be built.
 * - `ERR_LINEAGE_APP`: recorded (never thrown) for an app that failed with an error that has no code.
 * - `ERR_LINEAGE_NODE_NOT_FOUND`: a trace reference (`upstream`, `downstream`, `path`) names no node.
 * - `ERR_LINEAGE_NODE_AMBIGUOUS`: a trace reference names several nodes (give a node id).
 */
export type LineageErrorCode =
  | 'ERR_LINEAGE_OUTPUT'
  | 'ERR_LINEAGE_FRAGMENT_INVALID'
  | 'ERR_LINEAGE_VIEWER_UNAVAILABLE'
  | 'ERR_LINEAGE_APP'
  | 'ERR_LINEAGE_NODE_NOT_FOUND'
  | 'ERR_LINEAGE_NODE_AMBIGUOUS';

/** Details of a {@link LineageError}: core's, plus the file involved. */
export interface LineageErrorDetails extends QixflowErrorDetails {
  /** The file or folder that could not be written or read. */
  path?: string;
}

/**
 * The error lineage throws for its own operational failures: a `QixflowError` (so `instanceof
 * QixflowError` and `isQixflowError(error)` hold) with a lineage code, the file involved and the
 * `cause` kept (Node's `EACCES`, `ENOSPC` … error). Bad options are a `TypeError` instead.
 *
 * @example
 * ```ts
 * try { await extractSiteLineage(site, { outDir: '/read-only/lineage' }); }
 * catch (e) { if (isLineageError(e, 'ERR_LINEAGE_OUTPUT')) console.error(`cannot write ${e.path}`); }
 * ```
 */
export class LineageError extends QixflowError<LineageErrorCode> {
  readonly path: string | undefined;

  constructor(code: LineageErrorCode, message: string, details: LineageErrorDetails = {}) {
    const { path, ...rest } = details;
    super(code, message, rest);
    this.name = 'LineageError';
    this.path = path;
  }
}

/**
 * True for a {@link LineageError} (with one of `codes`, when given).
 *
 * @example
 * ```ts
 * if (isLineageError(error, 'ERR_LINEAGE_VIEWER_UNAVAILABLE')) formats.delete('html');
 * ```
 */
export function isLineageError(error: unknown, ...codes: LineageErrorCode[]): error is LineageError {
  return error instanceof LineageError && (codes.length === 0 || codes.includes(error.code));
}
