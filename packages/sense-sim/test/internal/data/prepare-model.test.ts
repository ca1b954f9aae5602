import { describe, expect, it } from 'vitest';
import { DataEngine, isModelPrepared, prepareModel } from '../../../src/internal/data/data-engine.js';
import { compareText } from '../../../src/internal/data/expressions/value-ops.js';
import {
  type AssociativeModel,
  buildAssociativeModel,
  EAGER_TEXT_RANK_CARDINAL,
} from '../../../src/internal/data/model/associative-model.js';
import { type Cell, type LoadedModel, numberDual, textDual } from '../../../src/internal/data/model/loaded-model.js';
import { dataTableOf } from '../../../src/internal/data/model/table-rows.js';
import { numberShard, textShard, ValueIndex } from '../../../src/internal/data/model/value-index.js';
import { rankSteps, runSteps, type WorkPacer } from '../../../src/internal/data/model/work-steps.js';
import { loadedModel, salesModel } from './model-fixtures.js';

/** A pacer that pauses at every offer, counting the pauses; `stopAfter` pauses it throws. */
function countingPacer(stopAfter = Number.POSITIVE_INFINITY): WorkPacer & { pauses: number } {
  const pacer = {
    pauses: 0,
    due: () => true,
    pause: async () => {
      pacer.pauses++;
      if (pacer.pauses >= stopAfter) throw new Error('stopped');
    },
  };
  return pacer;
}

/** A table big enough for many steps, with a text field past the eager text-rank size. */
function bigModel(rows = EAGER_TEXT_RANK_CARDINAL + 5_000): LoadedModel {
  const data: Cell[][] = [];
  for (let i = 0; i < rows; i++) {
    data.push([numberDual(i), textDual(`Name ${(i * 7919) % rows}`), i % 3 === 0 ? null : numberDual(i % 10)]);
  }
  return {
    tables: [dataTableOf('T', ['Id', 'Name', 'D'], data)],
    fieldComments: new Map(),
    fieldTags: new Map([['D', ['$dimension']]]),
    variables: new Map([['HidePrefix', '_']]),
    lineage: [],
  };
}

/** The observable content of a model, for comparing two builds. */
function summary(model: AssociativeModel): unknown {
  return {
    fields: model.fields.map((field) => ({
      name: field.name,
      values: field.values,
      nums: Array.from(field.nums),
      tables: field.tables,
      tags: field.tags,
      kind: field.kind,
      hidden: field.isHidden,
    })),
    tables: model.tables.map((table) => ({
      name: table.name,
      rows: table.rowCount,
      fields: table.fields,
      columns: table.columns.map((column) => Array.from(column)),
    })),
    links: model.links,
  };
}

describe('prepareModel (the paced model build of a reload)', () => {
  it('builds the same model as the straight build, pausing as it goes', async () => {
    const loaded = bigModel();
    const pacer = countingPacer();
    const paced = await prepareModel(loaded, pacer);
    expect(pacer.pauses).toBeGreaterThan(10);
    expect(summary(paced)).toEqual(summary(buildAssociativeModel(bigModel())));
  });

  it('ranks a big text field while building, as the on-demand ranking would', async () => {
    const loaded = bigModel();
    const name = (await prepareModel(loaded, countingPacer())).field('Name');
    const texts = name?.values.map((value) => value.text) ?? [];
    const order = texts.map((_, i) => i).sort((a, b) => compareText(texts[a] ?? '', texts[b] ?? '') || a - b);
    const expected = new Int32Array(texts.length);
    order.forEach((elem, rank) => {
      expected[elem] = rank;
    });
    expect(name?.textRank()).toEqual(expected);
  });

  it('is what every data engine over the same reload uses: one build, shared', async () => {
    const loaded = salesModel();
    expect(isModelPrepared(loaded)).toBe(false);
    const model = await prepareModel(loaded, countingPacer());
    expect(isModelPrepared(loaded)).toBe(true);
    const first = new DataEngine(loaded);
    const second = new DataEngine(loaded);
    expect(first.model).toBe(model);
    expect(second.model).toBe(model);
    // Selections stay per engine (per session).
    expect(first.fieldSelector('Customer')?.selectValues([{ qText: 'Alice' }])).toBe(true);
    expect(first.state()?.selectedFields()).toHaveLength(1);
    expect(second.state()?.selectedFields()).toEqual([]);
  });

  it('keeps nothing when the build is stopped (an aborted reload)', async () => {
    const loaded = bigModel();
    await expect(prepareModel(loaded, countingPacer(3))).rejects.toThrow('stopped');
    expect(isModelPrepared(loaded)).toBe(false);
  });

  it('still builds small models on first use', () => {
    const loaded = loadedModel([{ name: 'T', fields: ['A'], rows: [['x'], ['y']] }]);
    expect(new DataEngine(loaded).model.field('A')?.cardinal).toBe(2);
    expect(isModelPrepared(loaded)).toBe(true);
  });
});

describe('rankSteps', () => {
  it('ranks like a native sort, whatever the size', () => {
    for (const n of [0, 1, 2, 3, 7, 100, 4097, 10_000]) {
      const keys = Array.from({ length: n }, (_, i) => (i * 7919) % 97);
      const compare = (a: number, b: number): number => (keys[a] as number) - (keys[b] as number) || a - b;
      const order = keys.map((_, i) => i).sort(compare);
      const expected = new Int32Array(n);
      order.forEach((elem, rank) => {
        expected[elem] = rank;
      });
      expect(runSteps(rankSteps(n, compare))).toEqual(expected);
    }
  });
});

describe('ValueIndex (a field symbol table index that never rehashes millions of entries at once)', () => {
  it('finds every key before and after it spreads over shards', () => {
    const numbers = new ValueIndex<number>(numberShard);
    const texts = new ValueIndex<string>(textShard);
    const n = 70_000;
    for (let i = 0; i < n; i++) {
      numbers.set(i % 2 === 0 ? i : i + 0.25, i);
      texts.set(`Customer ${i}`, i);
    }
    for (let i = 0; i < n; i += 997) {
      expect(numbers.get(i % 2 === 0 ? i : i + 0.25)).toBe(i);
      expect(texts.get(`Customer ${i}`)).toBe(i);
    }
    expect(numbers.get(-0)).toBe(0);
    expect(numbers.get(1)).toBeUndefined();
    expect(texts.get('Customer x')).toBeUndefined();
  });
});
