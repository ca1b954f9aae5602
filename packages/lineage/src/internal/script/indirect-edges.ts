import type { IndirectAttributes } from '../../generated/lineage-graph.js';
import { type Relation, SCRIPT, type ScriptContext, type StatementContext, type TableState } from './script-context.js';

/**
 * The INDIRECT edges of a LOAD once its table is placed: each WHERE/WHILE field (`filter`), GROUP BY
 * field (`group-by`) and ORDER BY field (`sort`), resolved in the statement's source, → every field
 * the statement wrote; an If() condition / Pick() index field (`conditional`) and a Previous()/Peek()
 * field (`window`) → the one field its expression wrote; each JOIN key field (a `join-key`
 * derivation's target) → every other field the JOIN wrote.
 * Their ids join the statement's DERIVES edges, so their confidence follows its reconciliation.
 *
 * @example
 * ```ts
 * const table = placeTable(ctx, statement, relation, stmt);
 * addIndirectEdges(ctx, stmt, relation, table);
 * ```
 */
export function addIndirectEdges(
  ctx: ScriptContext,
  stmt: StatementContext,
  relation: Relation,
  table?: TableState,
): void {
  const derived = (ctx.derivesByStatement.get(stmt.id) ?? []).map((id) => ctx.graph.getEdge(id));
  const written = new Set<string>();
  const keys = new Map<string, string>();
  for (const e of derived) {
    if (e?.kind !== 'DERIVES') continue;
    written.add(e.to);
    if (e.attributes.transformation === 'join-key') {
      const key = ctx.graph.getNode(e.to);
      if (key) keys.set(e.to, key.name);
    }
  }
  // A column computed from no field (Peek('X'), a constant) has no DERIVES edge: take it from the table.
  if (table)
    for (const column of relation.columns)
      for (const f of table.fields) {
        const id = table.fieldIds.get(f);
        if (id !== undefined && sameField(f, column.name)) written.add(id);
      }
  if (written.size === 0) return;
  const ids: string[] = [];
  const add = (from: string, subtype: IndirectAttributes['subtype'], field: string, skip: ReadonlySet<string>) => {
    for (const to of [...written].sort()) {
      if (to === from || skip.has(to)) continue;
      const attributes: IndirectAttributes = { subtype, field, statement: stmt.id };
      ids.push(ctx.graph.edge('INDIRECT', from, to, attributes, SCRIPT, `${stmt.id}|${subtype}`).id);
    }
  };
  const none = new Set<string>();
  for (const use of relation.indirect) {
    // A conditional/window use affects only the field its column became (its name, or T.name under QUALIFY).
    const column = use.column !== undefined ? relation.columns[use.column]?.name : undefined;
    const skip =
      column === undefined
        ? none
        : new Set([...written].filter((id) => !sameField(ctx.graph.getNode(id)?.name, column)));
    for (const input of use.inputs) if (input.node !== undefined) add(input.node, use.subtype, use.field, skip);
  }
  const keyIds = new Set(keys.keys());
  for (const [key, name] of keys) add(key, 'join', name, keyIds);
  if (ids.length === 0) return;
  ctx.derivesByStatement.set(stmt.id, [...(ctx.derivesByStatement.get(stmt.id) ?? []), ...ids]);
}

/**
 * The INDIRECT `join` edges of a KEEP: the fields the two tables share are its keys; LEFT KEEP keeps
 * the rows of the new table whose keys the other has (other's key → every field of the new table),
 * RIGHT KEEP the other way round, (INNER) KEEP both.
 *
 * @example
 * ```ts
 * addKeepEdges(ctx, stmt, absences, employees, 'left'); // Employees.EmployeeID → each Absences field
 * ```
 */
export function addKeepEdges(
  ctx: ScriptContext,
  stmt: StatementContext,
  table: TableState,
  other: TableState,
  type: 'inner' | 'left' | 'right' | null,
): void {
  const keys = table.fields.filter((f) => other.fieldIds.has(f));
  const ids: string[] = [];
  const add = (from: TableState, to: TableState) => {
    for (const key of keys) {
      const fromId = from.fieldIds.get(key);
      if (fromId === undefined) continue;
      for (const field of to.fields) {
        const toId = to.fieldIds.get(field);
        if (toId === undefined || toId === fromId) continue;
        const attributes: IndirectAttributes = { subtype: 'join', field: key, statement: stmt.id };
        ids.push(ctx.graph.edge('INDIRECT', fromId, toId, attributes, SCRIPT, `${stmt.id}|join`).id);
      }
    }
  };
  if (type !== 'right') add(other, table);
  if (type !== 'left') add(table, other);
  if (ids.length > 0) ctx.derivesByStatement.set(stmt.id, [...(ctx.derivesByStatement.get(stmt.id) ?? []), ...ids]);
}

/** Whether a placed field is the column `name` (as written, or qualified `Table.name`). */
function sameField(fieldName: string | undefined, name: string): boolean {
  return fieldName !== undefined && (fieldName === name || fieldName.endsWith(`.${name}`));
}
