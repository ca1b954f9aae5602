import type { Statement } from '@qixflow/script';
import { SCRIPT, type ScriptContext, type StatementContext } from './script-context.js';

/** Where a statement stands: inside an IF/SWITCH branch (which may not have run). */
interface BranchFlags {
  readonly conditional?: boolean;
}

type DropStatement = Extract<Statement, { kind: 'Drop' }>;
type RenameStatement = Extract<Statement, { kind: 'Rename' }>;

/** DROP TABLE(S) / DROP FIELD(S) [FROM …]: the statement PRODUCES (drop) each table it changes. */
export function runDrop(ctx: ScriptContext, s: DropStatement, stmt: StatementContext, flags: BranchFlags): void {
  const named = (name: string) => {
    const table = ctx.table(name);
    if (!table)
      cannotRun(
        ctx,
        stmt,
        flags,
        `DROP ${s.target.toUpperCase()} … ${name}: there is no table ${name}`,
        `Table '${name}' not found`,
      );
    return table;
  };
  if (s.target === 'table') {
    for (const table of s.names.map(named)) {
      if (!table) continue;
      ctx.graph.edge('PRODUCES', stmt.id, table.id, { operation: 'drop' }, SCRIPT);
      table.dropped = true;
      if (ctx.lastTable === table) ctx.lastTable = ctx.tables.filter((t) => !t.dropped).pop() ?? null;
    }
    return;
  }
  const tables =
    s.from.length > 0 ? s.from.map(named).filter((t) => t !== undefined) : ctx.tables.filter((t) => !t.dropped);
  for (const name of s.names) {
    const holding = tables.filter((t) => t.fieldIds.has(name));
    // A table with fields the analysis cannot list (LOAD * of an unknown file) may hold it.
    if (holding.length === 0 && !tables.some((t) => t.open))
      cannotRun(
        ctx,
        stmt,
        flags,
        `DROP FIELD ${name}: no table${s.from.length > 0 ? ` of ${s.from.join(', ')}` : ''} has that field`,
        `Field '${name}' not found`,
      );
    for (const table of holding) {
      ctx.graph.edge('PRODUCES', stmt.id, table.id, { operation: 'drop' }, SCRIPT);
      ctx.dropField(table, name);
    }
  }
}

/**
 * A statement that cannot have run as written: the engine stops the reload there with `error`.
 * A warning (info inside an IF/SWITCH branch, which may not have run).
 */
function cannotRun(ctx: ScriptContext, stmt: StatementContext, flags: BranchFlags, what: string, error: string): void {
  const when = flags.conditional ? 'if this branch runs, ' : '';
  ctx.diagnose(
    'statement-cannot-run',
    flags.conditional ? 'info' : 'warning',
    `${what} at this point of the script: ${when}the engine stops the reload here ("${error}")`,
    stmt,
  );
}

/**
 * RENAME TABLE / FIELD a TO b (or USING a mapping table loaded INLINE): the statement (made by
 * `statement`, not when the mapping's rows are unknown) PRODUCES (rename) a renamed table; a renamed
 * field DERIVES (rename) from its old name.
 */
export function runRename(
  ctx: ScriptContext,
  s: RenameStatement,
  statement: () => StatementContext,
  flags: BranchFlags,
): void {
  const { target, using } = s;
  let pairs: readonly { readonly from: string; readonly to: string }[] = s.pairs;
  if (using !== null) {
    const map = ctx.tables.find((t) => t.mapping && t.name.toLowerCase() === using.toLowerCase());
    if (map?.inlineRows)
      pairs = map.inlineRows.map((r) => ({ from: r[0] ?? '', to: r[1] ?? '' })).filter((p) => p.from !== '');
    else {
      ctx.diagnose(
        'rename-using-unresolved',
        'warning',
        `RENAME … USING ${using}: the mapping's rows are only known at reload; names are not followed`,
      );
      return;
    }
  }
  const stmt = statement();
  if (target === 'table') {
    for (const p of pairs) {
      const table = ctx.table(p.from);
      if (!table) {
        if (using === null)
          cannotRun(ctx, stmt, flags, `RENAME TABLE ${p.from}: there is no such table`, `Table '${p.from}' not found`);
        continue;
      }
      ctx.graph.edge('PRODUCES', stmt.id, table.id, { operation: 'rename' }, SCRIPT);
      table.name = p.to;
      table.names.push(p.to);
      const node = ctx.graph.getNode(table.id);
      if (node?.kind === 'ScriptTable') {
        node.name = p.to;
        node.attributes.names = [...table.names];
      }
    }
    return;
  }
  const live = ctx.tables.filter((t) => !t.dropped);
  for (const p of pairs) {
    const holding = live.filter((t) => t.fieldIds.has(p.from));
    if (holding.length === 0 && using === null && !live.some((t) => t.open))
      cannotRun(ctx, stmt, flags, `RENAME FIELD ${p.from}: no table has that field`, `Field '${p.from}' not found`);
    for (const table of holding) {
      const from = table.fieldIds.get(p.from);
      if (!from) continue;
      ctx.dropField(table, p.from);
      const to = ctx.field(table, p.to);
      ctx.derives(from, to, 'rename', 'rename', stmt);
    }
  }
}
