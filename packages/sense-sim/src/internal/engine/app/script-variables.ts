import { randomUUID } from 'node:crypto';
import type { StoredItem, VariableFlags } from './stored-item.js';

/**
 * Reserved variable names: number interpretation, calendar and collation settings, the error
 * variables the engine sets after a reload, and the script's system and value-handling variables
 * (Qlik's "Variables in the data load editor" reference). Compared case-insensitively.
 */
const RESERVED = new Set(
  [
    'ThousandSep',
    'DecimalSep',
    'MoneyThousandSep',
    'MoneyDecimalSep',
    'MoneyFormat',
    'TimeFormat',
    'DateFormat',
    'TimestampFormat',
    'MonthNames',
    'LongMonthNames',
    'DayNames',
    'LongDayNames',
    'FirstWeekDay',
    'BrokenWeeks',
    'ReferenceDay',
    'FirstMonthOfYear',
    'CollationLocale',
    'NumericalAbbreviation',
    'CreateSearchIndexOnReload',
    'ScriptError',
    'ScriptErrorCount',
    'ScriptErrorList',
    'ErrorMode',
    'HidePrefix',
    'HideSuffix',
    'Include',
    'Must_Include',
    'StripComments',
    'Verbatim',
    'NullDisplay',
    'NullInterpret',
    'NullValue',
    'OtherSymbol',
    'OpenUrlTimeout',
    'ScriptErrorDetails',
  ].map((name) => name.toLowerCase()),
);

/**
 * System variables the engine itself sets on every reload, with the values a Qlik Sense
 * Enterprise on Windows node reports (the simulator has no such paths: these are what a client
 * reading them would see on a default installation).
 */
const CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['QvPath', 'C:\\Program Files\\Qlik\\Sense\\Engine\\'],
  ['QvRoot', 'C:\\Program Files\\Qlik\\Sense\\Engine'],
  ['QvWorkPath', 'C:\\ProgramData\\Qlik\\Sense\\Apps'],
  ['QvWorkRoot', 'C:\\ProgramData\\Qlik\\Sense\\Apps'],
  ['WinPath', 'C:\\Windows'],
  ['WinRoot', 'C:\\'],
];

/** The engine's error variables after a successful reload (a failed one keeps the previous data). */
const AFTER_RELOAD: ReadonlyArray<readonly [string, string]> = [
  ['ScriptError', ''],
  ['ScriptErrorCount', '0'],
  ['ScriptErrorList', ''],
];

/** Whether a variable name is reserved by the engine. */
function isReservedVariable(name: string): boolean {
  return RESERVED.has(name.toLowerCase());
}

/**
 * Brings an app's variables up to date after a successful reload, as a real engine does: every
 * variable the script left set becomes (or updates) an app variable with its value as definition,
 * marked script-created (and reserved when its name is); the engine's error and system variables
 * are set too. A variable a user created with the same name takes the script's value. Variables of
 * earlier reloads the script no longer sets stay, with their last value (Qlik keeps them until
 * someone deletes them). Returns whether anything changed.
 */
export function syncScriptVariables(
  variables: Map<string, StoredItem>,
  scriptValues: ReadonlyMap<string, string>,
): boolean {
  const byName = new Map<string, StoredItem>();
  for (const item of variables.values()) byName.set(String(item.properties.qName ?? ''), item);
  let changed = false;
  const set = (name: string, definition: string, flags: VariableFlags): void => {
    const existing = byName.get(name);
    if (existing) {
      if (existing.properties.qDefinition === definition && sameFlags(existing.flags, flags)) return;
      existing.properties = { ...existing.properties, qDefinition: definition };
      existing.flags = flags;
    } else {
      const qId = randomUUID();
      const item: StoredItem = {
        properties: { qInfo: { qId, qType: 'variable' }, qName: name, qComment: '', qDefinition: definition },
        flags,
      };
      variables.set(qId, item);
      byName.set(name, item);
    }
    changed = true;
  };
  for (const [name, value] of scriptValues)
    set(name, value, { scriptCreated: true, reserved: isReservedVariable(name), config: false });
  for (const [name, value] of AFTER_RELOAD)
    if (!scriptValues.has(name)) set(name, value, { scriptCreated: false, reserved: true, config: false });
  for (const [name, value] of CONFIG) set(name, value, { scriptCreated: false, reserved: false, config: true });
  return changed;
}

function sameFlags(a: VariableFlags | undefined, b: VariableFlags): boolean {
  return a !== undefined && a.scriptCreated === b.scriptCreated && a.reserved === b.reserved && a.config === b.config;
}
