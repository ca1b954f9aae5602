import type { ChartContext } from '../expressions/chart-context.js';
import { ChartEvaluator } from '../expressions/chart-evaluator.js';
import { parseChartExpression } from '../expressions/chart-expression.js';
import { groupsOf } from '../expressions/chart-groups.js';
import { ExpressionError } from '../expressions/expression-error.js';
import { toNumber } from '../expressions/value-ops.js';
import { applyNumFormat, isFixedFormat } from '../formats/apply-num-format.js';
import { asRecord, asRecords, asStrings, asText, type JsonRecord, nxNumber } from '../json-record.js';
import type { ModelField } from '../model/associative-model.js';
import type { Cell } from '../model/loaded-model.js';
import { STATE, STATE_LETTERS } from '../selections/field-value-states.js';
import { dimensionFacts, frequencies } from './hypercube-data.js';
import type {
  CellState,
  DimensionFacts,
  LayoutDataView,
  LibraryItems,
  MeasureFacts,
  NxCell,
  Rect,
} from './hypercube-shape.js';
import { emptyDimensionFacts } from './hypercube-shape.js';
import { elementComparator, type SortInputs } from './sort-values.js';

// What a list object sorts by when its definition gives no criteria: selected values first, then
// numbers and texts in order (the brief for the simulator; Qlik clients send these explicitly).
const DEFAULT_CRITERIA: JsonRecord = { qSortByState: 1, qSortByNumeric: 1, qSortByAscii: 1 };

/**
 * The data of a list object for a defaulted ListObjectDef in one selection state: every value of
 * the field with its state (S, O, A, X, L, XS, XL), sorted as the definition says, with frequencies
 * (`qFrequencyMode`) and the values of `qExpressions` per value in `qAttrExps`.
 * `qShowAlternatives: false` shows alternative values as excluded (state counts keep them as A).
 *
 * @example
 * const data = new ListObjectData({ qDef: { qFieldDefs: ['Alpha'] } }, ctx);
 * data.page({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 3 })[0]; // [{ qText: 'A', qNum: 'NaN', qElemNumber: 0, qState: 'S' }]
 */
export class ListObjectData implements LayoutDataView {
  readonly errors: string[] = [];
  /** The field listed, when it exists. */
  readonly field: ModelField | undefined;
  private readonly ctx: ChartContext;
  private readonly order: Int32Array;
  private readonly states: Uint8Array;
  private readonly showAlternatives: boolean;
  private readonly frequencyMode: string;
  private readonly counts: Uint32Array | undefined;
  private readonly expressionValues: Cell[][];
  private readonly presentation: Readonly<JsonRecord> | undefined;

  constructor(def: Readonly<JsonRecord>, ctx: ChartContext, library?: LibraryItems) {
    this.ctx = ctx;
    const inline = asRecord(def.qDef);
    const libraryId = asText(def.qLibraryId);
    const master = libraryId === '' ? undefined : library?.dimension(libraryId);
    const source = master ?? inline;
    const fieldDefs = asStrings(source.qFieldDefs);
    const active =
      asText(source.qGrouping) === 'C' && typeof inline.qActiveField === 'number' ? inline.qActiveField : 0;
    const fieldDef = (fieldDefs[active] ?? fieldDefs[0] ?? '').trim();
    if (fieldDef.startsWith('=')) this.errors.push(`calculated dimension ${fieldDef} is not supported in list objects`);
    this.field = fieldDef.startsWith('=') ? undefined : ctx.model.field(fieldDef.replace(/^\[(.*)\]$/, '$1'));
    if (libraryId !== '' && !master) this.errors.push(`master dimension ${libraryId} not found`);
    else if (!this.field && !fieldDef.startsWith('=')) this.errors.push(`field ${fieldDef} not found`);
    this.showAlternatives = def.qShowAlternatives === true;
    this.frequencyMode = frequencyMode(def.qFrequencyMode);
    const presentation = asRecords(inline.qNumberPresentations)[active];
    this.presentation = isFixedFormat(presentation) ? presentation : undefined;
    const field = this.field;
    if (!field) {
      this.order = new Int32Array(0);
      this.states = new Uint8Array(0);
      this.expressionValues = [];
      return;
    }
    this.states = ctx.base.fieldStates(field.index);
    const table = field.tables[0] ?? 0;
    const needsCounts = this.frequencyMode !== 'N';
    this.counts = needsCounts ? frequencies(field, table, ctx.base.rowMasks()) : undefined;
    const all = Int32Array.from({ length: field.cardinal }, (_, i) => i);
    const groups = groupsOf([{ field, table }], [all], all.length);
    const evaluate = (text: string): Cell[] => {
      try {
        return new ChartEvaluator(ctx, groups).evaluate(parseChartExpression(text, ctx));
      } catch (caught) {
        if (!(caught instanceof ExpressionError)) throw caught;
        this.errors.push(caught.message);
        return new Array<Cell>(field.cardinal).fill({ text: caught.message, num: Number.NaN });
      }
    };
    this.expressionValues = asRecords(def.qExpressions)
      .map((expression) => asText(expression.qExpr))
      .filter((text) => text.trim() !== '')
      .map(evaluate);
    const criteriaList = asRecords(inline.qSortCriterias);
    let criteria: Readonly<JsonRecord> = criteriaList[active] ?? criteriaList[0] ?? DEFAULT_CRITERIA;
    const autoSort = asRecord(def.qAutoSortByState).qDisplayNumberOfRows;
    if (typeof autoSort === 'number' && autoSort > 0 && field.cardinal > autoSort && !criteria.qSortByState) {
      criteria = { ...criteria, qSortByState: 1 };
    }
    const inputs: SortInputs = {
      states: this.states,
      frequency: () => this.counts ?? frequencies(field, table, ctx.base.rowMasks()),
      expression: (c) => {
        const text = asText(asRecord(c.qExpression).qv);
        return text.trim() === '' ? [] : evaluate(text);
      },
    };
    const compare = elementComparator(field, criteria, inputs, inline.qReverseSort === true);
    this.order = Int32Array.from(Array.from(all).sort(compare));
  }

