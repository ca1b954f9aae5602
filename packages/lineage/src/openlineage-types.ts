/** A facet: `_producer`, `_schemaURL` and its own fields. */
export interface OpenLineageFacet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [key: string]: unknown;
}

/** An input or output dataset of a run. */
export interface OpenLineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Readonly<Record<string, OpenLineageFacet>>;
  readonly outputFacets?: Readonly<Record<string, OpenLineageFacet>>;
}

/** An OpenLineage 2-0-2 RunEvent (the fields this package writes). */
export interface OpenLineageRunEvent {
  /** START and COMPLETE per successful reload, START and FAIL per failed one. */
  readonly eventType: 'START' | 'COMPLETE' | 'FAIL';
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets?: Readonly<Record<string, OpenLineageFacet>> };
  readonly job: {
    readonly namespace: string;
    readonly name: string;
    readonly facets?: Readonly<Record<string, OpenLineageFacet>>;
  };
  readonly inputs: readonly OpenLineageDataset[];
  readonly outputs: readonly OpenLineageDataset[];
}
