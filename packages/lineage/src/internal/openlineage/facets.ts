/**
 * The `schemaURL` / `_schemaURL`s of the events: each is the `$id` of its file in the OpenLineage
 * spec (OpenLineage.json 2-0-2 and spec/facets/*.json) plus the JSON pointer of its definition.
 * `test/openlineage-spec.test.ts` checks every one against the spec files.
 */
const OL_SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';

/** The RunEvent definition of {@link OL_SPEC}. */
export const OL_RUN_EVENT_SCHEMA = `${OL_SPEC}#/$defs/RunEvent`;

const facet = (version: string, name: string): string =>
  `https://openlineage.io/spec/facets/${version}/${name}.json#/$defs/${name}`;

/** One `_schemaURL` per standard facet written (the version of the spec files' `$id`). */
export const OL_FACETS = {
  schema: facet('1-2-0', 'SchemaDatasetFacet'),
  columnLineage: facet('1-2-0', 'ColumnLineageDatasetFacet'),
  symlinks: facet('1-0-1', 'SymlinksDatasetFacet'),
  datasetType: facet('1-0-1', 'DatasetTypeDatasetFacet'),
  jobType: facet('2-0-4', 'JobTypeJobFacet'),
  sourceCode: facet('1-0-1', 'SourceCodeJobFacet'),
  documentation: facet('1-1-0', 'DocumentationJobFacet'),
  errorMessage: facet('1-0-1', 'ErrorMessageRunFacet'),
  outputStatistics: facet('1-0-2', 'OutputStatisticsOutputDatasetFacet'),
} as const;

/**
 * The custom facets of this package (a `_schemaURL` naming their definition in this repository):
 * `qlik_app` (job: app id, stream, owner) and `qlik_pattern` (dataset: a wildcard path and the
 * concrete paths the engine reported for it).
 */
export const QIXFLOW_FACETS = {
  qlikApp: 'https://github.com/qixflow/qixflow/tree/main/packages/lineage/README.md#qlik_app',
  qlikPattern: 'https://github.com/qixflow/qixflow/tree/main/packages/lineage/README.md#qlik_pattern',
} as const;
