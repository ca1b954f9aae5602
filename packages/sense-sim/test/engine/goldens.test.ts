import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import {
  dimensionAbcs,
  golden,
  measureSumNumbers,
  nestedSheetTree,
  objectUsingInline,
  variable,
} from '../internal/engine/layout/corectl-inputs.js';
import { firstShapeMismatch, LAYOUT_DATA_KEYS, LAYOUT_OPAQUE_KEYS } from '../internal/engine/layout/shape-compare.js';
import { openEnigma, type Qix } from './engine-helpers.js';

/** Values only data can decide (no data is loaded here): their types are compared, not their values. */
const DATA = {
  dataKeys: new Set([...LAYOUT_DATA_KEYS, 'qFallbackTitle', 'qSortIndicator', 'qDimensionType']),
  opaqueKeys: new Set([...LAYOUT_OPAQUE_KEYS, 'qDataPages']),
};

/**
 * The corectl integration tests created these entities on a real engine (qlikcore 12.1050) and
 * recorded what GetProperties / GetLayout / GetFullPropertyTree answered. Here the same entities
 * go through plain enigma.js to the simulator's engine, and the answers must have the same keys,
 * in the same order, with the same value types.
 */
describe('engine answers match real-engine goldens (through plain enigma.js)', () => {
  let sim: Simulator;
  let close: () => Promise<void>;
  let app: Qix;
  beforeAll(async () => {
    sim = await createSimulator();
    const opened = await openEnigma(sim);
    app = (await opened.global.createSessionApp()) as Qix;
    close = () => opened.session.close();
  });
  afterAll(async () => {
    await close();
    await sim.close();
  });

  it('generic object: GetProperties and GetLayout of object-using-inline', async () => {
    const obj = (await app.createObject(objectUsingInline)) as Qix;
    const props = await obj.getProperties();
    expect(
      firstShapeMismatch(props, golden('TestObjectManagementCommands_object_properties_object-using-inline')),
    ).toBe(undefined);
    const layout = await obj.getLayout();
    expect(
      firstShapeMismatch(layout, golden('TestObjectManagementCommands_object_layout_object-using-inline'), DATA),
    ).toBe(undefined);
  });

  it('master measure: properties and layout', async () => {
    const measure = (await app.createMeasure(measureSumNumbers)) as Qix;
    expect(
      firstShapeMismatch(
        await measure.getProperties(),
        golden('TestMeasureManagementCommands_measure_properties_measure-sum-numbers'),
      ),
    ).toBe(undefined);
    expect(
      firstShapeMismatch(
        await measure.getLayout(),
        golden('TestMeasureManagementCommands_measure_layout_measure-sum-numbers'),
      ),
    ).toBe(undefined);
  });

  it('master dimension: properties and layout', async () => {
    const dimension = (await app.createDimension(dimensionAbcs)) as Qix;
    expect(
      firstShapeMismatch(
        await dimension.getProperties(),
        golden('TestDimensionManagementCommands_dimension_properties_dimension-abcs'),
      ),
    ).toBe(undefined);
    expect(
      firstShapeMismatch(
        await dimension.getLayout(),
        golden('TestDimensionManagementCommands_dimension_layout_dimension-abcs'),
        DATA,
      ),
    ).toBe(undefined);
  });

  it('variables: properties and layout', async () => {
    const abc = (await app.createVariableEx(variable('variable-abc'))) as Qix;
    const xyz = (await app.createVariableEx(variable('variable-xyz'))) as Qix;
    expect(
      firstShapeMismatch(
        await abc.getProperties(),
        golden('TestVariableManagementCommands_variable_properties_variable-abc'),
      ),
    ).toBe(undefined);
    expect(
      firstShapeMismatch(await xyz.getLayout(), golden('TestVariableManagementCommands_variable_layout_variable-xyz')),
    ).toBe(undefined);
  });

  it('a sheet with children: GetFullPropertyTree after SetFullPropertyTree', async () => {
    const tree = nestedSheetTree as { qProperty: Record<string, unknown> };
    const sheet = (await app.createObject(tree.qProperty)) as Qix;
    await sheet.setFullPropertyTree(nestedSheetTree);
    const actual = await sheet.getFullPropertyTree();
    expect(
      firstShapeMismatch(
        actual,
        golden('TestGetFullPropertyTree_object_properties_a699ee97-152d-4470-9655-ae7c82d71491_--full'),
      ),
    ).toBe(undefined);
  });

  it('with the data of the corectl project loaded, the hypercube layout equals the real engine recording', async () => {
    // corectl's using-entities project: TableA (numbers, abcs) and TableB (numbers, xyz), 5 rows each
    // (TestBasicAnalyzing_fields/_tables goldens: xyz is y(3x), x, z; abcs is b(3x), a, c).
    const loaded = (await (await openEnigma(sim)).global.createSessionApp()) as Qix;
    await loaded.setScript(
      [
        'TableA: LOAD * INLINE [',
        'numbers, abcs',
        '1, a',
        '2, b',
        '3, b',
        '4, b',
        '5, c',
        '];',
        'TableB: LOAD * INLINE [',
        'numbers, xyz',
        '1, x',
        '2, y',
        '3, y',
        '4, y',
        '5, z',
        '];',
      ].join('\n'),
    );
    expect(await loaded.doReload()).toBe(true);
    const obj = (await loaded.createObject(objectUsingInline)) as Qix;
    expect(await obj.getLayout()).toEqual(golden('TestObjectManagementCommands_object_layout_object-using-inline'));
    const fields = (await loaded.createSessionObject({ qInfo: { qType: 'fl' }, qFieldListDef: {} })) as Qix;
    const tags = Object.fromEntries(
      (await fields.getLayout()).qFieldList.qItems.map((f: { qName: string; qTags: string[] }) => [f.qName, f.qTags]),
    );
    expect(tags).toEqual({
      numbers: ['$key', '$numeric', '$integer'],
      abcs: ['$ascii', '$text'],
      xyz: ['$ascii', '$text'],
    });
  });
});
