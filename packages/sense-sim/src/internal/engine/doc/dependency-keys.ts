/**
 * Dependency keys: what an object's layout can read, and what a change announces. An object is
 * invalidated when anything its last layout read changes (see EngineSession.changed).
 */
export const dep = {
  /** A generic object's own properties. */
  object: (qId: string): string => `object:${qId}`,
  /** The set of children of an object (added, removed, reordered). */
  children: (qId: string): string => `children:${qId}`,
  /** The set of generic objects of one qInfo.qType (app object lists). */
  type: (qType: string): string => `type:${qType}`,
  /** A library item of a kind. */
  libraryItem: (kind: string, id: string): string => `library:${kind}:${id}`,
  /** The set of library items of a kind. */
  library: (kind: string): string => `library:${kind}`,
  /** App properties, script, reload time (the Doc's own layout). */
  app: 'app',
  /** The data model and the selections of one state (`$` = default). */
  data: (state: string): string => `data:${state}`,
  /** Every state's data (a reload). */
  allData: 'data:*',
} as const;
