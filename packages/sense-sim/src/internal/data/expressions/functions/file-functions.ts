import { formatDateTime } from '../../formats/date-format.js';
import { formatSettings } from '../../formats/format-settings.js';
import type { Cell } from '../../model/loaded-model.js';
import type { Expression } from '../script-bridge.js';
import { numberCell, textCell, toNumber } from '../value-ops.js';
import { type EvaluateArgument, type ScriptFunctionTable, type ScriptHost, scriptFn } from './script-host.js';

/** Days from 1899-12-30 (Qlik's day 0) to 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25569;

/** The file an argument names, or the file the LOAD in progress reads when there is no argument. */
function fileArgument(
  argument: Expression | undefined,
  evaluate: EvaluateArgument,
  host: ScriptHost,
): string | undefined {
  if (argument === undefined) return host.currentFile();
  const value = evaluate(argument);
  return value === null ? undefined : value.text;
}

/** A part of the current file's path (FileName, FileBaseName …); NULL outside a LOAD from a file. */
function pathPart(
  part: (path: string) => string,
): (args: readonly Expression[], e: EvaluateArgument, host: ScriptHost) => Cell {
  return (_args, _evaluate, host) => {
    const path = host.currentFile();
    return path === undefined ? null : textCell(part(path));
  };
}

function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function extensionAt(name: string): number {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name.length : dot;
}

/** A time as a timestamp dual, shown in the script's TimestampFormat (UTC, as the engine reports file times). */
function timestamp(ms: number, host: ScriptHost): Cell {
  const serial = ms / 86_400_000 + UNIX_EPOCH_SERIAL;
  const settings = formatSettings((name) => host.variable(name));
  return { text: formatDateTime(serial, settings.timestampFormat, settings), num: serial };
}

/**
 * File functions (help.qlik.com "File functions"): the parts of the path of the file a LOAD reads
 * (FileName, FileBaseName, FileExtension, FileDir, FilePath — as the script wrote it, `lib://…`),
 * and facts about any file of the data folder (FileSize, FileTime, and the QVD header functions
 * QvdCreateTime, QvdNoOfRecords, QvdNoOfFields, QvdFieldName, QvdTableName). A file that does not
 * exist gives NULL — the incremental-load idiom `IF NOT IsNull(QvdCreateTime('…')) THEN`.
 * The simulator's QVDs are JSON: their "create time" is the file's modification time.
 */
export const FILE_FUNCTIONS: ScriptFunctionTable = {
  filename: scriptFn(0, 0, pathPart(fileName)),
  filebasename: scriptFn(
    0,
    0,
    pathPart((path) => {
      const name = fileName(path);
      return name.slice(0, extensionAt(name));
    }),
  ),
  fileextension: scriptFn(
    0,
    0,
    pathPart((path) => {
      const name = fileName(path);
      return name.slice(extensionAt(name) + 1);
    }),
  ),
  filedir: scriptFn(
    0,
    0,
    pathPart((path) => path.slice(0, Math.max(0, path.length - fileName(path).length - 1))),
  ),
  filepath: scriptFn(
    0,
    0,
    pathPart((path) => path),
  ),
  filesize: scriptFn(0, 1, (args, evaluate, host) => {
    const path = fileArgument(args[0], evaluate, host);
    const file = path === undefined ? undefined : host.file(path);
    return file === undefined ? null : numberCell(file.size);
  }),
  filetime: scriptFn(0, 1, (args, evaluate, host) => {
    const path = fileArgument(args[0], evaluate, host);
    const file = path === undefined ? undefined : host.file(path);
    return file === undefined ? null : timestamp(file.modifiedMs, host);
  }),
  qvdcreatetime: scriptFn(1, 1, (args, evaluate, host) => {
    const path = fileArgument(args[0], evaluate, host);
    const file = path === undefined ? undefined : host.file(path);
    return file?.qvd() === undefined ? null : timestamp(file.modifiedMs, host);
  }),
  qvdnoofrecords: scriptFn(1, 1, (args, evaluate, host) => {
    const qvd = qvdArgument(args[0], evaluate, host);
    return qvd === undefined ? null : numberCell(qvd.records);
  }),
  qvdnooffields: scriptFn(1, 1, (args, evaluate, host) => {
    const qvd = qvdArgument(args[0], evaluate, host);
    return qvd === undefined ? null : numberCell(qvd.fields.length);
  }),
  qvdfieldname: scriptFn(2, 2, (args, evaluate, host) => {
    const qvd = qvdArgument(args[0], evaluate, host);
    const n = args[1] === undefined ? Number.NaN : Math.trunc(toNumber(evaluate(args[1])));
    const name = qvd?.fields[n - 1];
    return name === undefined ? null : textCell(name);
  }),
  qvdtablename: scriptFn(1, 1, (args, evaluate, host) => {
    const qvd = qvdArgument(args[0], evaluate, host);
    return qvd === undefined ? null : textCell(qvd.table);
  }),
};

function qvdArgument(argument: Expression | undefined, evaluate: EvaluateArgument, host: ScriptHost) {
  const path = fileArgument(argument, evaluate, host);
  return path === undefined ? undefined : host.file(path)?.qvd();
}
