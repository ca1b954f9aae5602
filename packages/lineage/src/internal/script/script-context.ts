import { redact } from '@qixflow/core';
import { isQualified, type QualifyRule } from '@qixflow/script';
import type {
  DerivesAttributes,
  IndirectAttributes,
  LineageDiagnostic,
  ScriptStatementNode,
} from '../../generated/lineage-graph.js';
import type { ConnectionRef, DatasetRef } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import type { GraphBuilder, Origin } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';

/** How a field came to be (the DERIVES transformation kinds). */
export type Transformation = DerivesAttributes['transformation'];
/** What the statement did with the rows (the DERIVES operation). */
export type Operation = NonNullable<DerivesAttributes['operation']>;

/** An input of a derived column: a field node, or a field of the table being written (`self`). */
export interface FieldInput {
  readonly node?: string;
  readonly self?: string;
  readonly role?: 'input' | 'key' | 'value';
  readonly confidence?: number;
}

/**
 * A field of a query's source that decides rows without flowing into them: WHERE/WHILE, GROUP BY,
 * ORDER BY, a SELECT's JOIN … ON (the whole statement), or an If() condition, Pick() index,
 * Previous()/Peek() argument (only the column at `column`).
 */
export interface IndirectUse {
  readonly subtype: IndirectAttributes['subtype'];
  readonly field: string;
  readonly inputs: readonly FieldInput[];
  /** The index of the one column it affects (conditional, window); every column when absent. */
  readonly column?: number;
}

/** One output column of a LOAD/SELECT. */
export interface Column {
  readonly name: string;
  readonly inputs: readonly FieldInput[];
  readonly transformation: Transformation;
  readonly expression?: string;
  /** For an identity/rename column: the name it had in its source (to recognise passthroughs). */
  readonly sourceName?: string;
}

/** The rows a query returns, as columns with their lineage. */
export interface Relation {
  readonly columns: Column[];
  /** Columns not listed (LOAD * / SELECT * over a source whose columns are unknown). */
  open: boolean;
  starInputs: FieldInput[];
  readonly filterFields: string[];
  readonly groupByFields: string[];
  readonly orderByFields: string[];
  /** WHERE/WHILE, GROUP BY, ORDER BY … fields resolved in the source (the INDIRECT edges' ends). */
  readonly indirect: IndirectUse[];
  /** The default table name Qlik would give the result. */
  defaultName: string;
}

/** An empty relation named `defaultName`, to fill. */
export function newRelation(defaultName: string): Relation {
  return {
    columns: [],
    open: false,
    starInputs: [],
    filterFields: [],
    groupByFields: [],
    orderByFields: [],
    indirect: [],
    defaultName,
  };
}

/** A table the script created. */
export interface TableState {
  readonly key: string;
  readonly id: string;
  name: string;
  readonly names: string[];
  /** Live field names, in order. */
  readonly fields: string[];
  /** Field name → ScriptField node id (live fields). */
  readonly fieldIds: Map<string, string>;
  open: boolean;
  starId: string | undefined;
  readonly mapping: boolean;
  dropped: boolean;
  producer: string;
  /** Rows of an INLINE mapping table (for RENAME … USING). */
  inlineRows?: readonly (readonly string[])[];
}

/** A read of a statement, for reconciliation with GetLineage. */
export interface SourceUse {
  readonly statementId: string;
  readonly kind: 'file' | 'web' | 'db' | 'resident' | 'inline' | 'autogenerate' | 'extension' | 'from-field' | 'binary';
  readonly datasetIds: string[];
  readonly identities: string[];
  readonly pattern: boolean;
  readonly connection?: string;
  readonly residentTable?: string;
  readonly edgeIds: string[];
  matched: boolean;
}

/** A STORE, for reconciliation with GetLineage. */
export interface SinkUse {
  readonly statementId: string;
  readonly datasetId: string;
  readonly identity: string;
  readonly pattern: boolean;
  readonly edgeId: string;
  matched: boolean;
}

