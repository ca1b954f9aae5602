/** Where two JSON trees first differ, and how. */
export interface ShapeMismatch {
  /** JSON pointer of the differing node ('' for the root). */
  readonly path: string;
  readonly reason: string;
}

/** Keys of a hypercube layout whose values only the data can decide (the {@link ShapeOptions.dataKeys} of a layout golden). */
export const LAYOUT_DATA_KEYS: ReadonlySet<string> = new Set([
  'qSize',
  'qApprMaxGlyphCount',
  'qCardinal',
  'qStateCounts',
  'qTags',
  'qMin',
  'qMax',
  'qCardinalities',
  'qArea',
  'qText',
  'qNum',
  'qDimInfos',
]);

/** Keys of a hypercube layout whose very keys depend on the data (the {@link ShapeOptions.opaqueKeys} of a layout golden). */
export const LAYOUT_OPAQUE_KEYS: ReadonlySet<string> = new Set(['qNumFormat', 'qGrandTotalRow', 'qMatrix']);

/** Options of {@link firstShapeMismatch}. */
export interface ShapeOptions {
  /**
   * Keys whose values depend on the data (cardinals, min/max, texts, cell numbers): only their
   * value types are compared, and under them arrays may differ in length.
   */
  readonly dataKeys?: ReadonlySet<string>;
  /**
   * Keys whose whole content depends on the data, including which keys it has (a number format,
   * a null cell's `qIsNull`): only the kind of their value is compared.
   */
  readonly opaqueKeys?: ReadonlySet<string>;
}

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

// The engine writes a NaN double as "NaN": it is a number to anyone reading a layout.
function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === 'NaN') return 'number';
  const type = typeof value;
  if (type === 'boolean' || type === 'number' || type === 'string') return type;
  return 'object';
}

/**
 * Compares `actual` with `expected` recursively: same kinds, same object keys in the same order,
 * same array lengths and same leaf values (except under data and opaque keys). Returns the first mismatch in
 * document order, or undefined when the shapes agree.
 */
export function firstShapeMismatch(
  actual: unknown,
  expected: unknown,
  options: ShapeOptions = {},
  path = '',
  underDataKey = false,
): ShapeMismatch | undefined {
  const dataKeys = options.dataKeys ?? new Set<string>();
  const actualKind = kindOf(actual);
  const expectedKind = kindOf(expected);
  if (actualKind !== expectedKind) {
    return { path, reason: `expected ${expectedKind} ${preview(expected)}, got ${actualKind} ${preview(actual)}` };
  }
  if (options.opaqueKeys?.has(path.slice(path.lastIndexOf('/') + 1))) return undefined;
  if (actualKind === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    if (!underDataKey && a.length !== e.length) {
      return { path, reason: `expected ${e.length} elements, got ${a.length}` };
    }
    for (let i = 0; i < Math.min(a.length, e.length); i++) {
      const mismatch = firstShapeMismatch(a[i], e[i], options, `${path}/${i}`, underDataKey);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (actualKind === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const actualKeys = Object.keys(a);
    const expectedKeys = Object.keys(e);
    for (let i = 0; i < Math.max(actualKeys.length, expectedKeys.length); i++) {
      const key = actualKeys[i];
      const expectedKey = expectedKeys[i];
      if (key === undefined) return { path, reason: `missing key "${expectedKey}"` };
      if (expectedKey === undefined) return { path, reason: `unexpected key "${key}"` };
      if (key !== expectedKey) {
        const reason = `expected key "${expectedKey}" at position ${i}, got "${key}" (keys: ${actualKeys.join(', ')})`;
        return { path, reason };
      }
      const mismatch = firstShapeMismatch(a[key], e[key], options, `${path}/${key}`, underDataKey || dataKeys.has(key));
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (!underDataKey && actual !== expected) {
    return { path, reason: `expected ${preview(expected)}, got ${preview(actual)}` };
  }
  return undefined;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