  rowCount(): number {
    return this.order.length;
  }

  dimension(): DimensionFacts {
    if (!this.field) {
      return emptyDimensionFacts();
    }
    return dimensionFacts(this.field, this.ctx);
  }

  measure(): MeasureFacts {
    return { apprMaxGlyphCount: 0, numFormat: { qType: 'U', qnDec: 0, qUseThou: 0 }, min: Number.NaN, max: Number.NaN };
  }

  grandTotal(): NxCell {
    return { qText: '-', qNum: 'NaN', qElemNumber: -1, qState: 'X', qIsTotalCell: true, qIsNull: true };
  }

  page(area: Rect): NxCell[][] {
    const field = this.field;
    if (!field || area.qLeft > 0 || area.qWidth < 1) return [];
    const out: NxCell[][] = [];
    const end = Math.min(area.qTop + area.qHeight, this.order.length);
    const total = this.counts ? this.counts.reduce((a, b) => a + b, 0) : 0;
    const maxCount = this.counts ? this.counts.reduce((a, b) => Math.max(a, b), 0) : 0;
    for (let r = area.qTop; r < end; r++) {
      const elem = this.order[r] as number;
      const value = field.values[elem];
      if (!value) continue;
      let state = this.states[elem] ?? STATE.O;
      if (state === STATE.A && !this.showAlternatives) state = STATE.X;
      const text = this.presentation
        ? (applyNumFormat(value.num, this.presentation, this.ctx.model.settings) ?? value.text)
        : value.text;
      const cell: NxCell = {
        qText: text,
        qNum: nxNumber(value.num),
        qElemNumber: elem,
        qState: STATE_LETTERS[state] as CellState,
      };
      if (this.counts) cell.qFrequency = frequencyText(this.counts[elem] ?? 0, total, maxCount, this.frequencyMode);
      if (this.expressionValues.length > 0) {
        cell.qAttrExps = {
          qValues: this.expressionValues.map((values) => {
            const v = values[elem] ?? null;
            return v === null ? { qText: '', qNum: 'NaN' } : { qText: v.text, qNum: nxNumber(toNumber(v)) };
          }),
        };
      }
      out.push([cell]);
    }
    return out;
  }
}

/** The short title of a frequency mode given as title, long name or number. */
function frequencyMode(value: unknown): string {
  switch (value) {
    case 'V':
    case 'NX_FREQUENCY_VALUE':
    case 1:
      return 'V';
    case 'P':
    case 'NX_FREQUENCY_PERCENT':
    case 2:
      return 'P';
    case 'R':
    case 'NX_FREQUENCY_RELATIVE':
    case 3:
      return 'R';
    default:
      return 'N';
  }
}

function frequencyText(count: number, total: number, max: number, mode: string): string {
  if (mode === 'P') return `${total === 0 ? 0 : Number(((count / total) * 100).toFixed(1))}%`;
  if (mode === 'R') return `${max === 0 ? 0 : Number(((count / max) * 100).toFixed(1))}%`;
  return String(count);
}
