import { describe, expect, it } from 'vitest';
import { DataEngine, type FieldSelector } from '../../../../src/internal/data/data-engine.js';
import { STATE_LETTERS } from '../../../../src/internal/data/selections/field-value-states.js';
import { loadedModel, salesModel } from '../model-fixtures.js';

/** `value:state` for every value of a field, in load order. */
function states(engine: DataEngine, field: string, stateName = '$'): string[] {
  const f = engine.model.field(field);
  const state = engine.state(stateName);
  if (!f || !state) throw new Error(`no field ${field}`);
  const codes = state.fieldStates(f.index);
  return f.values.map((value, i) => `${value.text}:${STATE_LETTERS[codes[i] ?? 0]}`);
}

function field(engine: DataEngine, name: string, stateName = '$'): FieldSelector {
  const selector = engine.fieldSelector(name, stateName);
  if (!selector) throw new Error(`no field ${name}`);
  return selector;
}

describe('associative selection states', () => {
  it('starts with every value optional', () => {
    const engine = new DataEngine(salesModel());
    expect(states(engine, 'Customer')).toEqual(['Alice:O', 'Bob:O', 'Carol:O', 'Dave:O']);
  });

  it('propagates a selection across key fields to other tables', () => {
    const engine = new DataEngine(salesModel());
    expect(field(engine, 'Customer').selectValues([{ qText: 'Alice' }])).toBe(true);
    // Alice's orders are 1, 2 and 7 (products P1, P2 and the unknown P9; years 2023 and 2024).
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:A', 'Carol:A', 'Dave:A']);
    expect(states(engine, 'Product')).toEqual(['Apple:O', 'Banana:O', 'Cherry:X']);
    expect(states(engine, 'ProductID')).toEqual(['P1:O', 'P2:O', 'P3:X', 'P9:O']);
    expect(states(engine, 'Country')).toEqual(['Sweden:O', 'Norway:X', 'Denmark:X']);
    expect(states(engine, 'OrderID')).toEqual(['1:O', '2:O', '3:X', '4:X', '5:X', '6:X', '7:O']);
  });

  it('excludes orphan key values once something is selected', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Year').selectValues([{ qIsNumeric: true, qNumber: 2024 }]);
    // Dave has no orders at all, so any selection excludes him.
    expect(states(engine, 'Customer')).toEqual(['Alice:O', 'Bob:O', 'Carol:O', 'Dave:X']);
    expect(states(engine, 'Product')).toEqual(['Apple:O', 'Banana:O', 'Cherry:X']);
  });

  it('shows alternatives, and selected values other selections exclude as XS', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }, { qText: 'Bob' }]);
    field(engine, 'Product').selectValues([{ qText: 'Apple' }, { qText: 'Cherry' }]);
    // Only Carol bought Cherry: it stays selected but is excluded by the Customer selection.
    expect(states(engine, 'Product')).toEqual(['Apple:S', 'Banana:A', 'Cherry:XS']);
    // Carol would be possible without the Customer selection (she bought Apple); Dave never.
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:S', 'Carol:A', 'Dave:X']);
    expect(states(engine, 'Country')).toEqual(['Sweden:O', 'Norway:O', 'Denmark:X']);
  });

  it('clears conflicting selections when only excluded values are selected', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    field(engine, 'Product').selectValues([{ qText: 'Cherry' }]);
    expect(states(engine, 'Customer')).toEqual(['Alice:X', 'Bob:X', 'Carol:O', 'Dave:X']);
    expect(states(engine, 'Product')).toEqual(['Apple:A', 'Banana:A', 'Cherry:S']);
  });

  it('reports whether a call changed the selection, and toggles', () => {
    const engine = new DataEngine(salesModel());
    const customer = field(engine, 'Customer');
    expect(customer.lowLevelSelect([0, 1])).toBe(true);
    expect(customer.lowLevelSelect([1, 0])).toBe(false);
    expect(customer.lowLevelSelect([1], true)).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:A', 'Carol:A', 'Dave:A']);
    expect(customer.clear()).toBe(true);
    expect(customer.clear()).toBe(false);
  });

  it('selects by search strings: wildcards, numeric ranges and conditions', () => {
    const engine = new DataEngine(salesModel());
    expect(field(engine, 'Customer').select('*o*')).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:A', 'Bob:S', 'Carol:S', 'Dave:A']);
    engine.clearAll();
    field(engine, 'Quantity').select('>=3<5');
    expect(states(engine, 'Quantity')).toEqual(['2:A', '1:A', '5:A', '3:S', '4:S']);
    engine.clearAll();
    field(engine, 'Customer').select('=Sum(Quantity) > 5');
    expect(states(engine, 'Customer')).toEqual(['Alice:A', 'Bob:S', 'Carol:A', 'Dave:A']);
    expect(field(engine, 'Customer').select('nobody')).toBe(false);
  });

  it('selects all, possible, excluded and alternative values', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Country').selectValues([{ qText: 'Sweden' }]);
    const customer = field(engine, 'Customer');
    expect(customer.selectPossible()).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:X', 'Carol:S', 'Dave:X']);
    expect(customer.selectExcluded()).toBe(true);
    // Bob and Dave are excluded by Sweden: selecting them clears the conflicting Country selection.
    expect(states(engine, 'Customer')).toEqual(['Alice:A', 'Bob:S', 'Carol:A', 'Dave:S']);
    expect(customer.selectAlternative()).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:A', 'Carol:S', 'Dave:A']);
    expect(customer.selectAll()).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:S', 'Carol:S', 'Dave:S']);
    expect(customer.getCardinal()).toBe(4);
  });

  it('locks: no selections in a locked field unless soft-locked, ClearAll keeps them', () => {
    const engine = new DataEngine(salesModel());
    const customer = field(engine, 'Customer');
    customer.selectValues([{ qText: 'Alice' }, { qText: 'Bob' }]);
    expect(customer.lock()).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:L', 'Bob:L', 'Carol:A', 'Dave:A']);
    expect(customer.selectValues([{ qText: 'Carol' }])).toBe(false);
    expect(customer.clear()).toBe(false);
    // Cherry was only bought by Carol: the locked selection stays, now excluded.
    field(engine, 'Product').selectValues([{ qText: 'Cherry' }]);
    expect(states(engine, 'Customer')).toEqual(['Alice:XL', 'Bob:XL', 'Carol:A', 'Dave:X']);
    expect(engine.clearAll()).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:L', 'Bob:L', 'Carol:A', 'Dave:A']);
    expect(customer.selectValues([{ qText: 'Carol' }], false, true)).toBe(true);
    expect(engine.clearAll(true)).toBe(true);
    expect(states(engine, 'Customer')).toEqual(['Alice:O', 'Bob:O', 'Carol:O', 'Dave:O']);
    expect(customer.unlock()).toBe(false);
  });

  it('LockAll and UnlockAll', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    const state = engine.requireState();
    expect(state.lockAll()).toBe(true);
    expect(states(engine, 'Customer')[0]).toBe('Alice:L');
    expect(state.unlockAll()).toBe(true);
    expect(states(engine, 'Customer')[0]).toBe('Alice:S');
  });

  it('ClearAllButThis keeps only this field', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Year').selectValues([{ qText: '2023' }]);
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    expect(field(engine, 'Customer').clearAllButThis()).toBe(true);
    expect(
      engine
        .requireState()
        .selectedFields()
        .map((f) => engine.model.fields[f]?.name),
    ).toEqual(['Customer']);
  });

  it('steps Back and Forward through the history', () => {
    const engine = new DataEngine(salesModel());
    const state = engine.requireState();
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    field(engine, 'Year').selectValues([{ qText: '2023' }]);
    expect(state.backCount).toBe(2);
    expect(state.stepBack()).toBe(true);
    expect(state.selectedFields().length).toBe(1);
    expect(state.stepBack()).toBe(true);
    expect(state.selectedFields().length).toBe(0);
    expect(state.stepBack()).toBe(false);
    expect(state.forwardCount).toBe(2);
    expect(state.stepForward()).toBe(true);
    expect(states(engine, 'Customer')[0]).toBe('Alice:S');
    field(engine, 'Country').selectValues([{ qText: 'Sweden' }]);
    expect(state.forwardCount).toBe(0);
  });

  it('keeps alternate states independent', () => {
    const engine = new DataEngine(salesModel());
    expect(engine.addState('Compare')).toBe(true);
    field(engine, 'Customer', 'Compare').selectValues([{ qText: 'Bob' }]);
    expect(states(engine, 'Customer', 'Compare')).toEqual(['Alice:A', 'Bob:S', 'Carol:A', 'Dave:A']);
    expect(states(engine, 'Customer')).toEqual(['Alice:O', 'Bob:O', 'Carol:O', 'Dave:O']);
    expect(engine.alternateStates()).toEqual(['Compare']);
  });
});

