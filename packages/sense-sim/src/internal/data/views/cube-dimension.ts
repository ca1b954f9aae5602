import type { ChartContext } from '../expressions/chart-context.js';
import { ExpressionError } from '../expressions/expression-error.js';
import type { Expression } from '../expressions/script-bridge.js';
import { isFixedFormat } from '../formats/apply-num-format.js';
import { asRecord, asRecords, asStrings, asText, type JsonRecord } from '../json-record.js';
import type { ModelField } from '../model/associative-model.js';
import { STATE } from '../selections/field-value-states.js';
import { calculatedField } from './calculated-dimension.js';
import type { LibraryItems } from './hypercube-shape.js';

/** A dimension of the cube, resolved from its definition (or master item). */
export interface CubeDimension {
  readonly field: ModelField;
  readonly table: number;
  readonly criteria: Readonly<JsonRecord> | undefined;
  readonly reverse: boolean;
  readonly nullSuppression: boolean;
  readonly presentation: Readonly<JsonRecord> | undefined;
  readonly attributes: readonly (Expression | undefined)[];
  /** A calculated dimension (`=expr`): its field is made for the cube and has no selection state. */
  readonly calculated: boolean;
  /** The field of a cyclic or drill-down group in use (`qGroupPos`); 0 otherwise. */
  readonly groupPos: number;
}

/**
 * Resolves an NxDimension (inline or by qLibraryId) to the field the cube groups by: the active
 * field of a cyclic group (qActiveField), of a drill-down group (see {@link activeField}), or a
 * calculated dimension made into a field. Errors go to `errors`; undefined when it cannot be used.
 */
export function resolveDimension(
  def: Readonly<JsonRecord>,
  ctx: ChartContext,
  library: LibraryItems | undefined,
  errors: string[],
  parseOptional: (text: string) => Expression | undefined,
): CubeDimension | undefined {
  const inline = asRecord(def.qDef);
  const libraryId = asText(def.qLibraryId);
  const master = libraryId === '' ? undefined : library?.dimension(libraryId);
  if (libraryId !== '' && !master) {
    errors.push(`master dimension ${libraryId} not found`);
    return undefined;
  }
  const source = master ?? inline;
  const fieldDefs = asStrings(source.qFieldDefs);
  const grouping = asText(source.qGrouping) || 'N';
  const active = activeField(fieldDefs, grouping, inline, ctx);
  const fieldDef = fieldDefs[active] ?? '';
  const calculated = fieldDef.trim().startsWith('=');
  let field: ModelField | undefined;
  let table = 0;
  if (calculated) {
    try {
      ({ field, table } = calculatedField(fieldDef, ctx));
    } catch (caught) {
      if (!(caught instanceof ExpressionError)) throw caught;
      errors.push(caught.message);
      return undefined;
    }
  } else {
    field = ctx.model.field(fieldName(fieldDef));
    if (!field) {
      errors.push(`field ${fieldDef} not found`);
      return undefined;
    }
    table = field.tables[0] ?? 0;
  }
  const presentation = asRecords(inline.qNumberPresentations)[active];
  return {
    field,
    table,
    criteria: asRecords(inline.qSortCriterias)[active] ?? asRecords(inline.qSortCriterias)[0],
    reverse: inline.qReverseSort === true,
    nullSuppression: def.qNullSuppression === true,
    presentation: isFixedFormat(presentation) ? presentation : undefined,
    attributes: asRecords(def.qAttributeExpressions).map((attribute) => parseOptional(asText(attribute.qExpression))),
    calculated,
    groupPos: active,
  };
}

/** A field definition's field name: `[Order Date]` is `Order Date`. */
function fieldName(fieldDef: string): string {
  return fieldDef.trim().replace(/^\[(.*)\]$/, '$1');
}

/**
 * The field in use of a group: a cyclic group's qActiveField; for a drill-down group the first
 * field that does not have exactly one possible value (selecting down to one value drills to the
 * next field), the last field when all before it have one.
 */
export function activeField(
  fieldDefs: readonly string[],
  grouping: string,
  inline: Readonly<JsonRecord>,
  ctx: ChartContext,
): number {
  if (grouping === 'C') {
    const active = typeof inline.qActiveField === 'number' ? inline.qActiveField : 0;
    return Math.min(Math.max(active, 0), Math.max(fieldDefs.length - 1, 0));
  }
  if (grouping === 'H') {
    for (let i = 0; i < fieldDefs.length - 1; i++) {
      const field = ctx.model.field(fieldName(fieldDefs[i] ?? ''));
      if (!field) return i;
      const states = ctx.base.fieldStates(field.index);
      let possible = 0;
      for (const state of states) if (state === STATE.O || state === STATE.S || state === STATE.L) possible++;
      if (possible !== 1) return i;
    }
    return Math.max(fieldDefs.length - 1, 0);
  }
  return 0;
}
