import { type Expression, fieldsOf, type LoadQuery, visit } from '@qixflow/script';
import type { FieldInput, IndirectUse, Relation } from './script-context.js';

/** Resolves a field name in a LOAD's source: the inputs it stands for (none when unknown). */
export type ResolveInputs = (field: string) => readonly FieldInput[];

/**
 * The clause fields of a LOAD that decide rows without flowing into them, as the relation's
 * filter / group-by / order-by fields and INDIRECT uses: WHERE/WHILE (`filter`), GROUP BY
 * (`group-by`), ORDER BY (`sort`) for every column; If()/Pick() conditions and Previous()/Peek()
 * reads (`conditional`, `window`) for the one column of their expression; then a preceding load's.
 */
export function addLoadClauseUses(
  relation: Relation,
  query: LoadQuery,
  resolve: ResolveInputs,
  expressions: readonly { readonly index: number; readonly expression: Expression }[],
  inner: Relation | undefined,
): void {
  const add = (subtype: IndirectUse['subtype'], field: string, names: string[], column?: number) => {
    names.push(field);
    const inputs = resolve(field);
    if (inputs.length > 0)
      relation.indirect.push({ subtype, field, inputs, ...(column !== undefined ? { column } : {}) });
  };
  for (const e of [query.where, query.while])
    if (e) for (const f of fieldsOf(e).fields) add('filter', f, relation.filterFields);
  for (const e of query.groupBy) for (const f of fieldsOf(e).fields) add('group-by', f, relation.groupByFields);
  for (const item of query.orderBy)
    for (const f of fieldsOf(item.expression).fields) add('sort', f, relation.orderByFields);
  for (const { index, expression } of expressions)
    for (const use of rowDecidingFields(expression)) add(use.subtype, use.field, [], index);
  if (inner) {
    relation.filterFields.push(...inner.filterFields);
    relation.groupByFields.push(...inner.groupByFields);
    relation.orderByFields.push(...inner.orderByFields);
    relation.indirect.push(...inner.indirect);
  }
}

/**
 * The fields of an expression that decide its value without flowing into it: the condition of an
 * If() and the index of a Pick() (`conditional`), and what Previous() or Peek('Field') read from
 * another row (`window`).
 */
function rowDecidingFields(expression: Expression): { subtype: 'conditional' | 'window'; field: string }[] {
  const out: { subtype: 'conditional' | 'window'; field: string }[] = [];
  visit(expression, (node) => {
    if (node.kind !== 'FunctionCall') return undefined;
    const name = node.name.toLowerCase();
    const first = node.args[0];
    if (!first) return undefined;
    if (name === 'if' || name === 'pick')
      for (const field of fieldsOf(first).fields) out.push({ subtype: 'conditional', field });
    else if (name === 'previous') for (const field of fieldsOf(first).fields) out.push({ subtype: 'window', field });
    else if (name === 'peek' && first.kind === 'StringLiteral') out.push({ subtype: 'window', field: first.value });
    return undefined;
  });
  return out;
}