describe('propagation along a chain of tables', () => {
  // A —K— B —L— C, and an island D. A has a K that B lacks; C has an L that B lacks.
  function chain(): DataEngine {
    return new DataEngine(
      loadedModel([
        {
          name: 'A',
          fields: ['K', 'X'],
          rows: [
            ['k1', 'x1'],
            ['k2', 'x2'],
            ['k9', 'x9'],
          ],
        },
        {
          name: 'B',
          fields: ['K', 'L'],
          rows: [
            ['k1', 'l1'],
            ['k2', 'l2'],
            ['k2', 'l3'],
          ],
        },
        {
          name: 'C',
          fields: ['L', 'Y'],
          rows: [
            ['l1', 'y1'],
            ['l2', 'y2'],
            ['l3', 'y3'],
            ['l8', 'y8'],
          ],
        },
        { name: 'D', fields: ['Z'], rows: [['z1'], ['z2']] },
      ]),
    );
  }

  it('restricts tables two links away, but not the side a restriction came from', () => {
    const engine = chain();
    field(engine, 'X').selectValues([{ qText: 'x9' }]);
    // k9 has no partner in B: everything beyond A is excluded, while x9 itself stays selected.
    expect(states(engine, 'X')).toEqual(['x1:A', 'x2:A', 'x9:S']);
    expect(states(engine, 'Y')).toEqual(['y1:X', 'y2:X', 'y3:X', 'y8:X']);
    engine.clearAll();
    field(engine, 'Y').selectValues([{ qText: 'y3' }]);
    expect(states(engine, 'X')).toEqual(['x1:X', 'x2:O', 'x9:X']);
    expect(states(engine, 'K')).toEqual(['k1:X', 'k2:O', 'k9:X']);
    expect(states(engine, 'Z')).toEqual(['z1:O', 'z2:O']);
  });

  it('combines selections on both ends', () => {
    const engine = chain();
    field(engine, 'X').selectValues([{ qText: 'x2' }]);
    field(engine, 'Y').selectValues([{ qText: 'y2' }, { qText: 'y1' }]);
    expect(states(engine, 'L')).toEqual(['l1:X', 'l2:O', 'l3:X', 'l8:X']);
    expect(states(engine, 'Y')).toEqual(['y1:XS', 'y2:S', 'y3:A', 'y8:X']);
  });
});

