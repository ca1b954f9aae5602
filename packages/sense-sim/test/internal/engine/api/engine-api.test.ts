import { describe, expect, it } from 'vitest';
import {
  enumValues,
  type MethodSpec,
  methodSpec,
  normalizeEnum,
  normalizeParams,
} from '../../../../src/internal/engine/api/engine-api.js';

function spec(struct: string, method: string): MethodSpec {
  const found = methodSpec(struct, method);
  if (!found) throw new Error(`no spec for ${struct}.${method}`);
  return found;
}

describe('methodSpec', () => {
  it('lists parameters in schema order with their types, optionality and defaults', () => {
    expect(spec('Global', 'OpenDoc')).toEqual({
      struct: 'Global',
      name: 'OpenDoc',
      params: [
        { name: 'qDocName', optional: false, type: 'string' },
        { name: 'qUserName', optional: true, type: 'string', default: '' },
        { name: 'qPassword', optional: true, type: 'string', default: '' },
        { name: 'qSerial', optional: true, type: 'string', default: '' },
        { name: 'qNoData', optional: true, type: 'boolean', default: false },
      ],
      results: ['qReturn'],
    });
  });

  it('lists every result out-key in order', () => {
    expect(spec('Doc', 'CreateObject').results).toEqual(['qInfo', 'qReturn']);
    expect(spec('Doc', 'GetTablesAndKeys').results).toEqual(['qtr', 'qk']);
    expect(spec('Global', 'CreateSessionApp').results).toEqual(['qSessionAppId', 'qReturn']);
    expect(spec('Global', 'EngineVersion').results).toEqual(['qVersion']);
    expect(spec('Global', 'AbortAll').results).toEqual([]);
    expect(spec('Doc', 'EvaluateEx').results).toEqual(['qValue']);
  });

  it('knows the methods of every served struct, including those only the older npm schema has', () => {
    expect(spec('GenericObject', 'GetHyperCubeData').params.map((p) => p.name)).toEqual(['qPath', 'qPages']);
    expect(spec('Field', 'SelectValues').params.map((p) => p.name)).toEqual([
      'qFieldValues',
      'qToggleMode',
      'qSoftLock',
    ]);
    expect(spec('GenericVariable', 'SetNumValue').params[0]).toMatchObject({ name: 'qVal', type: 'number' });
    expect(spec('GenericBookmark', 'Apply').results).toEqual(['qSuccess']);
    expect(spec('Global', 'GetConfiguration').results).toEqual(['qConfig']);
  });

  it('takes documented defaults over enigma.js zero values, and drops its sample array elements', () => {
    const stack = spec('GenericObject', 'GetHyperCubeStackData').params[2];
    expect(stack).toMatchObject({ name: 'qMaxNbrCells', default: 10_000 });
    const clear = spec('GenericObject', 'ClearSelections').params[1];
    expect(clear).toMatchObject({ name: 'qColIndices', optional: true, default: [] });
    expect(spec('Doc', 'DoReload').params.map((p) => p.default)).toEqual([0, false, false]);
  });

  it('has no spec for unknown methods, unknown structs or prototype names', () => {
    expect(methodSpec('Global', 'GetLoadDialogs')).toBeUndefined();
    expect(methodSpec('Doc', 'OpenDoc')).toBeUndefined();
    expect(methodSpec('Nope', 'GetLayout')).toBeUndefined();
    expect(methodSpec('Global', 'constructor')).toBeUndefined();
    expect(methodSpec('Global', '__proto__')).toBeUndefined();
    expect(methodSpec('constructor', 'name')).toBeUndefined();
  });
});

