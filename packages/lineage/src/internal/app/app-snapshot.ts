import type {
  EngineConnection,
  EngineLineageInfo,
  EngineObjectEntry,
  EngineSourceKeyRecord,
  EngineTableRecord,
} from '../../lineage-doc.js';

/** Repository (QRS) facts about an app, when known. */
export interface AppInventoryInfo {
  readonly streamId?: string | null;
  readonly streamName?: string | null;
  readonly owner?: string;
  readonly published?: boolean;
  readonly modifiedDate?: string;
  readonly lastReloadTime?: string;
  /** The app's last reload failed (after its last successful one, if any), as the repository recorded it. */
  readonly lastReloadFailure?: ReloadFailureInfo;
}

/**
 * A failed reload as a repository records it: a reload task's last execution result (QSEoW), with
 * the script error read from its script log when the log could be read.
 */
export interface ReloadFailureInfo {
  /** When the reload ended (ISO 8601). */
  readonly at: string;
  /** The reload task that ran it. */
  readonly task?: string;
  /** The script line where the reload stopped (as written; 1-based). */
  readonly line?: number;
  /** The script error. */
  readonly message?: string;
}

/** A master dimension as read from the engine. */
export interface SnapshotDimension {
  readonly id: string;
  readonly title: string;
  readonly grouping: string;
  readonly fieldDefs: readonly string[];
  readonly fieldLabels: readonly string[];
  readonly labelExpression: string;
}

/** A master measure as read from the engine. */
export interface SnapshotMeasure {
  readonly id: string;
  readonly title: string;
  readonly definition: string;
  readonly label: string;
  readonly labelExpression: string;
  readonly expressions: readonly string[];
}

/** A variable as read from the engine. */
export interface SnapshotVariable {
  readonly id: string;
  readonly name: string;
  readonly definition: string;
  readonly scriptCreated: boolean;
}

/** A problem met while reading the app (a call that failed, data that was not there). */
export interface SnapshotProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * Everything lineage needs from one app, as plain JSON: what the engine answered. The analysis is a
 * pure function of this (and so is the content hash used for resuming).
 */
export interface AppSnapshot {
  readonly appId: string;
  readonly appName: string;
  readonly inventory: AppInventoryInfo;
  readonly script: string;
  /**
   * GetAppLayout's qLastReloadTime: null when the engine says the app was never reloaded; absent
   * when the layout could not be read.
   */
  readonly engineReloadTime?: string | null;
  /** GetLineage rows; null when the call failed (no reload rights …). */
  readonly lineage: readonly EngineLineageInfo[] | null;
  readonly connections: readonly EngineConnection[];
  /** Included files by the path written in the script; null when the engine could not give them. */
  readonly includes: Readonly<Record<string, string | null>>;
  /** GetTablesAndKeys; null when not read (no data, or not asked). */
  readonly model: {
    readonly tables: readonly EngineTableRecord[];
    readonly keys: readonly EngineSourceKeyRecord[];
  } | null;
  readonly dimensions: readonly SnapshotDimension[];
  readonly measures: readonly SnapshotMeasure[];
  readonly variables: readonly SnapshotVariable[];
  /** Sheets as full property trees. */
  readonly sheets: readonly EngineObjectEntry[];
  /** Master visualisations (masterobject) as full property trees. */
  readonly masterObjects: readonly EngineObjectEntry[];
  readonly problems: readonly SnapshotProblem[];
}