/** The statement being analysed. */
export interface StatementContext {
  readonly id: string;
  readonly node: ScriptStatementNode;
  /** The statement text (after expansion when it had `$(…)`). */
  readonly text: string;
}

export const SCRIPT: Origin = { provenance: 'script', confidence: CONFIDENCE.script };

/** The mutable state of one script analysis, shared by its parts. */
export class ScriptContext {
  readonly graph: GraphBuilder;
  readonly appId: string;
  readonly appNodeId: string;
  readonly connections: readonly ConnectionRef[];
  readonly diagnostics: LineageDiagnostic[] = [];
  readonly tables: TableState[] = [];
  lastTable: TableState | null = null;
  readonly qualify: QualifyRule[] = [];
  readonly aliases = new Map<string, string>();
  connection: { readonly name: string; readonly id: string } | null = null;
  readonly sources: SourceUse[] = [];
  readonly sinks: SinkUse[] = [];
  /** DERIVES edge ids per statement id (their confidence follows the statement's reconciliation). */
  readonly derivesByStatement = new Map<string, string[]>();
  readonly binaryPaths: string[] = [];
  readonly #keys = new Map<string, number>();

  constructor(graph: GraphBuilder, appId: string, connections: readonly ConnectionRef[]) {
    this.graph = graph;
    this.appId = appId;
    this.appNodeId = ids.app(appId);
    this.connections = connections;
  }

  diagnose(code: string, severity: LineageDiagnostic['severity'], message: string, statement?: StatementContext): void {
    this.diagnostics.push({
      code,
      severity,
      message,
      ...(statement?.node.attributes.line !== undefined ? { line: statement.node.attributes.line } : {}),
      ...(statement ? { statement: statement.id } : {}),
    });
  }

  /** A live table by name (exact, then case-insensitive). */
  table(name: string): TableState | undefined {
    const live = this.tables.filter((t) => !t.dropped);
    return live.find((t) => t.name === name) ?? live.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }

  /** A new table node (and its CONTAINS edge from the app). */
  newTable(name: string, mapping: boolean, producer: string): TableState {
    const n = this.#keys.get(name) ?? 0;
    this.#keys.set(name, n + 1);
    const key = n === 0 ? name : `${name}~${n + 1}`;
    const id = ids.scriptTable(this.appId, key);
    this.graph.node(
      'ScriptTable',
      id,
      name,
      { mapping, dropped: false, final: false, open: false, names: [name] },
      SCRIPT,
    );
    this.graph.edge('CONTAINS', this.appNodeId, id, {}, SCRIPT);
    const table: TableState = {
      key,
      id,
      name,
      names: [name],
      fields: [],
      fieldIds: new Map(),
      open: false,
      starId: undefined,
      mapping,
      dropped: false,
      producer,
    };
    this.tables.push(table);
    return table;
  }

  /** A table's field node (created when new); `star` for the `*` field. */
  field(table: TableState, name: string): string {
    const live = table.fieldIds.get(name);
    if (live) return live;
    const id = ids.scriptField(table.id, name);
    this.graph.node('ScriptField', id, name, { table: table.id }, SCRIPT);
    this.graph.edge('CONTAINS', table.id, id, {}, SCRIPT);
    table.fields.push(name);
    table.fieldIds.set(name, id);
    return id;
  }

  /** The `*` field of a table (columns not listed). */
  star(table: TableState): string {
    if (table.starId) return table.starId;
    const id = ids.scriptField(table.id, '*');
    this.graph.node('ScriptField', id, '*', { table: table.id, star: true }, SCRIPT);
    this.graph.edge('CONTAINS', table.id, id, {}, SCRIPT);
    table.starId = id;
    table.open = true;
    return id;
  }

  /** Removes a live field from a table (the node stays, marked dropped). */
  dropField(table: TableState, name: string): void {
    const id = table.fieldIds.get(name);
    if (!id) return;
    table.fieldIds.delete(name);
    table.fields.splice(table.fields.indexOf(name), 1);
    const node = this.graph.getNode(id);
    if (node?.kind === 'ScriptField') node.attributes.dropped = true;
  }

