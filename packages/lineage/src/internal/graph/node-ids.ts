/**
 * Node ids: readable, deterministic from content, unambiguous. Segments are `kind:value` joined by
 * `/`; inside a value `%` and `/` are percent-escaped, so no two different contents share an id.
 * App-level nodes start with `app:<appId>`; site-level nodes (Site, Stream, Connection) do not,
 * so fragments of different apps never collide and shared nodes are the same in every fragment.
 */
function seg(value: string): string {
  return value.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export const ids = {
  site: (host: string): string => `site:${seg(host.toLowerCase())}`,
  stream: (streamId: string): string => `stream:${seg(streamId)}`,
  connection: (name: string): string => `connection:${seg(name.toLowerCase())}`,
  app: (appId: string): string => `app:${seg(appId)}`,
  dataset: (appId: string, identity: string): string => `app:${seg(appId)}/dataset:${seg(identity)}`,
  datasetField: (datasetId: string, field: string): string => `${datasetId}/field:${seg(field)}`,
  statement: (appId: string, key: string): string => `app:${seg(appId)}/statement:${seg(key)}`,
  scriptTable: (appId: string, key: string): string => `app:${seg(appId)}/table:${seg(key)}`,
  scriptField: (tableId: string, field: string): string => `${tableId}/field:${seg(field)}`,
  modelTable: (appId: string, name: string): string => `app:${seg(appId)}/model-table:${seg(name)}`,
  modelField: (appId: string, name: string): string => `app:${seg(appId)}/model-field:${seg(name)}`,
  variable: (appId: string, name: string): string => `app:${seg(appId)}/variable:${seg(name)}`,
  dimension: (appId: string, id: string): string => `app:${seg(appId)}/dimension:${seg(id)}`,
  measure: (appId: string, id: string): string => `app:${seg(appId)}/measure:${seg(id)}`,
  sheet: (appId: string, id: string): string => `app:${seg(appId)}/sheet:${seg(id)}`,
  object: (appId: string, id: string): string => `app:${seg(appId)}/object:${seg(id)}`,
} as const;
