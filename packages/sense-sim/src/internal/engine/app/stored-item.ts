// A library item as an app stores it. Its own file so that the app (app-doc.ts) and the script
// variables it syncs (script-variables.ts) share it without importing each other.

/** How the engine marks a variable in lists and layouts (`NxVariableListItem`). */
export interface VariableFlags {
  /** Defined by the script (`SET`/`LET`) in a reload. */
  readonly scriptCreated: boolean;
  /** A name with a meaning to the engine (`ThousandSep`, `DayNames`, `ScriptError` …). */
  readonly reserved: boolean;
  /** A system variable the engine sets and a user cannot change (`QvPath` …). */
  readonly config: boolean;
}

/** A library item (master dimension/measure, variable, bookmark) as the app stores it. */
export interface StoredItem {
  properties: Record<string, unknown>;
  /** Variables: how the engine marks it (script-created, reserved, system); a user's own when absent. */
  flags?: VariableFlags;
  /** Bookmarks: what the bookmark holds (NxBookmark: selections, variables), apart from its properties. */
  bookmark?: Record<string, unknown>;
}