  /** The node of an external dataset (QVD, file, DB table …). */
  dataset(ref: DatasetRef, name: string): string {
    const id = ids.dataset(this.appId, ref.identity);
    this.graph.node(
      'ExternalDataset',
      id,
      name,
      {
        datasetType: ref.datasetType,
        identity: ref.identity,
        ...(ref.path !== undefined ? { path: ref.path } : {}),
        ...(ref.format !== undefined ? { format: ref.format } : {}),
        ...(ref.connection !== undefined ? { connection: ref.connection } : {}),
        ...(ref.table !== undefined ? { table: ref.table } : {}),
        pattern: ref.pattern,
      },
      ref.pattern ? { provenance: 'script', confidence: CONFIDENCE.pattern } : SCRIPT,
    );
    return id;
  }

  /** A dataset's field node (with its CONTAINS edge). */
  datasetField(datasetId: string, name: string, origin: Origin = SCRIPT): string {
    const id = ids.datasetField(datasetId, name);
    if (!this.graph.hasNode(id)) {
      this.graph.node(
        'DatasetField',
        id,
        name,
        { dataset: datasetId, ...(name === '*' ? { star: true } : {}) },
        origin,
      );
      this.graph.edge('CONTAINS', datasetId, id, {}, origin);
    }
    return id;
  }

  /** The node of a connection by name (site-level; unresolved when the site does not list it). */
  connectionNode(name: string): string {
    const known =
      this.connections.find((c) => c.name.toLowerCase() === name.toLowerCase()) ??
      this.connections.find((c) => c.connectionString.toLowerCase().includes(name.toLowerCase()) && name.length > 2);
    if (known) {
      const id = ids.connection(known.name);
      this.graph.node(
        'Connection',
        id,
        known.name,
        {
          connectionType: known.type,
          connectionString: redact(known.connectionString),
          resolved: true,
          ...(known.id ? { connectionId: known.id } : {}),
        },
        { provenance: 'model', confidence: CONFIDENCE.confirmed },
        { siteLevel: true },
      );
      return id;
    }
    const safe = redact(name);
    const id = ids.connection(safe);
    this.graph.node(
      'Connection',
      id,
      safe,
      { resolved: false },
      { provenance: 'script', confidence: CONFIDENCE.heuristic },
      { siteLevel: true },
    );
    return id;
  }

  /** The site connection name a script name resolves to (or the name as written). */
  connectionName(name: string): string {
    const known =
      this.connections.find((c) => c.name.toLowerCase() === name.toLowerCase()) ??
      this.connections.find((c) => c.connectionString.toLowerCase().includes(name.toLowerCase()) && name.length > 2);
    return known?.name ?? redact(name);
  }

  /** Records a DERIVES edge for a statement (so reconciliation can adjust it). */
  derives(
    from: string,
    to: string,
    transformation: Transformation,
    operation: Operation,
    statement: StatementContext,
    extra: { role?: FieldInput['role']; expression?: string; confidence?: number } = {},
  ): void {
    const edge = this.graph.edge(
      'DERIVES',
      from,
      to,
      {
        transformation,
        operation,
        ...(extra.role && extra.role !== 'input' ? { role: extra.role } : {}),
        ...(extra.expression !== undefined ? { expression: extra.expression.slice(0, 500) } : {}),
        statement: statement.id,
      },
      extra.confidence !== undefined ? { provenance: 'script', confidence: extra.confidence } : SCRIPT,
      `${statement.id}|${extra.role ?? ''}`,
    );
    const list = this.derivesByStatement.get(statement.id) ?? [];
    list.push(edge.id);
    this.derivesByStatement.set(statement.id, list);
  }

  /** Whether QUALIFY applies to a field name now. */
  qualified(field: string): boolean {
    return isQualified(this.qualify, field);
  }
}
