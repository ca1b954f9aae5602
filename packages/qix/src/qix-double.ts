/**
 * A double as the engine writes it in JSON: a number, or a string for the values JSON cannot hold. Text cells
 * carry `qNum: "NaN"` (seen in every recorded layout); `"Infinity"` / `"-Infinity"` follow the same encoding
 * *(unverified)*. The schema types these members `number` (format `double`); the wire does not.
 *
 * @example
 * ```ts
 * const value = typeof cell.qNum === 'number' ? cell.qNum : Number.NaN;
 * ```
 */
export type QixDouble = number | 'NaN' | 'Infinity' | '-Infinity';
