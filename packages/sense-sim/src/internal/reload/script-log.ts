import type { ReloadRecord } from '../site/reload-history.js';

// Where a Qlik Sense Enterprise node writes script logs. The simulator names its logs as a real
// node would (DoReloadEx qScriptLogFile, ExecutionResult.scriptLogLocation): never a folder of the
// machine it runs on.
const SCRIPT_LOG_FOLDER = 'C:\\ProgramData\\Qlik\\Sense\\Log\\Script';
// The engine's progress line for a script error; the log writes the error its own way instead.
const ERROR_PROGRESS = 'The following error occurred: ';
// An INLINE table can make a statement thousands of lines long; the log echoes its head.
const MAX_ECHOED_LINES = 20;

/**
 * The script log of a reload as the engine writes it: one line per progress message, each stamped
 * `YYYYMMDDThhmmss.fff+0000`, CRLF line ends; a failed reload ends with the statement that failed
 * (numbered with its line, `0012  LOAD …`), `Error: <message>` and `Execution Failed`.
 *
 * @example
 * ```ts
 * scriptLogText(record).split('\r\n').at(-3); // '20260105T080001.250+0000       Error: Field 'X' not found'
 * ```
 */
export function scriptLogText(record: ReloadRecord): string {
  const start = qlikTimestamp(record.startTime);
  const stop = qlikTimestamp(record.stopTime);
  const lines = [`${start} Execution started.`];
  for (const line of record.log) {
    if (line.startsWith(ERROR_PROGRESS)) continue;
    lines.push(`${start}       ${line}`);
  }
  const error = record.error;
  if (error) {
    // Line 0 is after the last statement (building the model): there is no statement to echo.
    const statement = error.line > 0 ? error.statement.split(/\r?\n/).slice(0, MAX_ECHOED_LINES) : [];
    statement.forEach((text, i) => {
      lines.push(`${stop} ${lineNumber(error.line + i)}  ${text}`);
    });
    lines.push(`${stop}       Error: ${error.message}`);
  }
  if (record.status !== 'FinishedSuccess') lines.push(`${stop}       Execution Failed`);
  lines.push(`${stop}      Execution finished.`);
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The path the log of a reload has on a real node: `<folder>\<appId>.<time>.<reference>.log`.
 *
 * @example
 * ```ts
 * scriptLogPath(record); // 'C:\\ProgramData\\Qlik\\Sense\\Log\\Script\\<appId>.20260105T080001.250+0000.3f2a….log'
 * ```
 */
export function scriptLogPath(record: ReloadRecord): string {
  const reference = record.fileReferenceId.replace(/-/g, '').slice(0, 16).toUpperCase();
  return `${SCRIPT_LOG_FOLDER}\\${record.appId}.${qlikTimestamp(record.stopTime).replace(/\+0000$/, '')}.${reference}.log`;
}

function lineNumber(line: number): string {
  return String(line).padStart(4, '0');
}

/** `2026-01-05T08:00:01.250Z` as the engine stamps log lines: `20260105T080001.250+0000`. */
function qlikTimestamp(iso: string): string {
  const [date = '', time = ''] = iso.replace(/Z$/, '').split('T');
  const [clock = '', fraction = '000'] = time.split('.');
  return `${date.replace(/-/g, '')}T${clock.replace(/:/g, '')}.${fraction.padEnd(3, '0').slice(0, 3)}+0000`;
}
