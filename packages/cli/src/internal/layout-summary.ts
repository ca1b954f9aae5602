/** What a person watches an object for: its numbers, its first rows, its selected values. */
export interface LayoutSummary {
  /** A KPI's (or any cube without dimensions') measures: `Total Sales` → `1 234 567`. */
  values?: { label: string; text: string }[];
  /** Column titles of {@link rows}. */
  columns?: string[];
  /** The first rows of a table or chart (cell texts), at most {@link SUMMARY_ROWS}. */
  rows?: string[][];
  /** A list object's first values, selected ones marked. */
  items?: { text: string; selected: boolean }[];
}

/** Rows of a table or chart a summary shows. */
const SUMMARY_ROWS = 3;
/** Values of a list box a summary shows. */
const SUMMARY_ITEMS = 5;
/** Columns of a table a summary shows. */
const SUMMARY_COLUMNS = 6;

interface Cell {
  qText?: string;
  qNum?: number | string;
  qState?: string;
}
interface DataPage {
  qMatrix?: Cell[][];
}
interface Cube {
  qSize?: { qcx?: number; qcy?: number };
  qDimensionInfo?: { qFallbackTitle?: string }[];
  qMeasureInfo?: { qFallbackTitle?: string }[];
  qDataPages?: DataPage[];
  qGrandTotalRow?: Cell[];
}
interface List {
  qDataPages?: DataPage[];
}

/** The page a summary needs and the layout did not bring (no `qInitialDataFetch`). */
export interface MissingPage {
  path: '/qHyperCubeDef' | '/qListObjectDef';
  page: { qTop: number; qLeft: number; qWidth: number; qHeight: number };
}

/**
 * The data page {@link summarizeLayout} would like when the layout has none: the first rows of a
 * cube, the first values of a list — `undefined` when the layout is enough (or has no data).
 *
 * @example
 * ```ts
 * const missing = missingPage(layout);
 * const pages = missing && (await object.getHyperCubeData(missing.path, [missing.page]));
 * ```
 */
export function missingPage(layout: object): MissingPage | undefined {
  const { qHyperCube: cube, qListObject: list } = layout as { qHyperCube?: Cube; qListObject?: List & Cube };
  if (cube !== undefined) {
    const width = Math.min(cube.qSize?.qcx ?? 0, SUMMARY_COLUMNS);
    const height = Math.min(cube.qSize?.qcy ?? 0, SUMMARY_ROWS);
    if (width === 0 || height === 0 || hasRows(cube.qDataPages)) return undefined;
    return { path: '/qHyperCubeDef', page: { qTop: 0, qLeft: 0, qWidth: width, qHeight: height } };
  }
  if (list !== undefined) {
    const height = Math.min(list.qSize?.qcy ?? 0, SUMMARY_ITEMS);
    if (height === 0 || hasRows(list.qDataPages)) return undefined;
    return { path: '/qListObjectDef', page: { qTop: 0, qLeft: 0, qWidth: 1, qHeight: height } };
  }
  return undefined;
}

/**
 * Summarises a generic object's layout for a terminal: a KPI's values, a chart's or table's first
 * rows, a list box's first values. `pages` are data pages fetched for {@link missingPage}.
 *
 * @example
 * ```ts
 * summarizeLayout(kpiLayout); // { values: [{ label: 'Total Sales', text: '1 234 567' }] }
 * ```
 */
export function summarizeLayout(layout: object, pages: readonly DataPage[] = []): LayoutSummary {
  const { qHyperCube: cube, qListObject: list } = layout as { qHyperCube?: Cube; qListObject?: List };
  if (cube !== undefined) {
    const matrix = firstMatrix(cube.qDataPages) ?? firstMatrix(pages) ?? [];
    const dimensions = cube.qDimensionInfo ?? [];
    const measures = cube.qMeasureInfo ?? [];
    if (dimensions.length === 0 && measures.length > 0) {
      const row = matrix[0] ?? cube.qGrandTotalRow ?? [];
      return {
        values: measures.map((m, i) => ({ label: m.qFallbackTitle ?? `measure ${i + 1}`, text: row[i]?.qText ?? '-' })),
      };
    }
    if (matrix.length === 0) return {};
    const titles = [...dimensions, ...measures].map((c, i) => c.qFallbackTitle ?? `column ${i + 1}`);
    return {
      columns: titles.slice(0, SUMMARY_COLUMNS),
      rows: matrix.slice(0, SUMMARY_ROWS).map((row) => row.slice(0, SUMMARY_COLUMNS).map((c) => c.qText ?? '-')),
    };
  }
  if (list !== undefined) {
    const matrix = firstMatrix(list.qDataPages) ?? firstMatrix(pages) ?? [];
    const items = matrix.slice(0, SUMMARY_ITEMS).flatMap((row) => {
      const cell = row[0];
      return cell === undefined ? [] : [{ text: cell.qText ?? '-', selected: cell.qState === 'S' }];
    });
    return items.length === 0 ? {} : { items };
  }
  return {};
}

/**
 * The summary as text after the object's title: `Total Sales: 1 234 567`,
 * `Region | Sales: Nordics | 1 200; Baltics | 800; …`, `[Nordics] Baltics …`.
 *
 * @example
 * ```ts
 * formatSummary({ values: [{ label: 'Total Sales', text: '1 234 567' }] }); // 'Total Sales: 1 234 567'
 * ```
 */
export function formatSummary(summary: LayoutSummary, total?: number): string {
  if (summary.values !== undefined) return summary.values.map((v) => `${v.label}: ${v.text}`).join(' · ');
  if (summary.rows !== undefined && summary.rows.length > 0) {
    const more = total !== undefined && total > summary.rows.length ? '; …' : '';
    return `${(summary.columns ?? []).join(' | ')}: ${summary.rows.map((r) => r.join(' | ')).join('; ')}${more}`;
  }
  if (summary.items !== undefined) {
    return summary.items.map((i) => (i.selected ? `[${i.text}]` : i.text)).join(' ');
  }
  return '';
}

function hasRows(pages: readonly DataPage[] | undefined): boolean {
  return (pages?.[0]?.qMatrix?.length ?? 0) > 0;
}

function firstMatrix(pages: readonly DataPage[] | undefined): Cell[][] | undefined {
  const matrix = pages?.[0]?.qMatrix;
  return matrix !== undefined && matrix.length > 0 ? matrix : undefined;
}