describe('normalizeParams', () => {
  it('fills omitted trailing optional parameters with their defaults', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), ['x'])).toEqual({ ok: true, args: ['x', '', '', '', false] });
    expect(normalizeParams(spec('Doc', 'DoReload'), [])).toEqual({ ok: true, args: [0, false, false] });
  });

  it('treats absent params as no arguments', () => {
    expect(normalizeParams(spec('Global', 'EngineVersion'), undefined)).toEqual({ ok: true, args: [] });
    expect(normalizeParams(spec('Doc', 'DoReload'), undefined)).toEqual({ ok: true, args: [0, false, false] });
    expect(normalizeParams(spec('Global', 'OpenDoc'), undefined)).toEqual({ ok: false, parameter: 'qDocName' });
  });

  it('accepts named parameters in any order', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), { qNoData: true, qDocName: 'Sales.qvf' })).toEqual({
      ok: true,
      args: ['Sales.qvf', '', '', '', true],
    });
  });

  it('rejects an unknown named parameter, naming it', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), { qDocName: 'x', qDocname: 'y' })).toEqual({
      ok: false,
      parameter: 'qDocname',
    });
  });

  it('rejects params that are neither an array nor an object', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), 'Sales.qvf')).toEqual({ ok: false, parameter: 'params' });
  });

  it('names a missing required parameter', () => {
    expect(normalizeParams(spec('Doc', 'GetObject'), [])).toEqual({ ok: false, parameter: 'qId' });
    expect(normalizeParams(spec('Doc', 'GetObject'), {})).toEqual({ ok: false, parameter: 'qId' });
  });

  it('accepts an enum as numeric const, short title, long name or EQ_ long name, passing the short title', () => {
    const getBnf = spec('Global', 'GetBNF');
    expect(getBnf.params[0]).toMatchObject({ name: 'qBnfType', enum: 'BNFType' });
    expect(normalizeParams(getBnf, [0])).toEqual({ ok: true, args: ['S'] });
    expect(normalizeParams(getBnf, ['S'])).toEqual({ ok: true, args: ['S'] });
    expect(normalizeParams(getBnf, ['SCRIPT_TEXT_SCRIPT'])).toEqual({ ok: true, args: ['S'] });
    expect(normalizeParams(getBnf, [1])).toEqual({ ok: true, args: ['E'] });
    expect(normalizeParams(getBnf, ['EQ_SCRIPT_TEXT_EXPRESSION'])).toEqual({ ok: true, args: ['E'] });
    expect(normalizeParams(getBnf, { qBnfType: 'E' })).toEqual({ ok: true, args: ['E'] });
  });

  it('rejects enum values that are not members', () => {
    const getBnf = spec('Global', 'GetBNF');
    expect(normalizeParams(getBnf, [2])).toEqual({ ok: false, parameter: 'qBnfType' });
    expect(normalizeParams(getBnf, ['s'])).toEqual({ ok: false, parameter: 'qBnfType' });
    expect(normalizeParams(getBnf, ['EQ_S'])).toEqual({ ok: false, parameter: 'qBnfType' });
    expect(normalizeParams(getBnf, [true])).toEqual({ ok: false, parameter: 'qBnfType' });
  });

  it('normalises enum defaults too', () => {
    const exportData = spec('GenericObject', 'ExportData');
    expect(normalizeParams(exportData, ['CSV_C'])).toEqual({ ok: true, args: ['CSV_C', '', '', 'A', false] });
    expect(normalizeParams(exportData, ['EXPORT_OOXML', '/qHyperCubeDef', 'x', 0])).toEqual({
      ok: true,
      args: ['OOXML', '/qHyperCubeDef', 'x', 'P', false],
    });
    expect(normalizeParams(spec('Global', 'GetFunctions'), [])).toEqual({ ok: true, args: ['ALL'] });
  });

  it('answers ConfigureReload with a string for a boolean as an invalid parameter', () => {
    expect(normalizeParams(spec('Global', 'ConfigureReload'), ['dummy', true, true])).toEqual({
      ok: false,
      parameter: 'qCancelOnScriptError',
    });
    expect(normalizeParams(spec('Global', 'ConfigureReload'), [true, true, true])).toEqual({
      ok: true,
      args: [true, true, true],
    });
  });

  it('type-checks every parameter without coercion, naming the bad one', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), [42])).toEqual({ ok: false, parameter: 'qDocName' });
    expect(normalizeParams(spec('Global', 'OpenDoc'), ['x', '', '', '', 'false'])).toEqual({
      ok: false,
      parameter: 'qNoData',
    });
    expect(normalizeParams(spec('Doc', 'DoReload'), [1.5])).toEqual({ ok: false, parameter: 'qMode' });
    expect(normalizeParams(spec('Doc', 'DoReload'), ['1'])).toEqual({ ok: false, parameter: 'qMode' });
    expect(normalizeParams(spec('Global', 'AbortRequest'), [0])).toEqual({ ok: true, args: [0] });
    expect(normalizeParams(spec('Doc', 'CreateObject'), [[]])).toEqual({ ok: false, parameter: 'qProp' });
    expect(normalizeParams(spec('Doc', 'CreateObject'), ['{}'])).toEqual({ ok: false, parameter: 'qProp' });
    expect(normalizeParams(spec('GenericVariable', 'SetNumValue'), [2.5])).toEqual({ ok: true, args: [2.5] });
    expect(normalizeParams(spec('GenericVariable', 'SetNumValue'), ['2.5'])).toEqual({ ok: false, parameter: 'qVal' });
  });

  it('checks scalar array elements', () => {
    const select = spec('GenericObject', 'SelectListObjectValues');
    expect(normalizeParams(select, ['/qListObjectDef', [0, 2], false])).toEqual({
      ok: true,
      args: ['/qListObjectDef', [0, 2], false, false],
    });
    expect(normalizeParams(select, ['/qListObjectDef', {}, false])).toEqual({ ok: false, parameter: 'qValues' });
    expect(normalizeParams(select, ['/qListObjectDef', ['0'], false])).toEqual({ ok: false, parameter: 'qValues' });
  });

  it('takes null as omitted for optional parameters and as empty for required structs and arrays', () => {
    // enigma.js serialises an undefined argument as null; enigma-go sends nil pointers and slices as null.
    expect(normalizeParams(spec('Global', 'OpenDoc'), ['x', null, null, null, null])).toEqual({
      ok: true,
      args: ['x', '', '', '', false],
    });
    expect(normalizeParams(spec('Doc', 'GetObjects'), [null])).toEqual({ ok: true, args: [{}] });
    expect(normalizeParams(spec('GenericObject', 'GetHyperCubeData'), ['/qHyperCubeDef', null])).toEqual({
      ok: true,
      args: ['/qHyperCubeDef', []],
    });
    expect(normalizeParams(spec('Global', 'OpenDoc'), [null])).toEqual({ ok: false, parameter: 'qDocName' });
  });

  it('ignores positional values beyond the schema', () => {
    expect(normalizeParams(spec('Global', 'OpenDoc'), ['x', '', '', '', false, 'extra', 1])).toEqual({
      ok: true,
      args: ['x', '', '', '', false],
    });
    expect(normalizeParams(spec('Global', 'EngineVersion'), [1])).toEqual({ ok: true, args: [] });
  });

  it('requires a positional value for a required parameter that follows optional ones', () => {
    const tables = spec('Doc', 'GetDatabaseTableFields');
    expect(tables.params.map((p) => `${p.name}${p.optional ? '?' : ''}`)).toEqual([
      'qConnectionId',
      'qDatabase?',
      'qOwner?',
      'qTable',
    ]);
    expect(normalizeParams(tables, ['c'])).toEqual({ ok: false, parameter: 'qTable' });
    expect(normalizeParams(tables, { qConnectionId: 'c', qTable: 't' })).toEqual({
      ok: true,
      args: ['c', '', '', 't'],
    });
  });

  it('hands out a fresh copy of a struct or array default each time', () => {
    const clear = spec('GenericObject', 'ClearSelections');
    const first = normalizeParams(clear, ['/qListObjectDef']);
    if (!first.ok) throw new Error('expected ok');
    (first.args[1] as number[]).push(3);
    expect(normalizeParams(clear, ['/qListObjectDef'])).toEqual({ ok: true, args: ['/qListObjectDef', []] });
  });

  it('passes anything for the untyped parameters of methods only the npm schema knows', () => {
    expect(normalizeParams(spec('Global', 'ImportApp'), ['a', 'b', ['x']])).toEqual({
      ok: true,
      args: ['a', 'b', ['x']],
    });
  });
});