describe('qSelectionObject', () => {
  it('lists the selected fields with texts, counts and locks', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Customer').selectValues([{ qText: 'Bob' }, { qText: 'Alice' }]);
    field(engine, 'OrderID').select('*');
    field(engine, 'Customer').lock();
    const layout = engine.selectionObject();
    // The OrderID selection (Alice's and Bob's orders) excludes Carol and Dave, even as alternatives.
    expect(layout.qBackCount).toBe(3);
    expect(layout.qForwardCount).toBe(0);
    expect(layout.qSelections[0]).toEqual({
      qTotal: 4,
      qField: 'Customer',
      qLocked: true,
      qSelectedCount: 2,
      qSelected: 'Alice, Bob',
      qRangeInfo: [],
      qSortIndex: 0,
      qStateCounts: {
        qLocked: 2,
        qSelected: 0,
        qOption: 0,
        qDeselected: 0,
        qAlternative: 0,
        qExcluded: 2,
        qSelectedExcluded: 0,
        qLockedExcluded: 0,
      },
      qSelectedFieldSelectionInfo: [
        { qName: 'Alice', qFieldSelectionMode: 'NORMAL' },
        { qName: 'Bob', qFieldSelectionMode: 'NORMAL' },
      ],
      qNotSelectedFieldSelectionInfo: [],
      qSelectionThreshold: 6,
    });
    // Alice and Bob have orders 1, 2, 3, 6, 7: more than six would be counted, five are listed.
    expect(layout.qSelections[1]?.qField).toBe('OrderID');
    expect(layout.qSelections[1]?.qIsNum).toBe(true);
    expect(layout.qSelections[1]?.qSelected).toBe('1, 2, 3, 6, 7');
  });
});

describe('computing against the selections of an earlier moment', () => {
  it('computes with the marked selections of every state, then puts the current ones and their caches back', () => {
    const engine = new DataEngine(salesModel());
    engine.addState('B');
    field(engine, 'Customer', 'B').selectValues([{ qText: 'Bob' }]);
    const mark = engine.mark();
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    field(engine, 'Customer', 'B').selectValues([{ qText: 'Carol' }]);
    const now = engine.state('$')?.rowMasks();

    const then = engine.computeAt(mark, () => ({
      customer: states(engine, 'Customer'),
      customerB: states(engine, 'Customer', 'B'),
      total: engine.evaluate('=Count(OrderID)'),
    }));
    expect(then.customer).toEqual(['Alice:O', 'Bob:O', 'Carol:O', 'Dave:O']);
    expect(then.customerB).toEqual(['Alice:A', 'Bob:S', 'Carol:A', 'Dave:A']);
    expect(then.total.qNumber).toBe(7);

    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:A', 'Carol:A', 'Dave:A']);
    expect(states(engine, 'Customer', 'B')).toEqual(['Alice:A', 'Bob:A', 'Carol:S', 'Dave:A']);
    // The current state's caches are the ones it had: nothing was recomputed for it.
    expect(engine.state('$')?.rowMasks()).toBe(now);
    expect(engine.evaluate('=Count(OrderID)').qNumber).toBe(3);
  });

  it('puts the current selections back when the calculation throws', () => {
    const engine = new DataEngine(salesModel());
    const mark = engine.mark();
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    expect(() =>
      engine.computeAt(mark, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(states(engine, 'Customer')).toEqual(['Alice:S', 'Bob:A', 'Carol:A', 'Dave:A']);
  });

  it('runs the calculation as is when nothing changed since the mark', () => {
    const engine = new DataEngine(salesModel());
    field(engine, 'Customer').selectValues([{ qText: 'Alice' }]);
    const masks = engine.state('$')?.rowMasks();
    const mark = engine.mark();
    expect(engine.computeAt(mark, () => engine.state('$')?.rowMasks())).toBe(masks);
  });
});
