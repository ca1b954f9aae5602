/**
 * Confidence levels (0–1) used on nodes and edges. Documented in the README and the schema.
 */
export const CONFIDENCE = {
  /** Confirmed by two sources (script + GetLineage), or a fact the engine/repository reports. */
  confirmed: 1,
  /** Reported by GetLineage only (a runtime fact no statement of the script explains). */
  engineOnly: 0.9,
  /** Static analysis, not contradicted (GetLineage unavailable or empty). */
  script: 0.8,
  /** Static analysis the last reload did not confirm (a branch not taken, a changed script). */
  unconfirmed: 0.6,
  /** Heuristic: a name-only match, a field inferred through `*`. */
  heuristic: 0.4,
  /** A dynamic path that stayed a pattern, an unresolved reference. */
  pattern: 0.2,
} as const;