describe('enumValues and normalizeEnum', () => {
  it('exposes schema enums with numeric const, short title and long name', () => {
    expect(enumValues('NxHypercubeMode')).toEqual([
      { value: 0, short: 'S', long: 'DATA_MODE_STRAIGHT' },
      { value: 1, short: 'P', long: 'DATA_MODE_PIVOT' },
      { value: 2, short: 'K', long: 'DATA_MODE_PIVOT_STACK' },
      { value: 3, short: 'T', long: 'DATA_MODE_TREE' },
      { value: 4, short: 'D', long: 'DATA_MODE_DYNAMIC' },
    ]);
    expect(enumValues('StateEnumType')?.map((m) => m.short)).toEqual([
      'L',
      'S',
      'O',
      'D',
      'A',
      'X',
      'XS',
      'XL',
      'NSTATES',
    ]);
  });

  it('exposes enums only a parameter description defines', () => {
    const command = spec('Doc', 'SendGenericCommandToCustomConnector').params.find((p) => p.name === 'qCommand');
    expect(command?.enum).toBeDefined();
    expect(enumValues(command?.enum ?? '')?.map((m) => m.short)).toContain('JsonRequest');
  });

  it('returns undefined for unknown enums', () => {
    expect(enumValues('NoSuchEnum')).toBeUndefined();
    expect(enumValues('toString')).toBeUndefined();
  });

  it('normalises property enums the way examples write them', () => {
    expect(normalizeEnum('NxHypercubeMode', 'EQ_DATA_MODE_PIVOT')).toBe('P');
    expect(normalizeEnum('NxHypercubeMode', 'DATA_MODE_PIVOT')).toBe('P');
    expect(normalizeEnum('NxHypercubeMode', 1)).toBe('P');
    expect(normalizeEnum('NxHypercubeMode', 'P')).toBe('P');
    expect(normalizeEnum('OtherMode', 'OTHER_OFF')).toBe('OTHER_OFF');
    expect(normalizeEnum('NxHypercubeMode', 'pivot')).toBeUndefined();
    expect(normalizeEnum('NoSuchEnum', 0)).toBeUndefined();
  });
});
