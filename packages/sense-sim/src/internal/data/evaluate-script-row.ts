import { type EvaluationEnvironment, evaluateRow } from './evaluate-expression.js';
import { type FormatSettings, formatSettings } from './format-settings.js';
import type { MappingTable } from './functions/function-types.js';
import type { Cell } from './loaded-model.js';
import type { Expression } from './script-bridge.js';

/**
 * What the load-script executor passes for each row (the shape of `RowScope` in
 * `reload/run-script.ts`): the source record, counters, the script's variables and its mapping
 * tables (keyed by the text of the first column).
 */
export interface ScriptRowScope {
  value(field: string): Cell | undefined;
  readonly recNo: number;
  readonly rowNo: number;
  readonly iterNo: number;
  readonly variables: ReadonlyMap<string, string>;
  mapping(name: string): ReadonlyMap<string, Cell> | undefined;
}

// Recomputing the settings for every row would dominate a large LOAD; they change only with SET.
const SETTING_VARIABLES = [
  'DateFormat',
  'TimeFormat',
  'TimestampFormat',
  'DecimalSep',
  'ThousandSep',
  'MoneyFormat',
  'MonthNames',
  'LongMonthNames',
  'DayNames',
  'LongDayNames',
  'FirstWeekDay',
  'BrokenWeeks',
  'ReferenceDay',
];
let cachedKey = '';
let cachedSettings: FormatSettings | undefined;

function settingsOf(variables: ReadonlyMap<string, string>): FormatSettings {
  const key = SETTING_VARIABLES.map((name) => variables.get(name) ?? '').join('\u0000');
  if (!cachedSettings || key !== cachedKey) {
    cachedSettings = formatSettings((name) => variables.get(name));
    cachedKey = key;
  }
  return cachedSettings;
}

/**
 * Evaluates a LOAD / LET / IF expression for the script executor (its `ReloadEnvironment.evaluate`):
 * the row's fields, then the script's variables by name; `RecNo()`, `RowNo()`, `IterNo()` and
 * `ApplyMap()` from the scope; formats from the script's DateFormat and friends. Aggregations are
 * an error here (GROUP BY is not supported by the executor).
 *
 * @example
 * evaluateScriptRow(parseExpression("Chr(RecNo()+Ord('A')-1)").ast, { recNo: 1, … }); // { text: 'A', num: NaN }
 */
export function evaluateScriptRow(expression: Expression, scope: ScriptRowScope): Cell {
  const env: EvaluationEnvironment = {
    settings: settingsOf(scope.variables),
    variable: (name) => scope.variables.get(name),
    mapping: (name) => {
      const map = scope.mapping(name);
      return map ? mappingTable(map) : undefined;
    },
  };
  return evaluateRow(
    expression,
    {
      value: (field) => scope.value(field),
      recNo: () => scope.recNo,
      rowNo: () => scope.rowNo,
      iterNo: () => scope.iterNo,
    },
    env,
  );
}

function mappingTable(map: ReadonlyMap<string, Cell>): MappingTable {
  return { lookup: (key) => map.get(key.text) };
}
