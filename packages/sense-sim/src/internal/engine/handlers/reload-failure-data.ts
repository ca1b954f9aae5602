import { ENGINE_ERRORS, type EngineErrorName } from '@qixflow/qix';
import type { ReloadRecordError } from '../../site/reload-history.js';

// The script errors the engine names with a code of their own; the others are reported as unknown.
const KNOWN: readonly [RegExp, EngineErrorName][] = [
  [/^Field '.*' not found/, 'LOCERR_RELOAD_FIELD_X_NOT_FOUND'],
  [/^Table '.*' not found/, 'LOCERR_RELOAD_TABLE_X_NOT_FOUND'],
  [/^Mapping table '.*' not found/, 'LOCERR_RELOAD_MAPPING_TABLE_X_NOT_FOUND'],
  [/^Connection '.*' not found/, 'LOCERR_RELOAD_LIB_CONNECTION_X_NOT_FOUND'],
  [/^Cannot (read|open) file/, 'LOCERR_RELOAD_OPEN_FILE_ERROR'],
  [/^Reload aborted/, 'LOCERR_GENERIC_ABORTED'],
];

/**
 * `DoReloadEx`'s `qFailureData` for a reload that stopped at a script error: one `ReloadError` with
 * the message, the statement and its line, and the engine's code for that kind of error.
 *
 * @example
 * ```ts
 * reloadFailureData({ line: 12, message: "Field 'X' not found", statement: 'LOAD X …' }).qErrors[0].qCode; // 11013
 * ```
 */
export function reloadFailureData(error: ReloadRecordError): { qErrors: Record<string, unknown>[] } {
  const name = KNOWN.find(([pattern]) => pattern.test(error.message))?.[1] ?? 'LOCERR_GENERIC_UNKNOWN';
  return {
    qErrors: [
      {
        // "Type of error" in the schema, without its values: the simulator says what the log says.
        qError: 'Error',
        qDescription: error.message,
        qLine: error.statement,
        qLineNumber: error.line,
        qCode: ENGINE_ERRORS[name].code,
        qTitle: name,
      },
    ],
  };
}
